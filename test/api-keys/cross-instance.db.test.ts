/**
 * Two servers on one database (test/sessions/support/server-pair.ts): a key revoked or
 * rotated on one is refused by the other within one second, although the other had just
 * accepted (and cached) it. On PostgreSQL the two have separate pools and LISTEN connections.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';

import { ALICE } from '../sessions/support/auth-client.ts';
import { startServerPair, type ServerPair } from '../sessions/support/server-pair.ts';
import { TEST_JWT_SECRET } from '../support/test-server.ts';

const POSTS = '{ posts { title } }';
let pair: ServerPair;

before(async () => {
  // The default key cache time (10 s) is longer than the limit: only the notification can
  // explain a refusal within one second.
  pair = await startServerPair({
    projectDir: 'examples/blog',
    env: { API_KEY_SECRET: 'api-key-secret-for-tests-only-0123456789abcdef' },
  });
});
after(async () => {
  await pair?.close();
});

async function token(scopes: readonly string[]): Promise<string> {
  return new SignJWT({ aud: 'fraiseql-api', jti: randomUUID(), sub: ALICE, scopes })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

async function request(app: FastifyInstance, method: 'POST' | 'DELETE', url: string, auth: Record<string, string>, body?: unknown) {
  const response = await app.inject({
    method,
    url,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown>, text: response.body };
}

const useKey = (app: FastifyInstance, key: string) => request(app, 'POST', '/graphql', { 'x-api-key': key }, { query: POSTS });

async function createKey(app: FastifyInstance): Promise<{ key: string; id: string }> {
  const created = await request(app, 'POST', '/api/keys', { authorization: `Bearer ${await token(['read:posts'])}` }, {
    name: 'shared',
    scopes: ['read:posts'],
  });
  assert.equal(created.status, 201, created.text);
  return { key: String(created.json['key']), id: String(created.json['id']) };
}

/** Milliseconds until `app` refuses `key` with Invalid API key; fails past `limitMs`. */
async function untilRefused(app: FastifyInstance, key: string, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const reply = await useKey(app, key);
    const elapsed = performance.now() - started;
    if (reply.status === 401) {
      assert.match(reply.text, /Invalid API key/);
      return elapsed;
    }
    assert.equal(reply.status, 200, reply.text);
    if (elapsed > limitMs) assert.fail(`still accepted ${Math.round(elapsed)} ms after the revocation`);
    await sleep(20);
  }
}

describe('API key revocation across instances', () => {
  test('a key revoked on A is refused on B within one second', async () => {
    const { key, id } = await createKey(pair.a.app);
    assert.equal((await useKey(pair.b.app, key)).status, 200, 'B accepts (and caches) the key first');
    assert.equal((await useKey(pair.b.app, key)).status, 200);

    const revoked = await request(pair.a.app, 'DELETE', `/api/keys/${id}`, { authorization: `Bearer ${await token([])}` });
    assert.equal(revoked.status, 200, revoked.text);
    const elapsed = await untilRefused(pair.b.app, key, 1000);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });

  test('a revocation written in SQL (the spec page way) reaches both within one second', async () => {
    const { key } = await createKey(pair.b.app);
    for (const app of [pair.a.app, pair.b.app]) assert.equal((await useKey(app, key)).status, 200);
    await pair.database.db.query(
      'UPDATE fraiseql_auth.api_keys SET revoked = true WHERE key = fraiseql_auth.api_key_label($1)',
      [key],
    );
    await untilRefused(pair.a.app, key, 1000);
    await untilRefused(pair.b.app, key, 1000);
  });

  test('a rotation on B with no grace is enforced on A within one second', async () => {
    const { key, id } = await createKey(pair.a.app);
    assert.equal((await useKey(pair.a.app, key)).status, 200);
    const rotated = await request(pair.b.app, 'POST', `/api/keys/${id}/rotate`, {
      authorization: `Bearer ${await token(['read:posts'])}`,
    }, { grace: 0 });
    assert.equal(rotated.status, 201, rotated.text);
    await untilRefused(pair.a.app, key, 1000);
    assert.equal((await useKey(pair.a.app, String(rotated.json['key']))).status, 200);
  });
});

