/**
 * Two servers on one database: a revocation made on one is enforced by the other within a
 * second, although the other had just accepted (and cached) the token; sessions started on one
 * refresh on the other. On PostgreSQL the two have separate pools and LISTEN connections.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import type { FastifyInstance } from 'fastify';

import { graphql, login, post, refusal, type Tokens } from './support/auth-client.ts';
import { startServerPair, type ServerPair } from './support/server-pair.ts';

const QUERY = '{ posts { title } }';
let pair: ServerPair;

before(async () => {
  pair = await startServerPair({ projectDir: 'examples/blog' });
});
after(async () => {
  await pair?.close();
});

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

describe('revocation across instances', () => {
  test('a logout on A is refused on B within one second', async () => {
    const tokens = await login(pair.a.app, 'alice', ['read:posts']);
    const accepted = await graphql(pair.b.app, QUERY, tokens.access_token);
    assert.equal(accepted.status, 200, 'B accepts (and caches) the token first');

    const logout = await post(pair.a.app, '/auth/logout', undefined, { token: tokens.access_token });
    assert.equal(logout.status, 200, logout.text);
    const elapsed = await untilRevoked(pair.b.app, tokens.access_token, 1000);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });

  test('a revoke-all on B is refused on A within one second', async () => {
    const tokens = await login(pair.a.app, 'bob');
    assert.equal((await graphql(pair.a.app, QUERY, tokens.access_token)).status, 200);
    const reply = await post(pair.b.app, '/auth/revoke-all', {}, { token: tokens.access_token });
    assert.equal(reply.status, 200, reply.text);
    await untilRevoked(pair.a.app, tokens.access_token, 1000);
  });

  test('a revocation written in SQL (the spec page way) reaches both within one second', async () => {
    const tokens = await login(pair.a.app, 'carol');
    for (const app of [pair.a.app, pair.b.app]) assert.equal((await graphql(app, QUERY, tokens.access_token)).status, 200);
    const jti = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string };
    await pair.database.db.query(
      "INSERT INTO fraiseql_auth.revoked_tokens (token_id, expires_at) VALUES ($1, now() + interval '1 hour')",
      [jti.jti],
    );
    await untilRevoked(pair.a.app, tokens.access_token, 1000);
    await untilRevoked(pair.b.app, tokens.access_token, 1000);
  });

  test('a session started on A refreshes on B, and reuse on A after that is detected', async () => {
    const first = await login(pair.a.app, 'bob');
    const refreshed = await post(pair.b.app, '/auth/refresh', { refresh_token: first.refresh_token });
    assert.equal(refreshed.status, 200, refreshed.text);
    const next = refreshed.json as unknown as Tokens;
    assert.equal((await graphql(pair.a.app, QUERY, next.access_token)).status, 200);
    const replay = await post(pair.a.app, '/auth/refresh', { refresh_token: first.refresh_token });
    assert.equal(refusal(replay).reason, 'REFRESH_TOKEN_REUSED');
    await untilRevoked(pair.b.app, next.access_token, 1000);
  });
});
