/**
 * POST /auth/login through the real server on the example blog: the response and token
 * format, scopes (asked for, default set, refused), the same answer for unknown users and
 * wrong passwords, disabled users, request validation, and a scoped query with the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ALICE, CAROL, claimsOf, DEMO_PASSWORD, graphql, login, post, refusal } from './support/auth-client.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
});
after(async () => {
  await server?.close();
});

describe('a successful login', () => {
  test('returns access_token, token_type Bearer, expires_in, refresh_token and scope', async () => {
    const reply = await post(server.app, '/auth/login', {
      username: 'alice',
      password: DEMO_PASSWORD,
      scopes: ['read:posts'],
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(Object.keys(reply.json).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.equal(reply.json['token_type'], 'Bearer');
    assert.equal(reply.json['expires_in'], 3600);
    assert.equal(reply.json['scope'], 'read:posts');
    assert.match(String(reply.json['refresh_token']), /^rt_[A-Za-z0-9_-]{43}$/);
    assert.equal(reply.headers['cache-control'], 'no-store');
  });

  test('the access token carries sub, jti, iat, exp, iss, aud, scopes and its session', async () => {
    const tokens = await login(server.app, 'alice', ['read:posts']);
    const claims = claimsOf(tokens.access_token);
    assert.equal(claims['sub'], ALICE);
    assert.match(String(claims['jti']), /^[0-9a-f-]{36}$/);
    assert.equal(claims['iss'], 'fraiseql-ts');
    assert.equal(claims['aud'], 'fraiseql-api');
    assert.deepEqual(claims['scopes'], ['read:posts']);
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 3600);
    assert.match(String(claims['sid']), /^[0-9a-f-]{36}$/);
    const other = await login(server.app, 'alice', ['read:posts']);
    assert.notEqual(claimsOf(other.access_token)['jti'], claims['jti'], 'every token has its own jti');
    assert.notEqual(claimsOf(other.access_token)['sid'], claims['sid'], 'every login is its own session');
  });

  test('the token opens the scoped query and nothing beyond its scopes', async () => {
    const tokens = await login(server.app, 'alice', ['read:posts']);
    const posts = await graphql(server.app, '{ posts { title } }', tokens.access_token);
    assert.equal(posts.status, 200, posts.text);
    const titles = (posts.json.data?.['posts'] as { title: string }[]).map((post) => post.title);
    assert.ok(titles.includes("Alice's private draft"), 'row-level security sees the subject as Alice');
    assert.ok(!titles.includes("Bob's private draft"));

    const write = await graphql(server.app, 'mutation { create_post(title: "x", body: "y") { id } }', tokens.access_token);
    assert.equal(refusal(write).message, 'Insufficient scope for this operation');
  });

  test('no scopes asked for grants the whole permission set of the user', async () => {
    const alice = await login(server.app, 'alice');
    assert.equal(alice.scope, 'fraiseql:admin read:posts write:posts');
    assert.deepEqual(claimsOf(alice.access_token)['scopes'], ['fraiseql:admin', 'read:posts', 'write:posts']);
    const carol = await login(server.app, 'carol');
    assert.equal(carol.scope, 'read:posts');
    assert.equal(claimsOf(carol.access_token)['sub'], CAROL);
  });

  test('scopes may also be one space-separated string', async () => {
    const reply = await post(server.app, '/auth/login', { username: 'bob', password: DEMO_PASSWORD, scopes: 'write:posts read:posts' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json['scope'], 'read:posts write:posts');
  });
});

describe('refused logins', () => {
  test('scopes beyond the user permissions are refused, naming those not granted', async () => {
    const reply = await post(server.app, '/auth/login', {
      username: 'carol',
      password: DEMO_PASSWORD,
      scopes: ['read:posts', 'write:posts', 'fraiseql:admin'],
    });
    assert.deepEqual(refusal(reply), {
      status: 403,
      message: 'Scopes not granted to this user: fraiseql:admin, write:posts',
      reason: 'SCOPE_NOT_GRANTED',
    });
    assert.deepEqual(reply.json.errors?.[0]?.extensions?.['notGranted'], ['fraiseql:admin', 'write:posts']);
  });

  test('an unknown user and a wrong password get the same answer', async () => {
    const unknown = await post(server.app, '/auth/login', { username: 'mallory', password: DEMO_PASSWORD });
    const wrong = await post(server.app, '/auth/login', { username: 'alice', password: 'not-the-password' });
    for (const reply of [unknown, wrong]) {
      assert.deepEqual(refusal(reply), { status: 401, message: 'Invalid username or password', reason: 'INVALID_CREDENTIALS' });
    }
    const withoutRequestId = (reply: typeof unknown) =>
      JSON.stringify(reply.json, (key, value: unknown) => (key === 'requestId' ? undefined : value));
    assert.equal(withoutRequestId(unknown), withoutRequestId(wrong));
    assert.equal(unknown.headers['www-authenticate'], wrong.headers['www-authenticate']);
  });

  test('a disabled user is told so only after the right password', async () => {
    await server.database.db.query("UPDATE fraiseql_auth.users SET disabled = true WHERE username = 'bob'");
    try {
      const wrong = await post(server.app, '/auth/login', { username: 'bob', password: 'not-the-password' });
      assert.equal(refusal(wrong).reason, 'INVALID_CREDENTIALS');
      const right = await post(server.app, '/auth/login', { username: 'bob', password: DEMO_PASSWORD });
      assert.deepEqual(refusal(right), { status: 403, message: 'This account is disabled', reason: 'ACCOUNT_DISABLED' });
    } finally {
      await server.database.db.query("UPDATE fraiseql_auth.users SET disabled = false WHERE username = 'bob'");
    }
  });

  test('a user without a password cannot log in, with the usual answer', async () => {
    await server.database.db.query(
      "INSERT INTO fraiseql_auth.users (username, subject) VALUES ('nopass', 'nopass-subject')",
    );
    const reply = await post(server.app, '/auth/login', { username: 'nopass', password: DEMO_PASSWORD });
    assert.equal(refusal(reply).reason, 'INVALID_CREDENTIALS');
  });

  test('an unknown key is refused by name rather than ignored', async () => {
    const reply = await post(server.app, '/auth/login', { username: 'alice', password: DEMO_PASSWORD, scope: 'read:posts' });
    assert.equal(reply.status, 400);
    assert.match(refusal(reply).message ?? '', /Unrecognized key: "scope"/);
  });

  test('missing fields, a non-JSON body and a GET are refused', async () => {
    const missing = await post(server.app, '/auth/login', { username: 'alice' });
    assert.equal(missing.status, 400);
    assert.match(refusal(missing).message ?? '', /password/);
    const form = await server.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ username: 'alice', password: DEMO_PASSWORD }),
    });
    assert.equal(form.statusCode, 415, 'a text/plain body (what a cross-site form can send) is refused');
    const getReply = await server.app.inject({ method: 'GET', url: '/auth/login' });
    assert.equal(getReply.statusCode, 404);
  });
});
