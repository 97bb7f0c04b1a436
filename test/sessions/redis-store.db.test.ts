/**
 * `[revocation] store = "redis"`: two servers on one database and one throw-away redis-server.
 * A revocation on one is refused on the other within a second through Redis pub/sub (tokens
 * without a session, so no PostgreSQL notification can help); revoke-all; the keys' TTLs; the
 * CLI; and fail-closed while Redis is down. Skipped only when /usr/bin/redis-server is absent.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';

import { MAX_LEEWAY_SECONDS } from '../../src/auth/auth-options.ts';
import { tokenCleanup, tokenRevoke } from '../../src/cli/commands/token-revoke.ts';
import { ConfigError, loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/log/logger.ts';
import { RedisRevocationStore, revokedSubjectKey, revokedTokenKey } from '../../src/sessions/redis-revocation-store.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { TokenRevoker } from '../../src/sessions/token-revoker.ts';
import { TEST_JWT_SECRET } from '../support/test-server.ts';
import { claimsOf, graphql, login, post, refusal } from './support/auth-client.ts';
import { blogWith, type BlogProject } from './support/blog-with.ts';
import { createCapturingLogger, type CapturingLogger } from './support/log-capture.ts';
import { redisSkipReason, startRedisServer, type TestRedisServer } from './support/redis-server.ts';
import { startServerPair, type ServerPair } from './support/server-pair.ts';

const QUERY = '{ posts { title } }';
const skip = redisSkipReason();
const DAVE = randomUUID();
const ERIN = randomUUID();
const FRANK = randomUUID();
const GINA = randomUUID();

let redis: TestRedisServer;
let project: BlogProject;
let pair: ServerPair;
let log: CapturingLogger;
let inspect: Redis;

before(async () => {
  project = blogWith('[revocation]\nstore = "redis"');
  if (skip !== false) return;
  redis = await startRedisServer();
  log = createCapturingLogger();
  pair = await startServerPair({ projectDir: project.dir, env: { REDIS_URL: redis.url }, logger: log.logger });
  inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  inspect.on('error', () => undefined);
  await inspect.connect();
});
after(async () => {
  inspect?.disconnect();
  await pair?.close();
  await redis?.close();
  project?.remove();
});

/**
 * A token of an identity provider: a `jti` but no `sid`, so no session of ours decides it. Its
 * subject is a UUID, as the blog's views read it as one.
 */
