/**
 * An API key acts as its owner, so it ends with the owner's other credentials: a revoke-all,
 * a password change and disabling the user revoke the owner's keys (built-in migration 008),
 * and a key of a disabled user is refused while the user stays disabled. A key never reaches
 * user administration, role administration or revoke-all, whatever its scopes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { createCapturingLogger, type CapturingLogger } from '../sessions/support/log-capture.ts';
import { ALICE, CAROL } from '../sessions/support/auth-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const API_KEY_SECRET = 'api-key-secret-for-tests-only-0123456789abcdef';
const POSTS = '{ posts { title } }';

let server: TestServer;
let log: CapturingLogger;

before(async () => {
  log = createCapturingLogger('debug');
  server = await startTestServer({ projectDir: 'examples/blog', env: { API_KEY_SECRET }, logger: log.logger });
});
after(async () => {
  await server?.close();
});

interface Reply {
  readonly status: number;
  readonly json: { errors?: { message: string; extensions?: Record<string, unknown> }[] } & Record<string, unknown>;
  readonly text: string;
}

async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { token?: string; key?: string; body?: unknown } = {},
): Promise<Reply> {
  const response = await server.app.inject({
    method,
    url,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.key === undefined ? {} : { 'x-api-key': options.key }),
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
  return { status: response.statusCode, json: JSON.parse(response.body === '' ? '{}' : response.body) as Reply['json'], text: response.body };
}

async function createKey(sub: string, scopes: readonly string[]): Promise<{ key: string; prefix: string }> {
  const token = await server.token({ sub, scopes });
  const reply = await call('POST', '/api/keys', { token, body: { name: 'tool', scopes } });
  assert.equal(reply.status, 201, reply.text);
  return { key: String(reply.json['key']), prefix: String(reply.json['prefix']) };
}

const useKey = (key: string) => call('POST', '/graphql', { key, body: { query: POSTS } });

/**
 * Polls until `key` gets `status`, for at most one second: a change made in the database
 * reaches the key cache through a notification (immediate on PGlite, a few milliseconds on
 * PostgreSQL), and the promise is "within one second" on every instance.
 */
async function untilStatus(key: string, status: 200 | 401): Promise<Reply> {
  const started = performance.now();
  for (;;) {
    const reply = await useKey(key);
    if (reply.status === status) return reply;
    if (performance.now() - started > 1000) assert.fail(`still ${reply.status} after 1 s, expected ${status}: ${reply.text}`);
    await sleep(20);
  }
}

async function assertAccepted(key: string): Promise<void> {
  await untilStatus(key, 200);
}

async function assertInvalidKey(key: string): Promise<void> {
  const reply = await untilStatus(key, 401);
  assert.equal(reply.json.errors?.[0]?.message, 'Invalid API key');
}

/** Refusal log reasons (`detail.why`) for a key prefix. */
function refusalsLogged(prefix: string): string[] {
  return log.lines
    .filter((line) => line.reason === 'INVALID_API_KEY')
    .map((line) => line['detail'] as Record<string, unknown> | undefined)
    .filter((detail) => detail?.['keyPrefix'] === prefix)
    .map((detail) => String(detail?.['why']));
}

async function sql(text: string, params: unknown[] = []): Promise<void> {
  await server.database.db.query(text, params);
}

/**
 * A users row of the fraiseql_auth schema, for a subject no other test uses, with the role
 * reader: a user's key grants only the scopes its owner holds (read:posts here).
 */
async function addUser(username: string, subject: string, disabled = false): Promise<void> {
  await sql("INSERT INTO fraiseql_auth.users (username, subject, disabled, role) VALUES ($1, $2, $3, 'reader')", [
    username,
    subject,
    disabled,
  ]);
}

