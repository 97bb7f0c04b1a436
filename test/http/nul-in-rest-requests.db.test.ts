/**
 * A NUL character (U+0000) in a REST request's body, path or query gets 400 saying PostgreSQL
 * text cannot store it, on every non-GraphQL route, and no error-level log line (it is the
 * client's mistake, not the server's). /graphql keeps its own BAD_USER_INPUT refusal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ALICE } from '../sessions/support/auth-client.ts';
import { createCapturingLogger, type CapturingLogger } from '../sessions/support/log-capture.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer;
let log: CapturingLogger;

before(async () => {
  log = createCapturingLogger('debug');
  server = await startTestServer({
    projectDir: 'examples/blog',
    env: { API_KEY_SECRET: 'api-key-secret-for-tests-only-0123456789abcdef' },
    logger: log.logger,
  });
});
after(async () => {
  await server?.close();
});

async function send(method: 'POST' | 'PUT', url: string, options: { token?: string; body?: unknown } = {}) {
  const response = await server.app.inject({
    method,
    url,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
  const json = JSON.parse(response.body) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: response.statusCode, error: json.errors?.[0], text: response.body };
}

function assertNulRefused(reply: Awaited<ReturnType<typeof send>>, where: RegExp): void {
  assert.equal(reply.status, 400, reply.text);
  assert.equal(reply.error?.extensions?.['code'], 'BAD_REQUEST');
  assert.match(reply.error?.message ?? '', /contains a NUL character .*PostgreSQL text cannot store/);
  assert.match(reply.error?.message ?? '', where);
}

describe('NUL characters in REST requests', () => {
  test('POST /auth/login with username "alice\\u0000"', async () => {
    const reply = await send('POST', '/auth/login', { body: { username: 'alice\u0000', password: 'fraiseql-demo-password' } });
    assertNulRefused(reply, /body field "username"/);
  });

  test('the password is never quoted back, only where it is', async () => {
    const reply = await send('POST', '/auth/login', { body: { username: 'alice', password: 'secret\u0000part' } });
    assertNulRefused(reply, /body field "password"/);
    assert.ok(!reply.text.includes('secret'));
  });

  test('POST /api/keys with name "x\\u0000y", and a NUL inside an array', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    assertNulRefused(await send('POST', '/api/keys', { token, body: { name: 'x\u0000y' } }), /body field "name"/);
    assertNulRefused(
      await send('POST', '/api/keys', { token, body: { name: 'ok', scopes: ['read:posts', 'a\u0000'] } }),
      /body field "scopes\.1"/,
    );
  });

  test('PUT /admin/rbac/users/a%00b/roles/staff', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['fraiseql:admin'] });
    assertNulRefused(await send('PUT', '/admin/rbac/users/a%00b/roles/staff', { token }), /path parameter "subject"/);
  });

  test('a NUL in a field name or the query string is refused too', async () => {
    assertNulRefused(await send('POST', '/auth/login', { body: { 'user\u0000name': 'alice' } }), /body field/);
    assertNulRefused(await send('POST', '/auth/refresh?x=a%00', { body: { refresh_token: 'r' } }), /query parameter "x"/);
  });

  test('/graphql keeps its own refusal (BAD_USER_INPUT)', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['read:posts', 'write:posts'] });
    const response = await server.graphql('mutation ($t: String!) { create_post(title: $t, body: "b") { id } }', {
      token,
      variables: { t: 'a\u0000b' },
    });
    assert.equal(response.body.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT', response.text);
  });

  test('none of these wrote an error-level log line', () => {
    const errors = log.lines.filter((line) => line.level === 'error' || line.level === 'fatal' || Number(line.level) >= 50);
    assert.deepEqual(errors, []);
  });
});
