/**
 * `requiresPermission` end to end: permissions come from the fraiseql_auth tables for the
 * token's subject, are cached, and every grant change (through the admin API, or plain SQL as
 * on the spec page) reaches the next request without a new token, on this instance and on
 * another instance serving the same database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Database } from '../../src/db/database.ts';
import { openPostgresDatabase } from '../../src/db/postgres-database.ts';
import { PermissionCache } from '../../src/rbac/permission-cache.ts';
import { testEngine } from '../support/test-database.ts';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  startAuthzServer,
  type AuthzServer,
  type FixtureUser,
  type Reply,
} from './support/authz-server.ts';

let server: AuthzServer;
let admin: string;

before(async () => {
  // A long cache: every change below must arrive through invalidation, not expiry.
  server = await startAuthzServer({ env: { FRAISEQL_PERMISSION_CACHE_SECONDS: '600' } });
  admin = await server.userToken(DAVE, { roles: ['rbac_admin'] });
  for (const name of ['analyst', 'exporter']) await call('POST', '/admin/rbac/roles', { name });
  for (const name of ['read:reports', 'export:reports', 'write:reports']) {
    await call('POST', '/admin/rbac/permissions', { name });
  }
});
after(async () => {
  await server?.close();
});

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<Reply> {
  const reply = await server.request(method, url, { token: admin, ...(body === undefined ? {} : { body }) });
  assert.ok(reply.status === 200 || reply.status === 201, `${method} ${url}: ${reply.text}`);
  return reply;
}

/** Retries `check` until it passes: a notification crosses a connection on PostgreSQL. */
async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

const REPORTS = '{ reports { title } }';

/**
 * Runs `work` on one connection whose search_path starts with fraiseql_auth, so the spec
 * page's statements run word for word: a connection of its own on PostgreSQL; on the embedded
 * database, its only connection, with the search path reset afterwards.
 */
async function onPageSearchPath(work: (database: Database) => Promise<void>): Promise<void> {
  const url = server.testDatabase.url;
  const database = url === undefined ? server.database : await openPostgresDatabase({ url, poolMax: 1 });
  try {
    await database.exec('SET search_path = fraiseql_auth, public');
    await work(database);
  } finally {
    if (url === undefined) await database.exec('RESET search_path');
    else await database.close();
  }
}

function assertDenied(reply: Reply, permission: string): void {
  assert.equal(reply.status, 403, reply.text);
  assert.equal(reply.json.errors?.[0]?.message, 'User does not have permission');
  assert.equal(reply.json.errors?.[0]?.extensions?.requiredPermission, permission);
}

