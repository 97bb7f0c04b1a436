/**
 * A query argument that filters on a field is a filter the client wrote: with `User.email`
 * requiring a scope, `user_by_email(email: ...)` must be refused exactly like
 * `users(where: { email: { eq: ... } })`, or it answers "does this address exist?" for a value
 * the caller may not read. Both onDeny modes: a masked field may not be filtered on either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { postGraphQL, type ExchangeReply, type ResponseBody } from './http-exchange.ts';
import { blogVariant, type ProjectVariant } from './project-variant.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const BOB = '22222222-2222-2222-2222-222222222222';

interface FieldJson {
  name: string;
  nullable?: boolean;
  requires_scope?: string;
  on_deny?: string;
}

let variant: ProjectVariant;
let server: TestServer;

before(async () => {
  variant = blogVariant('', {
    editSchemaJson: (schema) => {
      const types = schema.types as { name: string; fields: FieldJson[] }[];
      const user = types.find((type) => type.name === 'User');
      assert.ok(user !== undefined);
      for (const field of user.fields) {
        // email: null plus an error entry without read:email; name: the whole request refused.
        if (field.name === 'email') {
          Object.assign(field, { nullable: true, requires_scope: 'read:email', on_deny: 'mask' });
        }
        if (field.name === 'name') {
          Object.assign(field, { requires_scope: 'read:names', on_deny: 'reject' });
        }
      }
      const users = schema.queries.find((query) => query.name === 'users');
      const byEmail = schema.queries.find((query) => query.name === 'user_by_email');
      assert.ok(users !== undefined && byEmail !== undefined);
      // A scope instead of a database permission, so that one token reaches both.
      delete users.requires_permission;
      users.requires_scope = 'read:users';
      schema.queries.push({
        ...byEmail,
        name: 'user_by_name',
        arguments: [{ name: 'name', type: 'String', nullable: false }],
        description: 'A user by display name.',
      });
      schema.queries.push({
        ...byEmail,
        name: 'user_by_id',
        arguments: [{ name: 'id', type: 'ID', nullable: false }],
        description: 'A user by id.',
      });
    },
  });
  server = await startTestServer({ projectDir: variant.dir });
});
after(async () => {
  await server?.close();
  variant?.remove();
});

async function ask(scopes: readonly string[], query: string): Promise<ExchangeReply> {
  const token = await server.token({ sub: ALICE, scope: scopes.join(' ') });
  return postGraphQL(server.app, { query }, { authorization: `Bearer ${token}` });
}

/** The response without what differs per request (the request id). */
function comparable(body: ResponseBody | undefined): unknown {
  return {
    ...body,
    errors: body?.errors?.map((error) => {
      const { requestId: _requestId, ...extensions } = error.extensions ?? {};
      return { ...error, extensions };
    }),
  };
}

for (const { mode, field, scope, argumentQuery, whereQuery } of [
  {
    mode: 'mask',
    field: 'User.email',
    scope: 'read:email',
    argumentQuery: '{ user_by_email(email: "bob@example.com") { id } }',
    whereQuery: '{ users(where: { email: { eq: "bob@example.com" } }) { id } }',
  },
  {
    mode: 'reject',
    field: 'User.name',
    scope: 'read:names',
    argumentQuery: '{ user_by_name(name: "Bob Smith") { id } }',
    whereQuery: '{ users(where: { name: { eq: "Bob Smith" } }) { id } }',
  },
]) {
  describe(`an argument on a field with onDeny ${mode}`, () => {
    test(`without ${scope} it is refused like a where on ${field}: the same 403`, async () => {
      const byArgument = await ask(['read:users'], argumentQuery);
      const byWhere = await ask(['read:users'], whereQuery);
      assert.equal(byWhere.status, 403, byWhere.text);
      assert.equal(byArgument.status, 403, byArgument.text);
      assert.deepEqual(comparable(byArgument.json), comparable(byWhere.json));
      assert.deepEqual(byArgument.json?.errors?.[0]?.extensions?.field, field);
      assert.deepEqual(byArgument.json?.errors?.[0]?.extensions?.requiredScopes, [scope]);
      assert.ok(!byArgument.text.includes(BOB), 'nothing about Bob is answered');
    });

    test(`with ${scope} the argument finds the user`, async () => {
      const reply = await ask(['read:users', scope], argumentQuery);
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(Object.values(reply.json?.data ?? {}), [{ id: BOB }]);
    });
  });
}

test('an argument on a field without a scope needs none', async () => {
  const reply = await ask(['read:users'], `{ user_by_id(id: "${BOB}") { id } }`);
  assert.equal(reply.status, 200, reply.text);
  assert.deepEqual(reply.json?.data, { user_by_id: { id: BOB } });
});

test('a masked field is still masked in the selection when its scope is missing', async () => {
  const reply = await ask(['read:users'], `{ user_by_id(id: "${BOB}") { id email } }`);
  assert.equal(reply.status, 200, reply.text);
  assert.deepEqual(reply.json?.data, { user_by_id: { id: BOB, email: null } });
  assert.equal(reply.json?.errors?.[0]?.extensions?.reason, 'FIELD_MASKED');
});
