/**
 * Refresh through POST /auth/refresh and the refreshToken GraphQL mutation: rotation (a new
 * access and refresh token, the old refresh token spent), reuse detection (the whole session
 * revoked and a warning logged), and the refusals of unknown, expired and revoked tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { claimsOf, graphql, login, post, refusal, type Tokens } from './support/auth-client.ts';
import { createCapturingLogger, type CapturingLogger } from './support/log-capture.ts';

let server: TestServer;
let log: CapturingLogger;

before(async () => {
  log = createCapturingLogger();
  server = await startTestServer({ projectDir: 'examples/blog', logger: log.logger });
});
after(async () => {
  await server?.close();
});

async function refresh(refreshToken: string) {
  return post(server.app, '/auth/refresh', { refresh_token: refreshToken });
}

describe('POST /auth/refresh', () => {
  test('returns a new access token and a new refresh token for the same session', async () => {
    const first = await login(server.app, 'bob', ['read:posts']);
    const reply = await refresh(first.refresh_token);
    assert.equal(reply.status, 200, reply.text);
    const next = reply.json as unknown as Tokens;
    assert.equal(next.token_type, 'Bearer');
    assert.equal(next.scope, 'read:posts');
    assert.notEqual(next.refresh_token, first.refresh_token);
    assert.notEqual(next.access_token, first.access_token);
    const [before, after] = [claimsOf(first.access_token), claimsOf(next.access_token)];
    assert.equal(after['sid'], before['sid']);
    assert.equal(after['sub'], before['sub']);
    assert.notEqual(after['jti'], before['jti']);

    const posts = await graphql(server.app, '{ posts { title } }', next.access_token);
    assert.equal(posts.status, 200, posts.text);
    const again = await refresh(next.refresh_token);
    assert.equal(again.status, 200, 'the new refresh token works in turn');
  });

  test('only refresh-token hashes are stored', async () => {
    const tokens = await login(server.app, 'bob');
    const rows = await server.database.db.query<{ token_hash: string }>('SELECT token_hash FROM fraiseql_auth.refresh_tokens');
    assert.ok(rows.rows.length > 0);
    assert.ok(rows.rows.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash)));
    assert.ok(!rows.rows.some((row) => row.token_hash.includes(tokens.refresh_token.slice(3))));
  });

  test('a spent refresh token presented again revokes the whole session and logs likely theft', async () => {
    const first = await login(server.app, 'bob', ['read:posts']);
    const second = (await refresh(first.refresh_token)).json as unknown as Tokens;

    const replay = await refresh(first.refresh_token);
    assert.deepEqual(refusal(replay), {
      status: 401,
      message: 'Refresh token has already been used; its session has been revoked. Log in again.',
      reason: 'REFRESH_TOKEN_REUSED',
    });
    const warning = log.lines.find((line) => line.level === 'warn' && /probably stolen/.test(line.msg ?? ''));
    assert.ok(warning, 'a warning names the likely theft');
    assert.equal(warning['sessionId'], claimsOf(first.access_token)['sid']);

    for (const token of [first.access_token, second.access_token]) {
      const reply = await graphql(server.app, '{ posts { title } }', token);
      assert.deepEqual(refusal(reply), { status: 401, message: 'Token has been revoked', reason: 'TOKEN_REVOKED' });
    }
    const successor = await refresh(second.refresh_token);
    assert.deepEqual(refusal(successor), { status: 401, message: 'Session has been revoked', reason: 'SESSION_REVOKED' });

    const otherSession = await login(server.app, 'bob', ['read:posts']);
    const unaffected = await graphql(server.app, '{ posts { title } }', otherSession.access_token);
    assert.equal(unaffected.status, 200, 'a later login of the same user is a new session');
  });

  test('two requests racing with one refresh token: exactly one wins, and the session is revoked', async () => {
    const tokens = await login(server.app, 'carol');
    const replies = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
    const statuses = replies.map((reply) => reply.status).sort();
    assert.deepEqual(statuses, [200, 401]);
    const winner = replies.find((reply) => reply.status === 200)?.json as unknown as Tokens;
    const reply = await graphql(server.app, '{ posts { title } }', winner.access_token);
    assert.equal(refusal(reply).reason, 'TOKEN_REVOKED', 'the reuse revoked the winner too: either may be the thief');
  });

  test('unknown, malformed and expired refresh tokens are refused', async () => {
    const unknown = await refresh(`rt_${'A'.repeat(43)}`);
    assert.deepEqual(refusal(unknown), { status: 401, message: 'Invalid refresh token', reason: 'INVALID_REFRESH_TOKEN' });
    const malformed = await refresh('eyJhbGciOiJIUzI1NiJ9.e30.x');
    assert.equal(refusal(malformed).reason, 'INVALID_REFRESH_TOKEN');

    const tokens = await login(server.app, 'carol');
    await server.database.db.query(
      "UPDATE fraiseql_auth.refresh_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    );
    const expired = await refresh(tokens.refresh_token);
    assert.deepEqual(refusal(expired), { status: 401, message: 'Refresh token has expired', reason: 'REFRESH_TOKEN_EXPIRED' });
  });

  test('refresh grants no scope the user has lost since login', async () => {
    const tokens = await login(server.app, 'alice');
    await server.database.db.query(
      `DELETE FROM fraiseql_auth.user_roles WHERE role_id = (SELECT id FROM fraiseql_auth.roles WHERE name = 'admin')`,
    );
    const next = (await refresh(tokens.refresh_token)).json as unknown as Tokens;
    assert.equal(next.scope, 'read:posts write:posts');
  });

  test('a disabled user cannot refresh', async () => {
    const tokens = await login(server.app, 'carol');
    await server.database.db.query("UPDATE fraiseql_auth.users SET disabled = true WHERE username = 'carol'");
    try {
      const reply = await refresh(tokens.refresh_token);
      assert.equal(refusal(reply).status, 401, 'disabling revoked the session');
      const access = await graphql(server.app, '{ posts { title } }', tokens.access_token);
      assert.equal(refusal(access).reason, 'TOKEN_REVOKED', 'and every access token of the user');
    } finally {
      await server.database.db.query("UPDATE fraiseql_auth.users SET disabled = false WHERE username = 'carol'");
    }
  });
});

describe('the refreshToken mutation', () => {
  test('refreshes like POST /auth/refresh, with aliases and __typename', async () => {
    const tokens = await login(server.app, 'bob', ['read:posts']);
    const reply = await graphql(
      server.app,
      'mutation Renew($t: String!) { renewed: refreshToken(refresh_token: $t) { __typename access_token token_type expires_in refresh_token scope } }',
      undefined,
      { t: tokens.refresh_token },
    );
    assert.equal(reply.status, 200, reply.text);
    const renewed = reply.json.data?.['renewed'] as Record<string, unknown>;
    assert.equal(renewed['__typename'], 'TokenResponse');
    assert.equal(renewed['token_type'], 'Bearer');
    assert.equal(renewed['expires_in'], 3600);
    assert.equal(renewed['scope'], 'read:posts');
    assert.equal(claimsOf(String(renewed['access_token']))['sid'], claimsOf(tokens.access_token)['sid']);
    const replay = await refresh(tokens.refresh_token);
    assert.equal(refusal(replay).reason, 'REFRESH_TOKEN_REUSED', 'the mutation spent the token');
  });

  test('a refused refresh fails the operation with the same error and status', async () => {
    const reply = await graphql(server.app, `mutation { refreshToken(refresh_token: "rt_${'B'.repeat(43)}") { access_token } }`);
    assert.deepEqual(refusal(reply), { status: 401, message: 'Invalid refresh token', reason: 'INVALID_REFRESH_TOKEN' });
    assert.equal(reply.json.data, undefined);
  });

  test('it cannot be combined with SQL-backed fields, and introspection shows it', async () => {
    const tokens = await login(server.app, 'bob');
    const mixed = await graphql(
      server.app,
      `mutation { refreshToken(refresh_token: "${tokens.refresh_token}") { scope } create_post(title: "x", body: "y") { id } }`,
      tokens.access_token,
    );
    assert.equal(mixed.status, 400);
    assert.match(refusal(mixed).message ?? '', /refreshToken cannot be combined/);
    const still = await refresh(tokens.refresh_token);
    assert.equal(still.status, 200, 'the refused operation did not spend the token');

    const schema = await graphql(server.app, '{ __type(name: "Mutation") { fields { name } } }');
    const names = ((schema.json.data?.['__type'] as { fields: { name: string }[] }).fields).map((field) => field.name);
    assert.ok(names.includes('refreshToken'), schema.text);
  });
});