describe("keys end with their owner's credentials", () => {
  test("POST /auth/revoke-all revokes the caller's keys made before it; a key made after works", async () => {
    const subject = randomUUID();
    const { key, prefix } = await createKey(subject, ['read:posts']);
    await assertAccepted(key); // cached now
    const token = await server.token({ sub: subject, scopes: [] });
    const revoked = await call('POST', '/auth/revoke-all', { token, body: {} });
    assert.equal(revoked.status, 200, revoked.text);
    await assertInvalidKey(key);
    assert.ok(refusalsLogged(prefix).includes('revoked'), JSON.stringify(refusalsLogged(prefix)));

    await sleep(1100); // a token issued in the revoke-all's second is refused with it
    const fresh = await createKey(subject, ['read:posts']);
    await assertAccepted(fresh.key);
  });

  test("setting the owner's password (HTTP, CLI or SQL) revokes the owner's keys", async () => {
    const subject = randomUUID();
    await addUser('pat', subject);
    const { key } = await createKey(subject, ['read:posts']);
    await assertAccepted(key);
    await sql("UPDATE fraiseql_auth.users SET password_hash = 'not-a-real-hash' WHERE subject = $1", [subject]);
    await assertInvalidKey(key);
  });

  test('disabling the owner revokes the key for good: enabling again does not bring it back', async () => {
    const subject = randomUUID();
    await addUser('dan', subject);
    const { key, prefix } = await createKey(subject, ['read:posts']);
    await assertAccepted(key);
    await sql('UPDATE fraiseql_auth.users SET disabled = true WHERE subject = $1', [subject]);
    await assertInvalidKey(key);
    await sql('UPDATE fraiseql_auth.users SET disabled = false WHERE subject = $1', [subject]);
    await sleep(200);
    assert.equal((await useKey(key)).status, 401);
    assert.ok(refusalsLogged(prefix).includes('revoked'));
  });

  test('a key of a disabled user is refused ("owner disabled", prefix only) until the user is enabled', async () => {
    // No new key is made for a disabled user, so the key is made first, by a subject that
    // becomes a disabled user afterwards (a users row added for it; disabling revokes keys).
    const subject = randomUUID();
    const { key, prefix } = await createKey(subject, ['read:posts']);
    await assertAccepted(key);
    await addUser('dora', subject, true);
    await assertInvalidKey(key);
    const refused = await call('POST', '/api/keys', {
      token: await server.token({ sub: subject, scopes: ['read:posts'] }),
      body: { name: 'while-disabled', scopes: ['read:posts'] },
    });
    assert.equal(refused.status, 409, refused.text);
    assert.deepEqual(refusalsLogged(prefix), ['owner disabled']);
    const line = log.lines.find((entry) => JSON.stringify(entry).includes('owner disabled'));
    assert.ok(line !== undefined && !JSON.stringify(line).includes(key), 'the log holds the prefix, never the key');

    // The cached answer is dropped when the user row changes.
    await sql('UPDATE fraiseql_auth.users SET disabled = false WHERE subject = $1', [subject]);
    await assertAccepted(key);
  });

  test('a subject without a users row (a named service) keeps its keys', async () => {
    const { key } = await createKey(randomUUID(), ['read:posts']);
    await assertAccepted(key);
  });
});

describe('administration refuses API keys, whatever their scopes', () => {
  let adminKey: string;
  before(async () => {
    adminKey = (await createKey(ALICE, ['fraiseql:admin'])).key;
  });

  const refusals: ReadonlyArray<readonly ['GET' | 'POST' | 'PUT', string, unknown]> = [
    ['GET', '/auth/users', undefined],
    ['POST', '/auth/users', { username: 'mallory', password: 'mallory-password-1' }],
    ['POST', '/auth/users/carol/password', { password: 'taken-over-password' }],
    ['POST', '/auth/users/bob/enable', undefined],
    ['POST', '/auth/users/bob/disable', undefined],
    ['POST', '/auth/revoke-all', { sub: CAROL }],
    ['GET', '/admin/rbac/roles', undefined],
    ['PUT', `/admin/rbac/users/${ALICE}/roles/staff`, undefined],
  ];
  for (const [method, url, body] of refusals) {
    test(`${method} ${url} with an admin-scoped key: 403, use a user's token`, async () => {
      const reply = await call(method, url, { key: adminKey, ...(body === undefined ? {} : { body }) });
      assert.equal(reply.status, 403, reply.text);
      assert.equal(reply.json.errors?.[0]?.extensions?.['reason'], 'ADMINISTRATION_NEEDS_TOKEN');
      assert.match(reply.json.errors?.[0]?.message ?? '', /send a user's bearer token/);
    });
  }

  test('nothing was changed by those requests, and the same scope in a token still works', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['fraiseql:admin'] });
    const users = await call('GET', '/auth/users', { token });
    assert.equal(users.status, 200, users.text);
    const names = (users.json['users'] as { username: string; disabled: boolean }[]).map((user) => user.username);
    assert.ok(!names.includes('mallory'));
    const grants = await call('GET', `/admin/rbac/users/${ALICE}`, { token });
    assert.equal(grants.status, 200, grants.text);
    assert.ok(!grants.text.includes('"staff"'), grants.text);
  });
});
