/**
 * API keys through the real server (examples/blog): creation at POST /api/keys, use with
 * X-API-Key or Authorization: Bearer sk_..., scopes (a subset of the creator's, and checked by
 * requiresScope), inject and permissions acting as the owner, expiry, rotation grace,
 * revocation, the ambiguous JWT + key request, what the log says, and the table holding no key.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { generateApiKey } from '../../src/api-keys/api-key-format.ts';
import { BASE62_ALPHABET } from '../../src/api-keys/base62.ts';
import { RbacStore } from '../../src/rbac/rbac-store.ts';
import { createCapturingLogger, type CapturingLogger } from '../sessions/support/log-capture.ts';
import { ALICE, BOB } from '../sessions/support/auth-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const API_KEY_SECRET = 'api-key-secret-for-tests-only-0123456789abcdef';
const POSTS = '{ posts { title } }';

let server: TestServer;
let log: CapturingLogger;
const issuedKeys: string[] = [];

before(async () => {
  log = createCapturingLogger('debug');
  server = await startTestServer({ projectDir: 'examples/blog', env: { API_KEY_SECRET }, logger: log.logger });
});
after(async () => {
  await server?.close();
});

interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly text: string;
}

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: { token?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const response = await server.app.inject({
    method,
    url,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.key === undefined ? {} : { 'x-api-key': options.key }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
  const json = JSON.parse(response.body === '' ? '{}' : response.body) as Record<string, unknown>;
  return { status: response.statusCode, json, text: response.body };
}

/** POST /api/keys as `sub` holding `held`; fails the test unless 201. */
async function createKey(
  sub: string,
  held: readonly string[],
  body: Record<string, unknown>,
): Promise<{ key: string; id: string; prefix: string }> {
  const token = await server.token({ sub, scopes: held });
  const reply = await call('POST', '/api/keys', { token, body });
  assert.equal(reply.status, 201, reply.text);
  const { key, id, prefix } = reply.json;
  assert.ok(typeof key === 'string' && typeof id === 'string' && typeof prefix === 'string');
  issuedKeys.push(key);
  return { key, id, prefix };
}

