/**
 * A key is a narrowed copy of its owner: when the owner is a user of fraiseql_auth.users, the
 * key grants only the scopes the owner still holds as database permissions, so revoking a role
 * from the owner takes its scopes away from the owner's keys within a second (the key cache
 * follows `fraiseql_auth_changed`), and granting it back restores them. A key owned by a named
 * service (not a user) keeps its scopes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { RbacStore } from '../../src/rbac/rbac-store.ts';
import { BOB } from '../sessions/support/auth-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const API_KEY_SECRET = 'api-key-secret-for-tests-only-0123456789abcdef';
const READ = '{ posts { title } }';
const WRITE = 'mutation { create_post(title: "from a key", body: "b") { id } }';

let server: TestServer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog', env: { API_KEY_SECRET } });
});
after(async () => {
  await server?.close();
});

interface Reply {
  readonly status: number;
  readonly json: { errors?: { message: string; extensions?: Record<string, unknown> }[] } & Record<string, unknown>;
  readonly text: string;
}

async function call(url: string, options: { token?: string; key?: string; body: unknown }): Promise<Reply> {
  const response = await server.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/json',
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.key === undefined ? {} : { 'x-api-key': options.key }),
    },
    payload: JSON.stringify(options.body),
  });
  return { status: response.statusCode, json: JSON.parse(response.body === '' ? '{}' : response.body) as Reply['json'], text: response.body };
}

async function createKey(owner: string, scopes: readonly string[]): Promise<string> {
  const token = await server.token({ sub: owner, scopes });
  const reply = await call('/api/keys', { token, body: { name: 'tool', scopes } });
  assert.equal(reply.status, 201, reply.text);
  return String(reply.json['key']);
}

const graphql = (key: string, query: string): Promise<Reply> => call('/graphql', { key, body: { query } });

/** Polls `query` with `key` until it answers `status`, for at most one second. */
async function within1s(key: string, query: string, status: 200 | 403): Promise<Reply> {
  const started = performance.now();
  for (;;) {
    const reply = await graphql(key, query);
    if (reply.status === status) return reply;
    if (performance.now() - started > 1000) assert.fail(`still ${reply.status} after 1 s, expected ${status}: ${reply.text}`);
    await sleep(20);
  }
}

function assertAnswered(reply: Reply): void {
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.json.errors, undefined, reply.text);
}

describe("a key's scopes follow its owner's grants", () => {
  test('revoking the role that grants write:posts takes it from the key; granting it back restores it', async () => {
    // Bob holds read:posts through reader and read:posts + write:posts through author.
    const rbac = new RbacStore(server.database.db);
    await rbac.grantRole(BOB, 'reader');
    const key = await createKey(BOB, ['read:posts', 'write:posts']);
    assertAnswered(await graphql(key, WRITE)); // the key is cached now
    assertAnswered(await graphql(key, READ));

    await server.database.db.query(
      `DELETE FROM fraiseql_auth.user_roles
        WHERE user_id = (SELECT id FROM fraiseql_auth.users WHERE subject = $1)
          AND role_id = (SELECT id FROM fraiseql_auth.roles WHERE name = 'author')`,
      [BOB],
    );
    const refused = await within1s(key, WRITE, 403);
    assert.equal(refused.json.errors?.[0]?.message, 'Insufficient scope for this operation', refused.text);
    assertAnswered(await graphql(key, READ));

    await rbac.grantRole(BOB, 'author');
    assertAnswered(await within1s(key, WRITE, 200));
  });

  test('revoking through the rbac store has the same effect', async () => {
    const rbac = new RbacStore(server.database.db);
    await rbac.grantRole(BOB, 'author');
    const key = await createKey(BOB, ['write:posts']);
    assertAnswered(await graphql(key, WRITE));
    await rbac.revokeRole(BOB, 'author');
    await within1s(key, WRITE, 403);
    await rbac.grantRole(BOB, 'author');
    assertAnswered(await within1s(key, WRITE, 200));
  });

  test('a key owned by a named service (not a user) keeps its scopes', async () => {
    // A uuid owner unknown to fraiseql_auth.users, so the blog's views accept it as app.user_id.
    const service = randomUUID();
    const key = await createKey(service, ['read:posts', 'write:posts']);
    assertAnswered(await graphql(key, READ));
    const named = await createKey('svc-report', ['read:posts', 'write:posts']);
    // The blog injects the owner as a uuid, so a service name fails in the database, but only
    // after the scope check passed: neither refusal is about scope.
    for (const reply of [await graphql(key, WRITE), await graphql(named, WRITE), await graphql(named, READ)]) {
      assert.notEqual(reply.json.errors?.[0]?.message, 'Insufficient scope for this operation', reply.text);
      assert.notEqual(reply.status, 403, reply.text);
    }
  });
});
