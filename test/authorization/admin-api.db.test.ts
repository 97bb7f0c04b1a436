/**
 * The role and permission admin API (/admin/rbac): guarded by the admin scope (from the token
 * or granted by a role), JSON in and out, and each refusal with its status and a message that
 * says what is wrong.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { testEngine } from '../support/test-database.ts';
import { ALICE, CAROL, startAuthzServer, type AuthzServer, type Reply } from './support/authz-server.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

let server: AuthzServer;
let admin: string;

before(async () => {
  server = await startAuthzServer();
  admin = await server.userToken(CAROL, { scopes: ['fraiseql:admin'] });
  await ok('POST', '/admin/rbac/roles', { name: 'editor', description: 'Edits things' });
  await ok('POST', '/admin/rbac/permissions', { name: 'read:reports' });
});
after(async () => {
  await server?.close();
});

async function ok(method: Method, url: string, body?: unknown): Promise<Reply> {
  const reply = await server.request(method, url, { token: admin, ...(body === undefined ? {} : { body }) });
  assert.ok(reply.status === 200 || reply.status === 201, `${method} ${url}: ${reply.text}`);
  return reply;
}

describe(`admin API guard (${testEngine()})`, () => {
  test('no credentials: 401 with a Bearer challenge', async () => {
    const reply = await server.request('GET', '/admin/rbac/roles');
    assert.equal(reply.status, 401);
    assert.equal(reply.json.errors?.[0]?.message, 'Missing Authorization header');
    assert.match(String(reply.headers['www-authenticate']), /^Bearer/);
  });

  test('a token without the admin scope: 403 naming the scope, for reads and writes alike', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:notes'], roles: ['manager'] });
    for (const [method, url] of [
      ['GET', '/admin/rbac/roles'],
      ['PUT', `/admin/rbac/users/${ALICE.sub}/roles/editor`],
    ] as const) {
      const reply = await server.request(method, url, { token });
      assert.equal(reply.status, 403, reply.text);
      assert.equal(reply.json.errors?.[0]?.message, 'Insufficient scope for this operation');
      assert.deepEqual(reply.json.errors?.[0]?.extensions?.requiredScopes, ['fraiseql:admin']);
    }
    const grants = await ok('GET', `/admin/rbac/permissions`);
    assert.deepEqual(grants.json.permissions, [{ name: 'read:reports', description: null, roles: [] }]);
  });

  test('a role that grants the admin scope is enough', async () => {
    const token = await server.userToken(ALICE, { roles: ['rbac_admin'] });
    const reply = await server.request('GET', '/admin/rbac/roles', { token });
    assert.equal(reply.status, 200, reply.text);
  });
});

interface ErrorCase {
  readonly name: string;
  readonly method: Method;
  readonly url: string;
  readonly body?: unknown;
  readonly status: number;
  readonly code: string;
  readonly message: RegExp;
}

const ERRORS: readonly ErrorCase[] = [
  { name: 'role name with a space', method: 'POST', url: '/admin/rbac/roles', body: { name: 'bad role' }, status: 400, code: 'BAD_REQUEST', message: /"bad role" is not a role name/ },
  { name: 'unknown body field', method: 'POST', url: '/admin/rbac/roles', body: { name: 'x', scopes: [] }, status: 400, code: 'BAD_REQUEST', message: /Unknown field\(s\) scopes/ },
  { name: 'body without name', method: 'POST', url: '/admin/rbac/permissions', body: { description: 'x' }, status: 400, code: 'BAD_REQUEST', message: /needs a "name"/ },
  { name: 'permission with a wildcard', method: 'POST', url: '/admin/rbac/permissions', body: { name: 'read:*' }, status: 400, code: 'BAD_REQUEST', message: /matched exactly/ },
  { name: 'duplicate role', method: 'POST', url: '/admin/rbac/roles', body: { name: 'editor' }, status: 409, code: 'CONFLICT', message: /Role editor already exists/ },
  { name: 'duplicate permission', method: 'POST', url: '/admin/rbac/permissions', body: { name: 'read:reports' }, status: 409, code: 'CONFLICT', message: /Permission read:reports already exists/ },
  { name: 'delete an unknown role', method: 'DELETE', url: '/admin/rbac/roles/ghost', status: 404, code: 'NOT_FOUND', message: /Role ghost does not exist/ },
  { name: 'grant to an unknown role', method: 'PUT', url: '/admin/rbac/roles/ghost/permissions/read:reports', status: 404, code: 'NOT_FOUND', message: /Role ghost does not exist/ },
  { name: 'grant an unknown permission', method: 'PUT', url: '/admin/rbac/roles/editor/permissions/fly:away', status: 404, code: 'NOT_FOUND', message: /Permission fly:away does not exist/ },
  { name: 'revoke a permission the role lacks', method: 'DELETE', url: '/admin/rbac/roles/editor/permissions/read:reports', status: 404, code: 'NOT_FOUND', message: /Role editor does not hold permission read:reports/ },
  { name: 'an unknown role to a user', method: 'PUT', url: `/admin/rbac/users/${ALICE.sub}/roles/ghost`, status: 404, code: 'NOT_FOUND', message: /Role ghost does not exist/ },
  { name: 'grants of an unknown user', method: 'GET', url: '/admin/rbac/users/nobody', status: 404, code: 'NOT_FOUND', message: /No user has the subject nobody/ },
  { name: 'revoke from an unknown user', method: 'DELETE', url: '/admin/rbac/users/nobody/roles/editor', status: 404, code: 'NOT_FOUND', message: /No user has the subject nobody/ },
];

describe(`admin API refusals (${testEngine()})`, () => {
  for (const error of ERRORS) {
    test(error.name, async () => {
      const reply = await server.request(error.method, error.url, {
        token: admin,
        ...(error.body === undefined ? {} : { body: error.body }),
      });
      assert.equal(reply.status, error.status, reply.text);
      assert.equal(reply.json.errors?.[0]?.extensions?.code, error.code);
      assert.match(reply.json.errors?.[0]?.message ?? '', error.message);
    });
  }

  test('a body that is not JSON is refused with 415', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/admin/rbac/roles',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      payload: 'name=editor',
    });
    assert.equal(response.statusCode, 415);
  });
});

describe(`admin API grants (${testEngine()})`, () => {
  test('grant, list and revoke, for a subject with reserved URL characters', async () => {
    const subject = 'auth0|team/42 x';
    const path = `/admin/rbac/users/${encodeURIComponent(subject)}`;
    const first = await ok('PUT', `${path}/roles/editor`);
    assert.deepEqual(first.json, { granted: true, subject, role: 'editor', alreadyGranted: false, userCreated: true });
    const again = await ok('PUT', `${path}/roles/editor`);
    assert.equal(again.json.alreadyGranted, true);
    assert.equal(again.json.userCreated, false);

    await ok('PUT', '/admin/rbac/roles/editor/permissions/read:reports');
    const user = await ok('GET', path);
    assert.deepEqual(user.json, {
      subject,
      primaryRole: null,
      disabled: false,
      roles: ['editor'],
      permissions: ['read:reports'],
    });
    const roles = await ok('GET', '/admin/rbac/roles');
    assert.deepEqual(roles.json.roles, [{ name: 'editor', description: 'Edits things', permissions: ['read:reports'] }]);

    await ok('DELETE', `${path}/roles/editor`);
    assert.deepEqual((await ok('GET', path)).json.roles, []);
    await ok('DELETE', '/admin/rbac/roles/editor/permissions/read:reports');
    assert.deepEqual((await ok('GET', '/admin/rbac/permissions')).json.permissions, [
      { name: 'read:reports', description: null, roles: [] },
    ]);
  });

  test('revoking a primary role clears users.role, so the revoke really applies', async () => {
    await server.database.query(
      `INSERT INTO fraiseql_auth.users (subject, role) VALUES ('primary-user', 'editor')`,
    );
    assert.equal((await ok('GET', '/admin/rbac/users/primary-user')).json.primaryRole, 'editor');
    await ok('DELETE', '/admin/rbac/users/primary-user/roles/editor');
    const after = await ok('GET', '/admin/rbac/users/primary-user');
    assert.equal(after.json.primaryRole, null);
    assert.deepEqual(after.json.roles, []);
  });
});

describe(`admin API settings (${testEngine()})`, () => {
  test('admin_api = false serves nothing; admin_scope changes the scope required', async () => {
    const off = await startAuthzServer({ env: { FRAISEQL_ADMIN_API: 'false' } });
    try {
      const reply = await off.request('GET', '/admin/rbac/roles', { token: await off.userToken(CAROL, { scopes: ['fraiseql:admin'] }) });
      assert.equal(reply.status, 404);
    } finally {
      await off.close();
    }
    const custom = await startAuthzServer({ env: { FRAISEQL_ADMIN_SCOPE: 'iam:manage' } });
    try {
      const old = await custom.request('GET', '/admin/rbac/roles', { token: await custom.userToken(CAROL, { scopes: ['fraiseql:admin'] }) });
      assert.equal(old.status, 403);
      assert.deepEqual(old.json.errors?.[0]?.extensions?.requiredScopes, ['iam:manage']);
      const reply = await custom.request('GET', '/admin/rbac/roles', { token: await custom.userToken(CAROL, { scopes: ['iam:manage'] }) });
      assert.equal(reply.status, 200, reply.text);
    } finally {
      await custom.close();
    }
  });
});