function externalToken(subject: string): Promise<string> {
  return new SignJWT({ aud: 'fraiseql-api', jti: randomUUID(), sub: subject, scope: 'read:posts' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

/** Milliseconds until `app` refuses `token` as revoked; fails past `limitMs`. */
async function untilRevoked(app: FastifyInstance, token: string, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const reply = await graphql(app, QUERY, token);
    const elapsed = performance.now() - started;
    if (reply.status === 401) {
      assert.equal(refusal(reply).reason, 'TOKEN_REVOKED', reply.text);
      return elapsed;
    }
    assert.equal(reply.status, 200, reply.text);
    if (elapsed > limitMs) assert.fail(`still accepted ${Math.round(elapsed)} ms after the revocation`);
    await sleep(20);
  }
}

/** Polls `app` with `token` until the status is `status`; fails past `limitMs`. */
async function untilStatus(app: FastifyInstance, token: string, status: number, limitMs: number) {
  const started = performance.now();
  for (;;) {
    const reply = await graphql(app, QUERY, token);
    if (reply.status === status) return reply;
    if (performance.now() - started > limitMs) assert.fail(`still ${reply.status} after ${limitMs} ms: ${reply.text}`);
    await sleep(50);
  }
}

async function revokedRowsInPostgres(tokenId: string): Promise<number> {
  const result = await pair.database.db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM fraiseql_auth.revoked_tokens WHERE token_id = $1',
    [tokenId],
  );
  return Number(result.rows[0]?.n);
}

describe('the Redis revocation store', { skip }, () => {
  test('a logout on A is refused on B within one second through Redis; the key lives until exp + the maximum leeway', async () => {
    const token = await externalToken(DAVE);
    const first = await graphql(pair.b.app, QUERY, token);
    assert.equal(first.status, 200, `B accepts (and caches) the token first: ${first.text}`);

    const logout = await post(pair.a.app, '/auth/logout', undefined, { token });
    assert.equal(logout.status, 200, logout.text);
    const elapsed = await untilRevoked(pair.b.app, token, 1000);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);

    const { jti, exp } = claimsOf(token) as { jti: string; exp: number };
    const ttl = await inspect.pttl(revokedTokenKey(jti));
    const expected = (exp + MAX_LEEWAY_SECONDS) * 1000 - Date.now();
    assert.ok(Math.abs(ttl - expected) < 3000, `TTL ${ttl} ms, expected about ${expected} ms`);
    assert.equal(await revokedRowsInPostgres(jti), 0, 'nothing was written to revoked_tokens');
  });

  test('a logout of a token without exp keeps its key for good (no TTL)', async () => {
    const token = await new SignJWT({ aud: 'fraiseql-api', jti: randomUUID(), sub: GINA, scope: 'read:posts' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    assert.equal((await graphql(pair.a.app, QUERY, token)).status, 200, 'development accepts a token without exp');
    assert.equal((await post(pair.a.app, '/auth/logout', undefined, { token })).status, 200);
    await untilRevoked(pair.b.app, token, 1000);
    const { jti } = claimsOf(token) as { jti: string };
    assert.equal(await inspect.pttl(revokedTokenKey(jti)), -1);
  });

  test('under [auth] max_token_lifetime_seconds the keys live that long past the revocation, and are never shortened', async () => {
    const hour = 3600;
    const store = await RedisRevocationStore.connect({
      url: redis.url,
      database: pair.database.db,
      logger: createLogger({ level: 'silent' }),
      lifetime: { maxTokenLifetimeSeconds: hour },
    });
    try {
      const revoker = new TokenRevoker({ revocations: store, sessions: new SessionStore(pair.database.db), onRevoked: () => undefined });
      const subject = randomUUID();
      await revoker.revokeAll(subject, 'test');
      const subjectTtl = await inspect.pttl(revokedSubjectKey(subject));
      assert.ok(Math.abs(subjectTtl - (hour + MAX_LEEWAY_SECONDS) * 1000) < 3000, `revoke-all TTL ${subjectTtl} ms`);

      const jti = randomUUID();
      await revoker.revokeTokenId(jti, undefined, undefined, 'test');
      const jtiTtl = await inspect.pttl(revokedTokenKey(jti));
      assert.ok(Math.abs(jtiTtl - (hour + 2 * MAX_LEEWAY_SECONDS) * 1000) < 3000, `bare jti TTL ${jtiTtl} ms`);

      // A key kept for good (written while no bound was configured) stays so.
      const kept = randomUUID();
      await store.revokeToken(kept, 'never', undefined, 'test');
      await revoker.revokeTokenId(kept, new Date(Date.now() + 60_000), undefined, 'test');
      assert.equal(await inspect.pttl(revokedTokenKey(kept)), -1);
    } finally {
      await store.close();
    }
  });

  test('a logout of a session token on A is refused on B within one second', async () => {
    const tokens = await login(pair.a.app, 'alice', ['read:posts']);
    assert.equal((await graphql(pair.b.app, QUERY, tokens.access_token)).status, 200);
    assert.equal((await post(pair.a.app, '/auth/logout', undefined, { token: tokens.access_token })).status, 200);
    await untilRevoked(pair.b.app, tokens.access_token, 1000);
    const refreshed = await post(pair.b.app, '/auth/refresh', { refresh_token: tokens.refresh_token });
    assert.notEqual(refreshed.status, 200, 'the session (in PostgreSQL) ended with it');
  });

  test('a revoke-all on B is refused on A within one second, with and without a session; its key has no TTL', async () => {
    const external = await externalToken(ERIN);
    assert.equal((await graphql(pair.a.app, QUERY, external)).status, 200);
    const reply = await post(pair.b.app, '/auth/revoke-all', {}, { token: external });
    assert.equal(reply.status, 200, reply.text);
    await untilRevoked(pair.a.app, external, 1000);
    // No [auth] max_token_lifetime_seconds: a token issued before it may live any time.
    assert.equal(await inspect.pttl(revokedSubjectKey(ERIN)), -1, 'kept for good');
    const before = Number(await inspect.get(revokedSubjectKey(ERIN)));
    assert.ok(Math.abs(before * 1000 - Date.now()) < 5000, `revoked-before ${before} is about now`);

    const session = await login(pair.a.app, 'bob');
    assert.equal((await graphql(pair.a.app, QUERY, session.access_token)).status, 200);
    assert.equal((await post(pair.b.app, '/auth/revoke-all', {}, { token: session.access_token })).status, 200);
    await untilRevoked(pair.a.app, session.access_token, 1000);
    const again = await login(pair.a.app, 'bob');
    assert.equal((await graphql(pair.b.app, QUERY, again.access_token)).status, 200, 'a login after the revoke-all works');
  });

  test('token revoke (CLI) writes to Redis, and token cleanup says Redis has nothing to delete', async () => {
    const token = await externalToken(FRANK);
    for (const app of [pair.a.app, pair.b.app]) assert.equal((await graphql(app, QUERY, token)).status, 200);
    const store = await RedisRevocationStore.connect({
      url: redis.url,
      database: pair.database.db,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const revoker = new TokenRevoker({
        revocations: store,
        sessions: new SessionStore(pair.database.db),
        onRevoked: () => undefined,
      });
      const output: string[] = [];
      assert.equal(await tokenRevoke(revoker, { target: token }, (text) => output.push(text)), 0);
      await untilRevoked(pair.a.app, token, 1000);
      await untilRevoked(pair.b.app, token, 1000);
      const { jti } = claimsOf(token) as { jti: string };
      assert.ok((await inspect.pttl(revokedTokenKey(jti))) > 0, 'the key has a TTL');

      assert.equal(await tokenCleanup(store, (text) => output.push(text)), 0);
      assert.match(output.join(''), /Nothing to delete in Redis: .*expire there on their own \(TTL\)/);
    } finally {
      await store.close();
    }
  });

  test('while Redis is down a request with a token is refused with 503 and an error log, and accepted once it is back', async () => {
    const tokens = await login(pair.a.app, 'carol');
    assert.equal((await graphql(pair.a.app, QUERY, tokens.access_token)).status, 200, 'cached on A');

    await redis.stop();
    try {
      const reply = await untilStatus(pair.a.app, tokens.access_token, 503, 2000);
      assert.deepEqual(refusal(reply), {
        status: 503,
        message:
          'Revocation store unavailable: the server cannot tell whether this token has been revoked. Try again shortly.',
        reason: 'REVOCATION_UNAVAILABLE',
      });
      assert.equal(reply.json.data, undefined, 'nothing was executed');
      assert.notEqual((await graphql(pair.a.app, QUERY)).status, 503, 'anonymous requests do not need the store');
    } finally {
      await redis.start();
    }
    await untilStatus(pair.a.app, tokens.access_token, 200, 5000);

    const errors = log.lines.filter((line) => line.level === 'error');
    assert.ok(errors.some((line) => /revocation store cannot be reached.*refused/.test(line.msg ?? '')), JSON.stringify(errors));
    assert.ok(errors.some((line) => /Lost the connection to the Redis revocation store at redis:\/\/127\.0\.0\.1:\d+\/0/.test(line.msg ?? '')));
    assert.ok(!JSON.stringify(log.lines).includes(redis.password), 'the Redis password is never logged');
  });

  test('an unreachable Redis refuses the start, naming the server but not its password', async () => {
    const capture = createCapturingLogger();
    await assert.rejects(
      RedisRevocationStore.connect({
        url: 'redis://:hunter2-secret@127.0.0.1:1/0',
        database: pair.database.db,
        logger: capture.logger,
      }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /Redis revocation store at redis:\/\/127\.0\.0\.1:1\/0 cannot be reached/.test(error.message) &&
        !error.message.includes('hunter2-secret'),
    );
    assert.ok(!JSON.stringify(capture.lines).includes('hunter2-secret'));
  });
});

describe('configuring the Redis store', () => {
  test('store = "redis" without REDIS_URL is refused with a message that says what to set', () => {
    assert.throws(
      () => loadConfig({ dir: project.dir, env: { JWT_SECRET: TEST_JWT_SECRET } }),
      (error: unknown) =>
        error instanceof ConfigError && /store = "redis" needs the Redis server: set REDIS_URL/.test(error.message),
    );
  });

  test('a REDIS_URL that is not a redis:// URL is refused without repeating it', () => {
    assert.throws(
      () => loadConfig({ dir: project.dir, env: { JWT_SECRET: TEST_JWT_SECRET, REDIS_URL: 'http://user:hunter2-secret@127.0.0.1:6379' } }),
      (error: unknown) =>
        error instanceof ConfigError && /scheme "http:"/.test(error.message) && !error.message.includes('hunter2-secret'),
    );
  });
});
