/**
 * Logout and revocation through the real server: POST /auth/logout (by access token, or by
 * refresh token when the access token has expired), POST /auth/revoke-all for oneself and, with
 * the admin scope, for others; tokens without jti; and what the revocation table holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { inspectToken } from '../../src/auth/token-inspection.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ALICE, BOB, claimsOf, graphql, login, post, refusal } from './support/auth-client.ts';
import { createCapturingLogger, type CapturingLogger, type LogLine } from './support/log-capture.ts';

const QUERY = '{ posts { title } }';
let server: TestServer;
let log: CapturingLogger;

before(async () => {
  log = createCapturingLogger('debug');
  server = await startTestServer({ projectDir: 'examples/blog', logger: log.logger });
});
after(async () => {
  await server?.close();
});

async function assertRevoked(token: string): Promise<void> {
  const reply = await graphql(server.app, QUERY, token);
  assert.deepEqual(refusal(reply), { status: 401, message: 'Token has been revoked', reason: 'TOKEN_REVOKED' });
  assert.match(String(reply.headers['www-authenticate']), /error="invalid_token", error_description="Token has been revoked"/);
}

/** The debug line refusing the token with this fingerprint. */
function refusalLine(fingerprint: string): LogLine | undefined {
  return log.lines.find(
    (entry) =>
      entry.level === 'debug' &&
      entry['fingerprint'] === fingerprint &&
      (entry.msg ?? '').startsWith('Authentication refused'),
  );
}

async function assertAccepted(token: string): Promise<void> {
  const reply = await graphql(server.app, QUERY, token);
  assert.equal(reply.status, 200, reply.text);
}

describe('POST /auth/logout', () => {
  test('revokes the presented token at once, and its session', async () => {
    const tokens = await login(server.app, 'alice', ['read:posts']);
    const sibling = await post(server.app, '/auth/refresh', { refresh_token: tokens.refresh_token });
    const other = await login(server.app, 'alice', ['read:posts']);
    await assertAccepted(tokens.access_token);

    const reply = await post(server.app, '/auth/logout', undefined, { token: tokens.access_token });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json, { revoked: true, token_id: claimsOf(tokens.access_token)['jti'], session_revoked: true });

    await assertRevoked(tokens.access_token);
    await assertRevoked(String(sibling.json['access_token']));
    const refresh = await post(server.app, '/auth/refresh', { refresh_token: String(sibling.json['refresh_token']) });
    assert.equal(refusal(refresh).reason, 'SESSION_REVOKED');
    await assertAccepted(other.access_token);

    const again = await post(server.app, '/auth/logout', undefined, { token: tokens.access_token });
    assert.equal(refusal(again).reason, 'TOKEN_REVOKED', 'a revoked token cannot even log out');
  });

  test('records the token in revoked_tokens until it expires, plus the largest clock leeway', async () => {
    const tokens = await login(server.app, 'bob');
    const claims = claimsOf(tokens.access_token);
    await post(server.app, '/auth/logout', undefined, { token: tokens.access_token });
    const rows = await server.database.db.query<{ expires: number; subject: string }>(
      `SELECT extract(epoch FROM expires_at)::float8 AS expires, subject
         FROM fraiseql_auth.revoked_tokens WHERE token_id = $1`,
      [claims['jti']],
    );
    assert.deepEqual(rows.rows, [{ expires: Number(claims['exp']) + 300, subject: BOB }]);
  });

  test('a revoked token stays refused in the clock leeway after its exp', async () => {
    // No session (a token from elsewhere), so only its revoked_tokens row can refuse it; the
    // server accepts tokens up to 30 s (the default leeway) past exp.
    const token = await server.token({ sub: BOB, scopes: ['read:posts'] }, { expiresInSeconds: 1 });
    await assertAccepted(token);
    await post(server.app, '/auth/logout', undefined, { token });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await assertRevoked(token);
  });

  test('a token from elsewhere (no session) is revoked by jti', async () => {
    const token = await server.token({ sub: BOB, scopes: ['read:posts'] });
    const reply = await post(server.app, '/auth/logout', undefined, { token });
    assert.deepEqual(reply.json, { revoked: true, token_id: claimsOf(token)['jti'], session_revoked: false });
    await assertRevoked(token);
  });

  test('with only a refresh token, ends that session (the access token may have expired)', async () => {
    const tokens = await login(server.app, 'carol');
    const reply = await post(server.app, '/auth/logout', { refresh_token: tokens.refresh_token });
    assert.deepEqual(reply.json, { revoked: true, session_revoked: true });
    await assertRevoked(tokens.access_token);
    const unknown = await post(server.app, '/auth/logout', { refresh_token: `rt_${'C'.repeat(43)}` });
    assert.equal(refusal(unknown).reason, 'INVALID_REFRESH_TOKEN');
  });

  test('without credentials it is refused', async () => {
    const reply = await post(server.app, '/auth/logout');
    assert.deepEqual(refusal(reply), { status: 401, message: 'Missing Authorization header', reason: 'MISSING_TOKEN' });
  });
});

