/**
 * Role names and claims are the token's: names of Object.prototype members ("constructor",
 * "__proto__", "toString", "hasOwnProperty") are ordinary unknown roles, granting nothing, on
 * every path that maps roles to scopes (/graphql, /api/keys, /auth/revoke-all, /admin/rbac).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ALICE, BOB } from '../sessions/support/auth-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const API_KEY_SECRET = 'api-key-secret-for-tests-only-0123456789abcdef';
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

let server: TestServer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog', env: { API_KEY_SECRET } });
});
after(async () => {
  await server?.close();
});

async function call(method: 'GET' | 'POST', url: string, token: string, body?: unknown) {
  const response = await server.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  const json = JSON.parse(response.body) as { errors?: { extensions?: Record<string, unknown> }[] };
  return { status: response.statusCode, reason: json.errors?.[0]?.extensions?.['reason'], text: response.body };
}

describe('roles named after Object.prototype members', () => {
  for (const role of PROTOTYPE_NAMES) {
    test(`roles: ["${role}"] is an unknown role, not a 500`, async () => {
      const token = await server.token({ sub: ALICE, scopes: ['read:posts'], roles: [role], role });
      const posts = await server.graphql('{ posts { title } }', { token });
      assert.equal(posts.status, 200, posts.text);
      assert.equal(posts.body.errors, undefined, posts.text);

      const write = await server.graphql('mutation { create_post(title: "t", body: "b") { id } }', { token });
      assert.equal(write.body.errors?.[0]?.extensions?.['reason'], 'INSUFFICIENT_SCOPE', write.text);

      const keys = await call('POST', '/api/keys', token, { name: 'k', scopes: ['read:posts'] });
      assert.equal(keys.status, 201, keys.text);
      const other = await call('POST', '/auth/revoke-all', token, { sub: BOB });
      assert.deepEqual([other.status, other.reason], [403, 'REVOKE_OTHER_FORBIDDEN'], other.text);
      const rbac = await call('GET', '/admin/rbac/roles', token);
      assert.deepEqual([rbac.status, rbac.reason], [403, 'INSUFFICIENT_SCOPE'], rbac.text);
      const users = await call('GET', '/auth/users', token);
      assert.deepEqual([users.status, users.reason], [403, 'INSUFFICIENT_SCOPE'], users.text);
    });
  }

  test('claims named after prototype members are plain claims', async () => {
    const token = await server.token({
      sub: ALICE,
      scopes: ['read:posts'],
      constructor: 'x',
      toString: 'y',
      org: { hasOwnProperty: 1, valueOf: 2 },
    });
    const posts = await server.graphql('{ posts { title } }', { token });
    assert.equal(posts.status, 200, posts.text);
    assert.equal(posts.body.errors, undefined, posts.text);
  });
});
