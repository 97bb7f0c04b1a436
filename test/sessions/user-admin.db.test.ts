/**
 * The user administration API (/auth/users), guarded by the admin scope: create a user who
 * then logs in, set a password (revoking the user's tokens), disable and enable, list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { get, graphql, login, post, refusal } from './support/auth-client.ts';

let server: TestServer;
let admin: string;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
  admin = (await login(server.app, 'alice', ['fraiseql:admin'])).access_token;
});
after(async () => {
  await server?.close();
});

describe('/auth/users', () => {
  test('needs a token with the admin scope', async () => {
    const anonymous = await get(server.app, '/auth/users');
    assert.equal(refusal(anonymous).reason, 'MISSING_TOKEN');
    const bob = await login(server.app, 'bob');
    const refused = await post(server.app, '/auth/users', { username: 'eve', password: 'long-enough-1' }, { token: bob.access_token });
    assert.deepEqual(refusal(refused), { status: 403, message: 'Insufficient scope for this operation', reason: 'INSUFFICIENT_SCOPE' });
    assert.deepEqual(refused.json.errors?.[0]?.extensions?.['requiredScopes'], ['fraiseql:admin']);
  });

  test('creates a user who can then log in with the default (empty) permission set', async () => {
    const created = await post(
      server.app,
      '/auth/users',
      { username: 'dave', password: 'dave-password-1', email: 'dave@example.com', role: 'reader', subject: 'dave-sub' },
      { token: admin },
    );
    assert.equal(created.status, 201, created.text);
    const user = created.json['user'] as Record<string, unknown>;
    assert.equal(user['username'], 'dave');
    assert.equal(user['subject'], 'dave-sub');
    assert.deepEqual(user['roles'], ['reader']);
    assert.equal(user['hasPassword'], true);
    assert.ok(!JSON.stringify(created.json).includes('argon2'), 'no hash in the response');

    const tokens = await login(server.app, 'dave', undefined, 'dave-password-1');
    assert.equal(tokens.scope, 'read:posts');

    const duplicate = await post(server.app, '/auth/users', { username: 'dave', password: 'whatever-123' }, { token: admin });
    assert.equal(duplicate.status, 409);
    const badRole = await post(server.app, '/auth/users', { username: 'erin', password: 'whatever-123', role: 'nope' }, { token: admin });
    assert.equal(badRole.status, 400);
    assert.match(refusal(badRole).message ?? '', /Role "nope" does not exist/);
    const short = await post(server.app, '/auth/users', { username: 'frank', password: 'short' }, { token: admin });
    assert.equal(short.status, 400);
    assert.match(refusal(short).message ?? '', /at least 8 characters/);
  });

  test('setting a password revokes the tokens the user held', async () => {
    const before = await login(server.app, 'carol');
    const reply = await post(server.app, '/auth/users/carol/password', { password: 'carol-new-password' }, { token: admin });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json['tokens_revoked'], true);
    assert.equal(refusal(await graphql(server.app, '{ posts { title } }', before.access_token)).reason, 'TOKEN_REVOKED');
    const old = await post(server.app, '/auth/login', { username: 'carol', password: 'fraiseql-demo-password' });
    assert.equal(refusal(old).reason, 'INVALID_CREDENTIALS');
    await login(server.app, 'carol', undefined, 'carol-new-password');

    const unknown = await post(server.app, '/auth/users/nobody/password', { password: 'whatever-123' }, { token: admin });
    assert.equal(unknown.status, 404);
  });

  test('disable revokes and refuses logins; enable allows them again', async () => {
    const held = await login(server.app, 'bob');
    const disabled = await post(server.app, '/auth/users/bob/disable', undefined, { token: admin });
    assert.equal((disabled.json['user'] as Record<string, unknown>)['disabled'], true);
    assert.equal(refusal(await graphql(server.app, '{ posts { title } }', held.access_token)).reason, 'TOKEN_REVOKED');
    const refused = await post(server.app, '/auth/login', { username: 'bob', password: 'fraiseql-demo-password' });
    assert.equal(refusal(refused).reason, 'ACCOUNT_DISABLED');

    await post(server.app, '/auth/users/bob/enable', undefined, { token: admin });
    await login(server.app, 'bob');
  });

  test('lists users without their hashes', async () => {
    const reply = await get(server.app, '/auth/users', admin);
    assert.equal(reply.status, 200, reply.text);
    const names = (reply.json['users'] as { username: string }[]).map((user) => user.username);
    assert.ok(['alice', 'bob', 'carol'].every((name) => names.includes(name)), reply.text);
    assert.ok(!reply.text.includes('argon2'));
  });
});