describe('POST /auth/revoke-all', () => {
  test('revokes every token of the caller; a login right after works', async () => {
    const first = await login(server.app, 'bob');
    const second = await login(server.app, 'bob');
    const foreign = await server.token({ sub: BOB, scopes: ['read:posts'] });
    const reply = await post(server.app, '/auth/revoke-all', {}, { token: first.access_token });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json['sub'], BOB);
    assert.equal(reply.json['revoked'], true);
    for (const token of [first.access_token, second.access_token, foreign]) await assertRevoked(token);
    const refresh = await post(server.app, '/auth/refresh', { refresh_token: second.refresh_token });
    assert.equal(refusal(refresh).reason, 'SESSION_REVOKED');

    const fresh = await login(server.app, 'bob');
    await assertAccepted(fresh.access_token);
  });

  test("another user's tokens need the admin scope", async () => {
    const bob = await login(server.app, 'bob');
    const carol = await login(server.app, 'carol');
    const refused = await post(server.app, '/auth/revoke-all', { sub: BOB }, { token: carol.access_token });
    assert.deepEqual(refusal(refused), {
      status: 403,
      message: "Cannot revoke another user's sessions",
      reason: 'REVOKE_OTHER_FORBIDDEN',
    });
    assert.deepEqual(refused.json.errors?.[0]?.extensions?.['requiredScopes'], ['fraiseql:admin']);
    await assertAccepted(bob.access_token);

    const admin = await login(server.app, 'alice', ['fraiseql:admin', 'read:posts']);
    const done = await post(server.app, '/auth/revoke-all', { sub: BOB }, { token: admin.access_token });
    assert.equal(done.status, 200, done.text);
    await assertRevoked(bob.access_token);
    await assertAccepted(admin.access_token);
  });
});

describe('tokens without jti', () => {
  test('are refused while revocation is on, with a clear message', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'], jti: undefined });
    assert.equal(claimsOf(token)['jti'], undefined);
    const reply = await graphql(server.app, QUERY, token);
    assert.deepEqual(refusal(reply), { status: 401, message: 'Token lacks required jti claim', reason: 'JTI_REQUIRED' });
  });

  test('an empty or blank jti counts as none', async () => {
    for (const jti of ['', ' ']) {
      const token = await server.token({ sub: ALICE, scopes: ['read:posts'], jti });
      assert.equal(claimsOf(token)['jti'], jti);
      const reply = await graphql(server.app, QUERY, token);
      assert.deepEqual(refusal(reply), { status: 401, message: 'Token lacks required jti claim', reason: 'JTI_REQUIRED' });
    }
  });

  test('the refusal is logged at debug level with its cause and the fingerprint token inspect prints', async () => {
    const token = await server.token({ sub: BOB, scopes: ['read:posts'], jti: undefined });
    const reply = await graphql(server.app, QUERY, token);
    assert.equal(refusal(reply).reason, 'JTI_REQUIRED');
    const { fingerprint } = await inspectToken(token, {});
    const line = refusalLine(fingerprint);
    assert.ok(line, 'a debug line carries the fingerprint');
    assert.match(line.msg ?? '', /^Authentication refused \(JTI_REQUIRED\): revocation is on and the token has no jti/);
    assert.equal(line['reason'], 'JTI_REQUIRED');
    assert.ok(!JSON.stringify(log.lines).includes(token), 'the token is never logged');
  });

  test('so is a revoked token', async () => {
    const tokens = await login(server.app, 'carol', ['read:posts']);
    await post(server.app, '/auth/logout', undefined, { token: tokens.access_token });
    await assertRevoked(tokens.access_token);
    const { fingerprint } = await inspectToken(tokens.access_token, {});
    const line = refusalLine(fingerprint);
    assert.match(line?.msg ?? '', /^Authentication refused \(TOKEN_REVOKED\)/);
  });
});
