/**
 * A revocation lasts as long as the token it revokes could still be accepted, through the real
 * server and its scheduled cleanup (every second here). Time is moved on by moving every
 * revocation back (`age`), since tokens carry their own iat and exp:
 * - without `[auth] max_token_lifetime_seconds`, and with a short
 *   `revoke_all_retention_seconds` (no longer used), a logout of a token without exp and a
 *   revoke-all covering a token issued days ago for a week stay refused long after cleanup ran;
 * - with a bound of two days, cleanup deletes a revoke-all and a bare-jti revocation once that
 *   bound (plus the clock leeways) has passed, and not before.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { SignJWT } from 'jose';

import { tokenRevoke } from '../../src/cli/commands/token-revoke.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { revocationLifetimeOf } from '../../src/sessions/revocation-lifetime.ts';
import { RevocationStore } from '../../src/sessions/revocation-store.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { TokenRevoker } from '../../src/sessions/token-revoker.ts';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/test-server.ts';
import { claimsOf, graphql, post, refusal } from './support/auth-client.ts';
import { blogWith, type BlogProject } from './support/blog-with.ts';

const QUERY = '{ posts { title } }';
const DAY = 86_400;

/** A token of an identity provider (no session of ours) issued `issuedSecondsAgo`, with or without exp. */
function tokenIssued(subject: string, options: { issuedSecondsAgo: number; lifetimeSeconds?: number }): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) - options.issuedSecondsAgo;
  return new SignJWT({
    aud: 'fraiseql-api',
    jti: randomUUID(),
    sub: subject,
    scopes: ['read:posts'],
    iat,
    ...(options.lifetimeSeconds === undefined ? {} : { exp: iat + options.lifetimeSeconds }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

/**
 * One server on the blog with extra `[auth]` and `[revocation]` lines, asking the store on every
 * request (no cache) and running its cleanup job every second.
 */
class Setup {
  project!: BlogProject;
  server!: TestServer;

  constructor(private readonly extra: { auth?: string; revocation?: string }) {}

  async start(): Promise<void> {
    const revocation = ['[revocation]', 'cache_seconds = 0', 'cleanup_interval_seconds = 1', this.extra.revocation ?? ''];
    this.project = blogWith([this.extra.auth ?? '', ...revocation].join('\n'));
    this.server = await startTestServer({ projectDir: this.project.dir });
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.project?.remove();
  }

  async status(token: string): Promise<number> {
    return (await graphql(this.server.app, QUERY, token)).status;
  }

  async assertRevoked(token: string, what: string): Promise<void> {
    const reply = await graphql(this.server.app, QUERY, token);
    assert.deepEqual(refusal(reply), { status: 401, message: 'Token has been revoked', reason: 'TOKEN_REVOKED' }, what);
  }

  /** Moves every revocation back by `interval`, as if that much time had passed since it was made. */
  async age(interval: string): Promise<void> {
    const db = this.server.database.db;
    await db.query(
      `UPDATE fraiseql_auth.revoked_tokens
          SET revoked_at = revoked_at - $1::interval, expires_at = expires_at - $1::interval`,
      [interval],
    );
    await db.query(
      `UPDATE fraiseql_auth.revoked_users
          SET revoked_before = revoked_before - $1::interval, expires_at = expires_at - $1::interval`,
      [interval],
    );
  }

  /** Waits for the server's cleanup job to run: it deletes an already expired revocation. */
  async cleanupRan(): Promise<void> {
    const db = this.server.database.db;
    const canary = `canary-${randomUUID()}`;
    await db.query(
      "INSERT INTO fraiseql_auth.revoked_tokens (token_id, expires_at) VALUES ($1, now() - interval '1 second')",
      [canary],
    );
    for (let waited = 0; waited < 5000; waited += 100) {
      const left = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM fraiseql_auth.revoked_tokens WHERE token_id = $1',
        [canary],
      );
      if (left.rows[0]?.n === 0) return;
      await sleep(100);
    }
    assert.fail('the cleanup job did not run within 5 s');
  }

  async rows(): Promise<{ tokens: string[]; users: string[] }> {
    const db = this.server.database.db;
    const tokens = await db.query<{ id: string }>('SELECT token_id AS id FROM fraiseql_auth.revoked_tokens ORDER BY 1');
    const users = await db.query<{ id: string }>('SELECT subject AS id FROM fraiseql_auth.revoked_users ORDER BY 1');
    return { tokens: tokens.rows.map((row) => row.id), users: users.rows.map((row) => row.id) };
  }
}

describe('without [auth] max_token_lifetime_seconds', () => {
  // A retention an hour long, shorter than the tokens below live: it no longer decides anything.
  const setup = new Setup({ revocation: 'revoke_all_retention_seconds = 3600' });
  before(() => setup.start());
  after(() => setup.stop());

  test('a logged-out token without exp and a revoke-all covering a week-long token stay refused after cleanup', async () => {
    const noExpiry = await tokenIssued(randomUUID(), { issuedSecondsAgo: 3 * DAY });
    const weekLong = await tokenIssued(randomUUID(), { issuedSecondsAgo: 3 * DAY, lifetimeSeconds: 7 * DAY });
    assert.equal(await setup.status(noExpiry), 200, 'development accepts a token without exp');
    assert.equal(await setup.status(weekLong), 200);

    assert.equal((await post(setup.server.app, '/auth/logout', undefined, { token: noExpiry })).status, 200);
    assert.equal((await post(setup.server.app, '/auth/revoke-all', {}, { token: weekLong })).status, 200);
    await setup.assertRevoked(noExpiry, 'logged out');
    await setup.assertRevoked(weekLong, 'revoked with its subject');

    // Two days on: past the retention (an hour) and the former default (a day).
    await setup.age('2 days');
    await setup.cleanupRan();
    await setup.assertRevoked(noExpiry, 'still refused after cleanup');
    await setup.assertRevoked(weekLong, 'still refused after cleanup');
    const rows = await setup.rows();
    assert.deepEqual(rows.tokens, [String(claimsOf(noExpiry)['jti'])]);
    assert.deepEqual(rows.users, [String(claimsOf(weekLong)['sub'])]);
  });
});

describe('with [auth] max_token_lifetime_seconds = 172800 (two days)', () => {
  const setup = new Setup({ auth: 'max_token_lifetime_seconds = 172800' });
  before(() => setup.start());
  after(() => setup.stop());

  test('cleanup deletes a revoke-all and a bare-jti revocation once that bound has passed, not before', async () => {
    // Issued before the instant the revoke-all is moved back to below (36 hours), still valid.
    const issued = { issuedSecondsAgo: 37 * 3600, lifetimeSeconds: 2 * DAY };
    const revokedById = await tokenIssued(randomUUID(), issued);
    const revokedWithSubject = await tokenIssued(randomUUID(), issued);
    assert.equal(await setup.status(revokedById), 200);
    assert.equal(await setup.status(revokedWithSubject), 200);

    // `token revoke <jti>`: what the CLI builds (sessions-database.ts), on the server's database.
    const config = loadConfig({ dir: setup.project.dir, env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET } });
    const revoker = new TokenRevoker({
      revocations: new RevocationStore(setup.server.database.db, revocationLifetimeOf(config)),
      sessions: new SessionStore(setup.server.database.db),
      onRevoked: () => undefined,
    });
    const jti = String(claimsOf(revokedById)['jti']);
    const output: string[] = [];
    await tokenRevoke(revoker, { target: jti }, (text) => void output.push(text));
    const until = /refused until (\S+Z) /.exec(output.join(''))?.[1];
    assert.ok(until !== undefined, output.join(''));
    const expected = Date.now() + (2 * DAY + 600) * 1000;
    assert.ok(Math.abs(Date.parse(until) - expected) < 5000, `until ${until}: two days and twice the leeway from now`);
    assert.equal((await post(setup.server.app, '/auth/revoke-all', {}, { token: revokedWithSubject })).status, 200);
    const subject = String(claimsOf(revokedWithSubject)['sub']);

    // A day and a half on, within the bound: kept.
    await setup.age('36 hours');
    await setup.cleanupRan();
    await setup.assertRevoked(revokedById, 'still within the bound');
    await setup.assertRevoked(revokedWithSubject, 'still within the bound');
    assert.deepEqual(await setup.rows(), { tokens: [jti], users: [subject] });

    // Two days and eleven minutes on: every token either refuses has expired, leeways included.
    await setup.age('12 hours 11 minutes');
    await setup.cleanupRan();
    assert.deepEqual(await setup.rows(), { tokens: [], users: [] });
  });
});
