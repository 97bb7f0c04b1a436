/**
 * A statement timeout is the operator's business, but not worth a stack trace per request:
 * any client can cause one, and a trace per request would let it flood the log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ALICE } from '../sessions/support/auth-client.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const log = new CapturedLog();

let server: TestServer;
let token: string;
before(async () => {
  server = await startTestServer({
    projectDir: 'examples/blog',
    logger: log.logger,
  });
  // Same signature, so the catalogue read at start still holds; SQLSTATE 57014 is what
  // PostgreSQL raises when statement_timeout cancels a statement.
  await server.database.db.exec(`
    CREATE OR REPLACE FUNCTION fn_create_post(title text, body text, published boolean, user_id uuid)
    RETURNS SETOF fraiseql.mutation_response LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'canceling statement due to statement timeout' USING ERRCODE = '57014';
    END $$;`);
  token = await server.token({ sub: ALICE, scopes: ['read:posts', 'write:posts'] });
});
after(async () => {
  await server?.close();
});

test('a statement timeout is a 504 logged once at warn, without a stack trace', async () => {
  log.clear();
  const reply = await server.graphql('mutation { create_post(title: "t", body: "b") { id } }', { token });
  await log.settled();
  const { lines } = log;

  assert.equal(reply.status, 504, reply.text);
  assert.equal(reply.body.errors?.[0]?.extensions?.['code'], 'TIMEOUT', reply.text);
  const entries = log.entries();
  const failure = entries.filter((entry) => String(entry['msg']).startsWith('request failed'));
  assert.equal(failure.length, 1, lines.join('\n'));
  assert.equal(failure[0]?.['level'], 'warn', lines.join('\n'));
  assert.equal(failure[0]?.['msg'], 'request failed: The database did not answer in time');
  assert.equal(failure[0]?.['reason'], 'TIMEOUT');
  assert.ok(!lines.some((line) => line.includes('"stack"')), lines.join('\n'));
  assert.ok(!entries.some((entry) => entry['level'] === 'error' || entry['level'] === 'fatal'), lines.join('\n'));
});
