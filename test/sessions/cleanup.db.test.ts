/**
 * The cleanup of the revocation store (`fraiseql-ts token cleanup` and the scheduled job):
 * it deletes only rows that can no longer refuse or refresh anything, keeps a revoked session
 * for as long as an access token of it could still be presented, and keeps a revoke-all or a
 * revocation of unknown expiry for good unless `[auth] max_token_lifetime_seconds` bounds how
 * long the tokens they refuse can live.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';

import { tokenCleanup } from '../../src/cli/commands/token-revoke.ts';
import { createLogger } from '../../src/log/logger.ts';
import { startCleanupJob } from '../../src/sessions/cleanup-job.ts';
import { RevocationStore } from '../../src/sessions/revocation-store.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { TokenRevoker } from '../../src/sessions/token-revoker.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database?.close();
});

const sql = (text: string, values: unknown[] = []) => database.db.query(text, values);

async function names(query: string): Promise<string[]> {
  const result = await database.db.query<{ name: string }>(query);
  return result.rows.map((row) => row.name).sort();
}

/** A user with one session ending at `sessionEnds` (an SQL expression) and its refresh tokens. */
async function sessionOf(subject: string, sessionEnds: string, refreshEnds: readonly string[]): Promise<string> {
  const user = await database.db.query<{ id: string }>(
    'INSERT INTO fraiseql_auth.users (subject, username) VALUES ($1, $1) RETURNING id::text AS id',
    [subject],
  );
  const session = await database.db.query<{ family_id: string }>(
    `INSERT INTO fraiseql_auth.sessions (user_id, expires_at, revoked_at)
     VALUES ($1::bigint, ${sessionEnds}, now()) RETURNING family_id::text AS family_id`,
    [user.rows[0]?.id],
  );
  const familyId = session.rows[0]?.family_id;
  for (const [index, ends] of refreshEnds.entries()) {
    await sql(
      `INSERT INTO fraiseql_auth.refresh_tokens (token_hash, family_id, expires_at)
       VALUES (encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2::uuid, ${ends})`,
      [`${subject}-${index}`, familyId],
    );
  }
  return familyId ?? '';
}

beforeEach(async () => {
  await sql('DELETE FROM fraiseql_auth.revoked_tokens');
  await sql('DELETE FROM fraiseql_auth.revoked_users');
  await sql('DELETE FROM fraiseql_auth.users');
});

describe('token cleanup', () => {
  test('deletes only expired rows, and says how many', async () => {
    await sql(`INSERT INTO fraiseql_auth.revoked_tokens (token_id, expires_at) VALUES
      ('expired-jti', now() - interval '1 minute'), ('live-jti', now() + interval '1 hour')`);
    // Without a lifetime bound a revoke-all is never forgotten, whatever its expires_at says
    // (earlier versions wrote a retention there, and disabling a user writes a day).
    await sql(`INSERT INTO fraiseql_auth.revoked_users (subject, revoked_before, expires_at) VALUES
      ('old-sub', now() - interval '400 days', now() - interval '1 minute'), ('live-sub', now(), now() + interval '1 hour')`);
    await sessionOf('live-session', "now() + interval '1 day'", ["now() - interval '1 minute'", "now() + interval '1 day'"]);
    await sessionOf('long-gone', "now() - interval '2 days'", ["now() - interval '2 days'"]);

    const output: string[] = [];
    assert.equal(await tokenCleanup(new RevocationStore(database.db), (text) => output.push(text)), 0);
    assert.equal(
      output.join(''),
      'Deleted 1 expired revoked token(s), 0 expired revoke-all(s), 2 expired refresh token(s) and 1 ended session(s).\n',
    );

    assert.deepEqual(await names('SELECT token_id AS name FROM fraiseql_auth.revoked_tokens'), ['live-jti']);
    assert.deepEqual(await names('SELECT subject AS name FROM fraiseql_auth.revoked_users'), ['live-sub', 'old-sub']);
    const state = await new RevocationStore(database.db).lookup({ subject: 'old-sub' });
    assert.notEqual(state.revokedBefore, null, 'a revoke-all whose expires_at has passed still refuses');
    assert.deepEqual(
      await names(
        `SELECT u.subject AS name FROM fraiseql_auth.sessions s JOIN fraiseql_auth.users u ON u.id = s.user_id`,
      ),
      ['live-session'],
    );
    const refresh = await database.db.query<{ live: boolean }>('SELECT expires_at > now() AS live FROM fraiseql_auth.refresh_tokens');
    assert.deepEqual(refresh.rows, [{ live: true }]);
  });

  test('a revoked session outlives its refresh tokens while its access tokens may still be valid', async () => {
    // Its last refresh token expired an hour ago, but an access token minted (or renewed) just
    // before that may live for up to a day (ACCESS_TOKEN_TTL at most 86400 s): deleting the
    // session would make the revocation of that token forgotten.
    const familyId = await sessionOf('recently-ended', "now() - interval '1 hour'", ["now() - interval '1 hour'"]);
    await new RevocationStore(database.db).cleanup();
    const state = await new RevocationStore(database.db).lookup({ sessionId: familyId, subject: 'recently-ended' });
    assert.equal(state.sessionRevoked, true, 'the session and its revocation are kept');
  });

  test('the SQL function fraiseql_auth.cleanup_expired_sessions() keeps every revoke-all', async () => {
    // Only the server knows how long the tokens a revoke-all refuses may live; the function
    // must not delete one by the expires_at that earlier versions and the disabling trigger wrote.
    await sql(`INSERT INTO fraiseql_auth.revoked_users (subject, revoked_before, expires_at) VALUES
      ('disabled-long-ago', now() - interval '2 days', now() - interval '1 day')`);
    await sql(`INSERT INTO fraiseql_auth.revoked_tokens (token_id, expires_at) VALUES
      ('expired-jti', now() - interval '1 minute'), ('kept-for-good', 'infinity')`);
    const counts = await database.db.query<{ revoked_tokens: string; revoked_users: string }>(
      'SELECT revoked_tokens::text, revoked_users::text FROM fraiseql_auth.cleanup_expired_sessions()',
    );
    assert.deepEqual(counts.rows, [{ revoked_tokens: '1', revoked_users: '0' }]);
    assert.deepEqual(
      await names("SELECT subject AS name FROM fraiseql_auth.revoked_users WHERE subject = 'disabled-long-ago'"),
      ['disabled-long-ago'],
    );
    assert.deepEqual(await names('SELECT token_id AS name FROM fraiseql_auth.revoked_tokens'), ['kept-for-good']);
  });

  test('the scheduled job runs on its interval', async () => {
    await sql("INSERT INTO fraiseql_auth.revoked_tokens (token_id, expires_at) VALUES ('expired-jti', now() - interval '1 minute')");
    const job = startCleanupJob(new RevocationStore(database.db), 0.05, createLogger({ level: 'silent' }));
    try {
      for (let waited = 0; waited < 5000; waited += 50) {
        if ((await names('SELECT token_id AS name FROM fraiseql_auth.revoked_tokens')).length === 0) break;
        await sleep(50);
      }
      assert.deepEqual(await names('SELECT token_id AS name FROM fraiseql_auth.revoked_tokens'), []);
    } finally {
      job.stop();
    }
  });
});