/** `body` (sk_ + 32 characters) with its correct checksum, so it is a well-formed key. */
function withChecksum(body: string): string {
  let rest = crc32(body);
  let out = '';
  while (rest > 0) {
    out = BASE62_ALPHABET.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return body + out.padStart(6, '0');
}

function graphqlWithKey(key: string, query = POSTS, header: 'x-api-key' | 'bearer' = 'x-api-key') {
  return server.graphql(query, { headers: header === 'x-api-key' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` } });
}

function firstError(body: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
  const error = body.errors?.[0];
  return { message: error?.message, code: error?.extensions?.['code'], reason: error?.extensions?.['reason'] };
}

function assertInvalidKey(response: { status: number; body: Parameters<typeof firstError>[0]; text: string }): void {
  assert.equal(response.status, 401, response.text);
  assert.deepEqual(firstError(response.body), { message: 'Invalid API key', code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' });
}

/** The refusal log lines' `detail.why` for `prefix`. */
function refusalsLogged(prefix: string): string[] {
  return log.lines
    .filter((line) => line.reason === 'INVALID_API_KEY')
    .map((line) => line['detail'] as Record<string, unknown> | undefined)
    .filter((detail) => detail?.['keyPrefix'] === prefix)
    .map((detail) => String(detail?.['why']));
}

describe('creating and using keys', () => {
  test('POST /api/keys returns the key once; GET /api/keys lists it without the secret', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const created = await call('POST', '/api/keys', { token, body: { name: 'reporting', scopes: ['read:posts'] } });
    assert.equal(created.status, 201, created.text);
    const key = String(created.json['key']);
    issuedKeys.push(key);
    assert.match(key, /^sk_[0-9A-Za-z]{38}$/);
    assert.equal(created.json['prefix'], key.slice(0, 12));
    assert.equal(created.json['owner'], ALICE);
    assert.equal(created.json['status'], 'active');
    assert.equal(created.json['last_used_at'], null);
    assert.ok('created_at' in created.json && 'expires_at' in created.json && 'revoked' in created.json);

    const listed = await call('GET', '/api/keys', { token });
    assert.equal(listed.status, 200, listed.text);
    assert.ok(!listed.text.includes(key), 'the list never shows the key');
    assert.ok(!listed.text.includes(key.slice(12, -4)));
    const keys = listed.json['keys'] as Record<string, unknown>[];
    const mine = keys.find((item) => item['id'] === created.json['id']);
    assert.equal(mine?.['last4'], key.slice(-4));
    assert.equal(mine?.['key_hash'], undefined);
  });

  test('the key calls a scoped query with X-API-Key and with Authorization: Bearer sk_...', async () => {
    const { key } = await createKey(ALICE, ['read:posts'], { name: 'reader', scopes: ['read:posts'] });
    for (const header of ['x-api-key', 'bearer'] as const) {
      const response = await graphqlWithKey(key, POSTS, header);
      assert.equal(response.status, 200, response.text);
      assert.ok(Array.isArray(response.body.data?.['posts']));
    }
  });

  test("inject gets the owner's id: Alice's key sees her draft, Bob's does not", async () => {
    const alice = await createKey(ALICE, ['read:posts'], { name: 'a', scopes: ['read:posts'] });
    const bob = await createKey(BOB, ['read:posts'], { name: 'b', scopes: ['read:posts'] });
    const titles = async (key: string): Promise<string[]> => {
      const response = await graphqlWithKey(key);
      assert.equal(response.status, 200, response.text);
      return (response.body.data?.['posts'] as { title: string }[]).map((post) => post.title);
    };
    assert.ok((await titles(alice.key)).includes("Alice's private draft"));
    assert.ok(!(await titles(bob.key)).includes("Alice's private draft"));
  });

  test('requiresScope applies: a read-only key cannot call a write:posts mutation', async () => {
    const { key } = await createKey(ALICE, ['read:posts'], { name: 'reader', scopes: ['read:posts'] });
    const response = await graphqlWithKey(key, 'mutation { create_post(title: "t", body: "b") { id } }');
    assert.equal(firstError(response.body).reason, 'INSUFFICIENT_SCOPE', response.text);
  });

  test('a key cannot carry a scope its creator does not hold', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const reply = await call('POST', '/api/keys', { token, body: { name: 'x', scopes: ['read:posts', 'write:posts'] } });
    assert.equal(reply.status, 403, reply.text);
    const error = (reply.json['errors'] as { extensions: Record<string, unknown> }[])[0];
    assert.deepEqual(error?.extensions['scopes'], ['write:posts']);
  });

  test('a lifetime over 10 years is a 400 saying so (999999d would be the year 4764)', async () => {
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    for (const lifetime of [{ expires_in: '999999d' }, { expires_at: '4764-01-01T00:00:00Z' }]) {
      const reply = await call('POST', '/api/keys', { token, body: { name: 'forever', scopes: ['read:posts'], ...lifetime } });
      assert.equal(reply.status, 400, reply.text);
      const error = (reply.json['errors'] as { message: string; extensions: Record<string, unknown> }[])[0];
      assert.equal(error?.extensions['code'], 'BAD_USER_INPUT');
      assert.match(error?.message ?? '', /at most 10 years \(3650d\)/);
    }
  });

  test('database permissions apply to the owner: granting staff lets the same key list users', async () => {
    const { key } = await createKey(ALICE, ['read:users'], { name: 'staff-tool', scopes: ['read:users'] });
    const refused = await graphqlWithKey(key, '{ users { name } }');
    assert.equal(firstError(refused.body).code, 'FORBIDDEN', refused.text);
    await new RbacStore(server.database.db).grantRole(ALICE, 'staff');
    const started = performance.now();
    for (;;) {
      const response = await graphqlWithKey(key, '{ users { name } }');
      if (response.status === 200 && response.body.errors === undefined) break;
      if (performance.now() - started > 3000) assert.fail(`still refused after the grant: ${response.text}`);
      await sleep(50);
    }
    await new RbacStore(server.database.db).revokeRole(ALICE, 'staff');
  });

  test("requiresPermission also needs the permission among the key's scopes: an unscoped key is refused", async () => {
    const rbac = new RbacStore(server.database.db);
    await rbac.grantRole(ALICE, 'staff');
    try {
      const { key } = await createKey(ALICE, [], { name: 'unscoped', scopes: [] });
      const other = await createKey(ALICE, ['read:posts'], { name: 'posts-only', scopes: ['read:posts'] });
      const token = await server.token({ sub: ALICE, scopes: [] });
      const started = performance.now();
      // The grant reaches the permission cache through a notification: wait until the owner's
      // token (which carries no scope) is let in, as a database grant needs no new token.
      for (;;) {
        const response = await server.graphql('{ users { name } }', { token });
        if (response.status === 200 && response.body.errors === undefined) break;
        if (performance.now() - started > 3000) assert.fail(`the owner is still refused after the grant: ${response.text}`);
        await sleep(50);
      }
      for (const refusedKey of [key, other.key]) {
        const refused = await graphqlWithKey(refusedKey, '{ users { name } }');
        assert.equal(refused.status, 403, refused.text);
        const error = refused.body.errors?.[0];
        assert.equal(error?.message, 'User does not have permission');
        assert.equal(error?.extensions?.['requiredPermission'], 'read:users');
      }
      // Introspection shows a key what it may call: the owner's token sees `users`, a key
      // without the permission among its scopes does not, and a key with it does.
      const withPermission = await createKey(ALICE, ['read:users'], { name: 'users', scopes: ['read:users'] });
      const rootFields = '{ __schema { queryType { fields { name } } } }';
      const listed = async (reply: Promise<{ status: number; text: string }>): Promise<string[]> => {
        const { status, text } = await reply;
        assert.equal(status, 200, text);
        const body = JSON.parse(text) as { data: { __schema: { queryType: { fields: { name: string }[] } } } };
        return body.data.__schema.queryType.fields.map((field) => field.name);
      };
      assert.ok((await listed(server.graphql(rootFields, { token }))).includes('users'));
      assert.ok(!(await listed(graphqlWithKey(key, rootFields))).includes('users'));
      assert.ok(!(await listed(graphqlWithKey(other.key, rootFields))).includes('users'));
      assert.ok((await listed(graphqlWithKey(withPermission.key, rootFields))).includes('users'));
    } finally {
      await rbac.revokeRole(ALICE, 'staff');
    }
  });

  test('managing keys needs a token: a key cannot create keys', async () => {
    const { key } = await createKey(ALICE, ['read:posts'], { name: 'reader', scopes: ['read:posts'] });
    const reply = await call('POST', '/api/keys', { key, body: { name: 'child', scopes: ['read:posts'] } });
    assert.equal(reply.status, 403, reply.text);
  });
});

describe('refusals', () => {
  test('malformed and unknown keys get Invalid API key; the log says which, with the prefix only', async () => {
    const { key } = await createKey(ALICE, ['read:posts'], { name: 'r', scopes: ['read:posts'] });
    const wrongChecksum = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    assertInvalidKey(await graphqlWithKey(wrongChecksum));
    assertInvalidKey(await graphqlWithKey('sk_short'));
    assert.ok(refusalsLogged(key.slice(0, 12)).some((why) => why.startsWith('malformed')));

    const stranger = generateApiKey();
    assertInvalidKey(await graphqlWithKey(stranger.key));
    assert.deepEqual(refusalsLogged(stranger.prefix), ['unknown: no key has this prefix']);
    const sameprefix = generateApiKey().key;
    const guessed = withChecksum(key.slice(0, 12) + sameprefix.slice(12, -6));
    assertInvalidKey(await graphqlWithKey(guessed));
    assert.ok(refusalsLogged(key.slice(0, 12)).includes('unknown: the prefix exists but the rest of the key does not match'));
  });

  test('a request with both a JWT and a key is refused as ambiguous', async () => {
    const { key } = await createKey(ALICE, ['read:posts'], { name: 'r', scopes: ['read:posts'] });
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const response = await server.graphql(POSTS, { token, headers: { 'x-api-key': key } });
    assert.equal(response.status, 401, response.text);
    assert.equal(firstError(response.body).reason, 'AMBIGUOUS_CREDENTIALS');
    const twoKeys = await server.graphql(POSTS, { headers: { authorization: `Bearer ${key}`, 'x-api-key': key } });
    assert.equal(firstError(twoKeys.body).reason, 'AMBIGUOUS_CREDENTIALS');
  });

  test('an expired key gets Invalid API key', async () => {
    const { key, prefix } = await createKey(ALICE, ['read:posts'], { name: 'short', scopes: ['read:posts'], expires_in: 1 });
    assert.equal((await graphqlWithKey(key)).status, 200);
    await sleep(1100);
    assertInvalidKey(await graphqlWithKey(key));
    assert.ok(refusalsLogged(prefix).includes('expired'));
  });

  test('a revoked key gets Invalid API key at once (DELETE /api/keys/{id})', async () => {
    const { key, id, prefix } = await createKey(ALICE, ['read:posts'], { name: 'r', scopes: ['read:posts'] });
    assert.equal((await graphqlWithKey(key)).status, 200, 'used (and cached) first');
    const token = await server.token({ sub: ALICE, scopes: [] });
    const revoked = await call('DELETE', `/api/keys/${id}`, { token });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.json['revoked'], true);
    assertInvalidKey(await graphqlWithKey(key));
    assert.ok(refusalsLogged(prefix).includes('revoked'));
  });

  test("another owner's key answers 404 and is not revoked", async () => {
    const { key, id } = await createKey(ALICE, ['read:posts'], { name: 'r', scopes: ['read:posts'] });
    const bob = await server.token({ sub: BOB, scopes: [] });
    assert.equal((await call('DELETE', `/api/keys/${id}`, { token: bob })).status, 404);
    assert.equal((await graphqlWithKey(key)).status, 200);
  });
});

describe('rotation', () => {
  test('the new key works at once; the old one until its grace time, then Invalid API key', async () => {
    const old = await createKey(ALICE, ['read:posts'], { name: 'rotating', scopes: ['read:posts'] });
    assert.equal((await graphqlWithKey(old.key)).status, 200);
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const rotated = await call('POST', `/api/keys/${old.id}/rotate`, { token, body: { grace: 2 } });
    assert.equal(rotated.status, 201, rotated.text);
    const fresh = String(rotated.json['key']);
    issuedKeys.push(fresh);
    assert.notEqual(fresh, old.key);
    assert.deepEqual(rotated.json['scopes'], ['read:posts']);
    assert.equal((rotated.json['replaces'] as Record<string, unknown>)['status'], 'grace');

    assert.equal((await graphqlWithKey(fresh)).status, 200);
    assert.equal((await graphqlWithKey(old.key)).status, 200, 'the old key works during the grace time');
    await sleep(2100);
    assertInvalidKey(await graphqlWithKey(old.key));
    assert.ok(refusalsLogged(old.prefix).includes('replaced'));
    assert.equal((await graphqlWithKey(fresh)).status, 200);

    const again = await call('POST', `/api/keys/${old.id}/rotate`, { token, body: {} });
    assert.equal(again.status, 409, 'a replaced key cannot be rotated again');
  });

  test('revoking the old key ends its grace at once', async () => {
    const old = await createKey(ALICE, ['read:posts'], { name: 'rotating', scopes: ['read:posts'] });
    const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const rotated = await call('POST', `/api/keys/${old.id}/rotate`, { token, body: { grace: '1h' } });
    issuedKeys.push(String(rotated.json['key']));
    assert.equal((await graphqlWithKey(old.key)).status, 200);
    assert.equal((await call('DELETE', `/api/keys/${old.id}`, { token })).status, 200);
    assertInvalidKey(await graphqlWithKey(old.key));
    assert.equal((await graphqlWithKey(String(rotated.json['key']))).status, 200);
  });
});

describe('storage and logs', () => {
  test('a dump of the api_keys table contains no key, nor the secret part of one', async () => {
    assert.ok(issuedKeys.length >= 5, 'the tests above issued keys');
    const dump = await server.database.db.query<{ row: string }>(
      'SELECT row_to_json(k)::text AS row FROM fraiseql_auth.api_keys k',
    );
    const text = dump.rows.map((row) => row.row).join('\n');
    assert.ok(dump.rows.length >= issuedKeys.length);
    for (const key of issuedKeys) {
      assert.ok(!text.includes(key), 'no whole key');
      assert.ok(!text.includes(key.slice(12, -4)), 'no secret middle part');
    }
    // The spec page's column `key` exists, as a label only.
    const label = await server.database.db.query<{ key: string }>(
      'SELECT key FROM fraiseql_auth.api_keys WHERE key = fraiseql_auth.api_key_label($1)',
      [issuedKeys[0]],
    );
    assert.equal(label.rows.length, 1);
  });

  test('no log line holds a whole key', () => {
    const all = log.lines.map((line) => JSON.stringify(line)).join('\n');
    for (const key of issuedKeys) assert.ok(!all.includes(key), `the log holds ${key.slice(0, 12)}...`);
  });
});
