/**
 * A demoted administrator's token stops administering at once. On the example blog, Alice logs
 * in with `fraiseql:admin` (her admin role's permission) and `admin:api_keys` (given to that
 * role here); another administrator, whose subject is not a database user and so keeps the
 * scope-only rule, then revokes her admin role through /admin/rbac. Her token, unchanged, is
 * refused with 403 PERMISSION_DENIED saying the admin permission is no longer held on every
 * administration route group (/auth/users and revoke-all of another user, /admin/rbac, other
 * owners' keys under /api/keys), cannot grant itself the role back, and works again, still
 * unchanged, once the other administrator grants the role back.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ALICE, BOB, login } from '../sessions/support/auth-client.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Reply {
  readonly status: number;
  readonly json: {
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    roles?: unknown;
  } & Record<string, unknown>;
  readonly text: string;
}

let server: TestServer;
/** An administrator from elsewhere: its subject is not in fraiseql_auth.users. */
let operator: string;
/** Alice's login token, kept from before her demotion to after her reinstatement. */
let alice: string;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
  operator = await server.token({ sub: randomUUID(), scopes: ['fraiseql:admin', 'admin:api_keys'] });
  await ok('POST', '/admin/rbac/permissions', operator, { name: 'admin:api_keys' });
  await ok('PUT', '/admin/rbac/roles/admin/permissions/admin:api_keys', operator);
  alice = (await login(server.app, 'alice', ['fraiseql:admin', 'admin:api_keys', 'read:posts'])).access_token;
});
after(async () => {
  await server?.close();
});

async function call(method: Method, url: string, token: string, body?: unknown): Promise<Reply> {
  const response = await server.app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, json: JSON.parse(response.body) as Reply['json'], text: response.body };
}

async function ok(method: Method, url: string, token: string, body?: unknown): Promise<Reply> {
  const reply = await call(method, url, token, body);
  assert.ok(reply.status === 200 || reply.status === 201, `${method} ${url}: ${reply.status} ${reply.text}`);
  return reply;
}

/** One administrative request of each route group, and the admin scope it requires. */
const ADMIN_REQUESTS: readonly { method: Method; url: string; body?: unknown; scope: string }[] = [
  { method: 'GET', url: '/auth/users', scope: 'fraiseql:admin' },
  { method: 'POST', url: '/auth/revoke-all', body: { sub: BOB }, scope: 'fraiseql:admin' },
  { method: 'GET', url: '/admin/rbac/roles', scope: 'fraiseql:admin' },
  { method: 'GET', url: `/admin/rbac/users/${ALICE}`, scope: 'fraiseql:admin' },
  { method: 'GET', url: '/api/keys?all=true', scope: 'admin:api_keys' },
  { method: 'POST', url: '/api/keys', body: { name: 'for bob', scopes: ['read:posts'], expires_in: '1d', owner: BOB }, scope: 'admin:api_keys' },
];

describe('an administrator demoted through the admin API', () => {
  test("her token administers before; after, every route group refuses it, saying the permission is no longer held", async () => {
    for (const request of ADMIN_REQUESTS.filter((item) => item.url !== '/auth/revoke-all')) {
      await ok(request.method, request.url, alice, request.body);
    }

    const demoted = await ok('DELETE', `/admin/rbac/users/${ALICE}/roles/admin`, operator);
    assert.equal(demoted.json['revoked'], true);

    for (const request of ADMIN_REQUESTS) {
      const reply = await call(request.method, request.url, alice, request.body);
      const what = `${request.method} ${request.url}`;
      assert.equal(reply.status, 403, `${what}: ${reply.text}`);
      const error = reply.json.errors?.[0];
      assert.match(error?.message ?? '', new RegExp(`^The admin permission ${request.scope} is no longer held: `), what);
      assert.equal(error?.extensions?.['reason'], 'PERMISSION_DENIED', what);
      assert.equal(error?.extensions?.['requiredPermission'], request.scope, what);
    }

    // What needs no administration still works with the same token.
    await ok('GET', '/api/keys', alice);
  });

  test('she cannot grant herself the admin role back', async () => {
    const reply = await call('PUT', `/admin/rbac/users/${ALICE}/roles/admin`, alice);
    assert.equal(reply.status, 403, reply.text);
    assert.match(reply.json.errors?.[0]?.message ?? '', /^The admin permission fraiseql:admin is no longer held/);
    const grants = await ok('GET', `/admin/rbac/users/${ALICE}`, operator);
    assert.deepEqual(grants.json['roles'], ['author']);
  });

  test('another administrator granting the role back restores her token, without a new login', async () => {
    await ok('PUT', `/admin/rbac/users/${ALICE}/roles/admin`, operator);
    for (const request of ADMIN_REQUESTS.filter((item) => item.url !== '/auth/revoke-all')) {
      await ok(request.method, request.url, alice, request.body);
    }
  });
});