describe(`database permissions (${testEngine()})`, () => {
  test('a grant through the admin API applies to the next request with the same token; a revoke too', async () => {
    const token = await server.userToken(ALICE);
    assertDenied(await server.graphql(REPORTS, { token }), 'read:reports');

    await call('PUT', '/admin/rbac/roles/analyst/permissions/read:reports');
    await call('PUT', `/admin/rbac/users/${ALICE.sub}/roles/analyst`);
    const granted = await server.graphql(REPORTS, { token });
    assert.equal(granted.status, 200, granted.text);
    assert.deepEqual(granted.json.data, { reports: [{ title: 'Acme Q1' }] }, 'rows of her own tenant only');

    await call('DELETE', `/admin/rbac/users/${ALICE.sub}/roles/analyst`);
    assertDenied(await server.graphql(REPORTS, { token }), 'read:reports');
  });

  test("a grant written in SQL, as on the spec page, is picked up through NOTIFY", async () => {
    const token = await server.userToken(CAROL);
    assertDenied(await server.graphql(REPORTS, { token }), 'read:reports');

    await server.database.exec(`
      INSERT INTO fraiseql_auth.users (subject, role) VALUES ('${CAROL.sub}', 'exporter');
      INSERT INTO fraiseql_auth.role_permissions (role_id, permission_id)
      VALUES ((SELECT id FROM fraiseql_auth.roles WHERE name = 'exporter'),
              (SELECT id FROM fraiseql_auth.permissions WHERE name = 'read:reports'));`);
    await eventually(async () => {
      const reply = await server.graphql(REPORTS, { token });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json.data, { reports: [{ title: 'Globex Q1' }] });
    });

    // The page's own query answers the same through the built-in tables.
    const page = await server.database.query<{ permission: string }>(
      `SELECT rp.permission FROM fraiseql_auth.users u
         JOIN fraiseql_auth.roles r ON r.name = u.role
         JOIN fraiseql_auth.role_permissions rp ON rp.role_id = r.id
        WHERE u.subject = $1`,
      [CAROL.sub],
    );
    assert.deepEqual(page.rows, [{ permission: 'read:reports' }]);

    // A disabled user holds no permission (and the sessions feature may revoke the token too).
    await server.database.exec(`UPDATE fraiseql_auth.users SET disabled = true WHERE subject = '${CAROL.sub}'`);
    await eventually(async () => {
      const reply = await server.graphql(REPORTS, { token });
      assert.ok(reply.status === 403 || reply.status === 401, reply.text);
      assert.equal(reply.json.data, undefined);
    });
    const cache = new PermissionCache(server.database, { ttlMs: 0 });
    assert.deepEqual([...(await cache.permissionsOf(CAROL.sub))], []);
  });

  test('several required permissions: only the missing ones are named', async () => {
    const token = await server.userToken(BOB, { scopes: ['read:notes'] });
    await call('PUT', `/admin/rbac/users/${BOB.sub}/roles/analyst`);
    await call('PUT', '/admin/rbac/roles/analyst/permissions/read:reports');
    const partial = await server.graphql('{ report_exports { title } }', { token });
    assertDenied(partial, 'export:reports');
    assert.deepEqual(partial.json.errors?.[0]?.extensions?.requiredPermissions, ['export:reports']);

    await call('PUT', '/admin/rbac/roles/analyst/permissions/export:reports');
    const full = await server.graphql('{ report_exports { title } }', { token });
    assert.equal(full.status, 200, full.text);
  });

  test('a mutation requiring a permission writes only once granted, into the caller tenant', async () => {
    const token = await server.userToken(BOB);
    assertDenied(await server.graphql('mutation { publish_report(title: "Bob Q2") { title } }', { token }), 'write:reports');
    await call('POST', '/admin/rbac/roles', { name: 'writer' });
    await call('PUT', '/admin/rbac/roles/writer/permissions/write:reports');
    await call('PUT', `/admin/rbac/users/${BOB.sub}/roles/writer`);
    const written = await server.graphql('mutation { publish_report(title: "Bob Q2") { title orgId } }', { token });
    assert.equal(written.status, 200, written.text);
    assert.deepEqual(written.json.data, { publish_report: { title: 'Bob Q2', orgId: 1 } });
  });

  test('deleting a role or a permission takes its grants with it', async () => {
    const token = await server.userToken(BOB);
    assert.equal((await server.graphql(REPORTS, { token })).status, 200);
    await call('DELETE', '/admin/rbac/permissions/read:reports');
    assertDenied(await server.graphql(REPORTS, { token }), 'read:reports');
    await call('POST', '/admin/rbac/permissions', { name: 'read:reports' });
    await call('PUT', '/admin/rbac/roles/writer/permissions/read:reports');
    assert.equal((await server.graphql(REPORTS, { token })).status, 200);
    await call('DELETE', '/admin/rbac/roles/writer');
    assertDenied(await server.graphql(REPORTS, { token }), 'read:reports');
    // The permission was re-created: the analyst role gets it back for the tests below.
    await call('PUT', '/admin/rbac/roles/analyst/permissions/read:reports');
  });

  test('introspection shows a permission-protected operation once it is granted', async () => {
    const token = await server.userToken(ALICE);
    const fields = async (): Promise<string[]> => {
      const reply = await server.graphql('{ __schema { queryType { fields { name } } } }', { token });
      const schema = reply.json.data?.__schema as { queryType: { fields: { name: string }[] } };
      return schema.queryType.fields.map((field) => field.name);
    };
    assert.ok(!(await fields()).includes('reports'));
    await call('PUT', `/admin/rbac/users/${ALICE.sub}/roles/analyst`);
    assert.ok((await fields()).includes('reports'));
    await call('DELETE', `/admin/rbac/users/${ALICE.sub}/roles/analyst`);
  });

  test("the spec page's statements run word for word, and the grant they make applies", async () => {
    const pageUser: FixtureUser = { name: 'User 123', sub: '00000000-0000-0000-0000-000000000123', org: 2 };
    const token = await server.userToken(pageUser);
    assertDenied(await server.graphql(REPORTS, { token }), 'read:reports');
    await server.database.exec(`
      INSERT INTO fraiseql_auth.roles (name) VALUES ('page_reader');
      INSERT INTO fraiseql_auth.users (id, subject, role) VALUES (123, '${pageUser.sub}', 'page_reader');
      INSERT INTO fraiseql_auth.user_roles (user_id, role_id)
        SELECT 123, id FROM fraiseql_auth.roles WHERE name = 'page_reader';`);

    await onPageSearchPath(async (database) => {
      // "1. Check user's current role"
      assert.deepEqual((await database.query('SELECT role FROM users WHERE id = 123;')).rows, [{ role: 'page_reader' }]);
      // "2. Check what permissions role has"
      const held = `SELECT rp.permission
FROM user_roles ur
JOIN role_permissions rp ON ur.role_id = rp.role_id
WHERE ur.user_id = 123;`;
      assert.deepEqual((await database.query(held)).rows, []);
      // "3. Add missing permission"
      await database.query(`INSERT INTO role_permissions (role_id, permission_id)
VALUES (
(SELECT role_id FROM user_roles WHERE user_id = 123),
(SELECT id FROM permissions WHERE name = 'read:reports')
);`);
      assert.deepEqual((await database.query(held)).rows, [{ permission: 'read:reports' }]);
    });

    await eventually(async () => {
      const reply = await server.graphql(REPORTS, { token });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json.data, { reports: [{ title: 'Globex Q1' }] });
    });
  });
});

describe(`a second instance on the same database (${testEngine()})`, () => {
  test('sees a grant made through the first one on its next request', async () => {
    const second = await startAuthzServer({
      shareWith: server,
      env: { FRAISEQL_PERMISSION_CACHE_SECONDS: '600' },
    });
    try {
      const token = await second.userToken(ALICE);
      assertDenied(await second.graphql(REPORTS, { token }), 'read:reports');
      await call('PUT', `/admin/rbac/users/${ALICE.sub}/roles/analyst`);
      await eventually(async () => {
        const reply = await second.graphql(REPORTS, { token });
        assert.equal(reply.status, 200, reply.text);
      });
      await call('DELETE', `/admin/rbac/users/${ALICE.sub}/roles/analyst`);
      await eventually(async () => assertDenied(await second.graphql(REPORTS, { token }), 'read:reports'));
    } finally {
      await second.close();
    }
  });
});