/** Moves every revocation back by `interval`, as if that much time had passed since it was made. */
async function age(interval: string): Promise<void> {
  await sql(
    `UPDATE fraiseql_auth.revoked_tokens
        SET revoked_at = revoked_at - $1::interval, expires_at = expires_at - $1::interval`,
    [interval],
  );
  await sql(
    `UPDATE fraiseql_auth.revoked_users
        SET revoked_before = revoked_before - $1::interval, expires_at = expires_at - $1::interval`,
    [interval],
  );
}

/** A revoker over a PostgreSQL store with this bound, as `token revoke` and the server build it. */
function revokerWith(maxTokenLifetimeSeconds: number | undefined): { store: RevocationStore; revoker: TokenRevoker } {
  const store = new RevocationStore(database.db, { maxTokenLifetimeSeconds });
  const revoker = new TokenRevoker({ revocations: store, sessions: new SessionStore(database.db), onRevoked: () => undefined });
  return { store, revoker };
}

describe('how long revocations are kept', () => {
  test('without [auth] max_token_lifetime_seconds, a revocation of unknown expiry and a revoke-all are kept for good', async () => {
    const { store, revoker } = revokerWith(undefined);
    assert.equal(await revoker.revokeTokenId('bare-jti', undefined, undefined, 'test'), 'never');
    await revoker.revokeAll('someone', 'test');
    const rows = await database.db.query<{ infinite: boolean }>(
      "SELECT expires_at = 'infinity' AS infinite FROM fraiseql_auth.revoked_tokens WHERE token_id = 'bare-jti'",
    );
    assert.deepEqual(rows.rows, [{ infinite: true }]);

    await age('3650 days');
    await store.cleanup();
    const state = await store.lookup({ tokenId: 'bare-jti', subject: 'someone' });
    assert.equal(state.tokenRevoked, true);
    assert.notEqual(state.revokedBefore, null);
  });

  test('under a bound, cleanup deletes them once no token they refuse can still be accepted', async () => {
    const hour = 3600;
    const { store, revoker } = revokerWith(hour);
    const end = await revoker.revokeTokenId('bare-jti', undefined, undefined, 'test');
    assert.ok(end instanceof Date);
    // The token existed at the revocation: issued at most one leeway later, living at most the
    // bound, accepted one leeway past its exp.
    assert.ok(Math.abs(end.getTime() - (Date.now() + (hour + 600) * 1000)) < 5000, end.toISOString());
    await revoker.revokeAll('someone', 'test');

    // Within the bound plus the leeways: kept.
    await age('1 hour 4 minutes');
    let counts = await store.cleanup();
    assert.deepEqual([counts.revokedTokens, counts.revokedUsers], [0, 0]);
    let state = await store.lookup({ tokenId: 'bare-jti', subject: 'someone' });
    assert.equal(state.tokenRevoked, true);
    assert.notEqual(state.revokedBefore, null);

    // Past it: a token issued before the revoke-all has expired (iat + 1 h + 5 min of leeway).
    await age('2 minutes');
    counts = await store.cleanup();
    assert.deepEqual([counts.revokedTokens, counts.revokedUsers], [0, 1]);
    // ...and one revoked by a bare jti too (1 h + twice the leeway after the revocation).
    await age('5 minutes');
    counts = await store.cleanup();
    assert.deepEqual([counts.revokedTokens, counts.revokedUsers], [1, 0]);
    state = await store.lookup({ tokenId: 'bare-jti', subject: 'someone' });
    assert.deepEqual([state.tokenRevoked, state.revokedBefore], [false, null]);
  });

  test('a bound configured later also ends revocations kept for good before it', async () => {
    await revokerWith(undefined).revoker.revokeTokenId('kept-jti', undefined, undefined, 'test');
    await revokerWith(undefined).revoker.revokeAll('kept-sub', 'test');
    await age('2 hours');
    // Every token accepted now lives at most an hour, so nothing revoked two hours ago can be.
    const counts = await revokerWith(3600).store.cleanup();
    assert.deepEqual([counts.revokedTokens, counts.revokedUsers], [1, 1]);
  });
});
