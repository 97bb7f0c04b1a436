/**
 * The error_class of a failed mutation_response row comes from the SQL function, so it is
 * looked up as data: a class named like an Object.prototype member ("constructor",
 * "__proto__") is an unknown class, answered with the catalogued internal error and logged
 * with what to fix, never a crash.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ALICE } from '../sessions/support/auth-client.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const captured = new CapturedLog();

let server: TestServer;
let token: string;
before(async () => {
  server = await startTestServer({
    projectDir: 'examples/blog',
    logger: captured.logger,
  });
  // Same signature, so the catalog read at start still holds: the class is the title.
  await server.database.db.exec(`
    CREATE OR REPLACE FUNCTION fn_create_post(title text, body text, published boolean, user_id uuid)
    RETURNS SETOF fraiseql.mutation_response LANGUAGE sql AS $$
      SELECT ROW(false, false, title, NULL, NULL, 'detail the client must not see', NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL)::fraiseql.mutation_response
    $$;`);
  token = await server.token({ sub: ALICE, scopes: ['read:posts', 'write:posts'] });
});
after(async () => {
  await server?.close();
});

for (const errorClass of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'bogus']) {
  test(`error_class "${errorClass}" is the catalogued internal error, logged with the fix`, async () => {
    captured.clear();
    const reply = await server.graphql(
      `mutation { create_post(title: ${JSON.stringify(errorClass)}, body: "b") { id } }`,
      { token },
    );
    await captured.settled();

    const [error, ...others] = reply.body.errors ?? [];
    assert.equal(others.length, 0, reply.text);
    assert.equal(error?.extensions?.['code'], 'INTERNAL_SERVER_ERROR', reply.text);
    assert.equal(
      error?.message,
      'An internal error occurred. The server log has the details under this request id.',
    );
    assert.ok(!reply.text.includes('detail the client must not see'), reply.text);
    const log = captured.lines.join('\n');
    assert.match(
      log,
      new RegExp(
        `Mutation create_post failed with error_class \\\\"${errorClass}\\\\".*not one of FraiseQL's error classes`,
      ),
      log,
    );
  });
}

test('a known error class keeps its public code', async () => {
  const reply = await server.graphql('mutation { create_post(title: "conflict", body: "b") { id } }', {
    token,
  });
  assert.equal(reply.body.errors?.[0]?.extensions?.['code'], 'CONFLICT', reply.text);
  assert.equal(reply.body.errors?.[0]?.extensions?.['errorClass'], 'conflict', reply.text);
});