describe("the owner's credentials ending, across instances", () => {
  /** A key of `subject` (holding read:posts) made on `app`. */
  async function keyOf(app: FastifyInstance, subject: string): Promise<string> {
    const jwt = await new SignJWT({ aud: 'fraiseql-api', jti: randomUUID(), sub: subject, scopes: ['read:posts'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const created = await request(app, 'POST', '/api/keys', { authorization: `Bearer ${jwt}` }, { name: 'owner', scopes: ['read:posts'] });
    assert.equal(created.status, 201, created.text);
    return String(created.json['key']);
  }

  test("a revoke-all on A refuses the owner's key, cached on B, within one second", async () => {
    const subject = randomUUID();
    const key = await keyOf(pair.a.app, subject);
    assert.equal((await useKey(pair.b.app, key)).status, 200, 'B accepts (and caches) the key first');
    const jwt = await new SignJWT({ aud: 'fraiseql-api', jti: randomUUID(), sub: subject })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const revoked = await request(pair.a.app, 'POST', '/auth/revoke-all', { authorization: `Bearer ${jwt}` }, {});
    assert.equal(revoked.status, 200, revoked.text);
    await untilRefused(pair.b.app, key, 1000);
    await untilRefused(pair.a.app, key, 1000);
  });

  test('a key made, then its owner added as a disabled user, then enabled: B follows each change within one second', async () => {
    const subject = randomUUID();
    // No key is made for a disabled user: the key comes first, its owner's users row after.
    const key = await keyOf(pair.a.app, subject);
    assert.equal((await useKey(pair.b.app, key)).status, 200, 'B accepts (and caches) the key first');
    // Role reader: a user's key grants only the scopes its owner holds (read:posts here).
    await pair.database.db.query(
      "INSERT INTO fraiseql_auth.users (username, subject, disabled, role) VALUES ($1, $2, true, 'reader')",
      [`cross-${subject.slice(0, 8)}`, subject],
    );
    await untilRefused(pair.b.app, key, 1000);
    await pair.database.db.query('UPDATE fraiseql_auth.users SET disabled = false WHERE subject = $1', [subject]);
    const started = performance.now();
    while ((await useKey(pair.b.app, key)).status !== 200) {
      if (performance.now() - started > 1000) assert.fail('B still refuses the key 1 s after the owner was enabled');
      await sleep(20);
    }
    // Disabling again revokes the key (and B drops its cached acceptance).
    await pair.database.db.query('UPDATE fraiseql_auth.users SET disabled = true WHERE subject = $1', [subject]);
    await untilRefused(pair.b.app, key, 1000);
  });

  test("a role taken from the owner on the shared database narrows the key, cached on B, within one second", async () => {
    const subject = randomUUID();
    await pair.database.db.query("INSERT INTO fraiseql_auth.users (username, subject, role) VALUES ($1, $2, 'reader')", [
      `grants-${subject.slice(0, 8)}`,
      subject,
    ]);
    const key = await keyOf(pair.a.app, subject);
    assert.equal((await useKey(pair.b.app, key)).status, 200, 'B accepts (and caches) the key first');
    await pair.database.db.query('UPDATE fraiseql_auth.users SET role = NULL WHERE subject = $1', [subject]);
    const started = performance.now();
    for (;;) {
      const reply = await useKey(pair.b.app, key);
      if (reply.status === 403) {
        assert.match(reply.text, /Insufficient scope/);
        break;
      }
      assert.equal(reply.status, 200, reply.text);
      if (performance.now() - started > 1000) assert.fail('B still grants read:posts 1 s after the owner lost it');
      await sleep(20);
    }
  });
});
