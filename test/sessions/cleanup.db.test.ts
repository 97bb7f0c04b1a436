/**
 * The cleanup of the revocation store (`fraiseql-ts token cleanup` and the scheduled job):
 * it deletes only rows that can no longer refuse or refresh anything, and keeps a revoked
 * session for as long as an access token of it could still be presented.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';

import { tokenCleanup } from '../../src/cli/commands/token-revoke.ts';
import { createLogger } from '../../src/log/logger.ts';
import { startCleanupJob } from '../../src/sessions/cleanup-job.ts';
import { RevocationStore } from '../../src/sessions/revocation-store.ts';
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
    await sql(`INSERT INTO fraiseql_auth.revoked_users (subject, expires_at) VALUES
      ('expired-sub', now() - interval '1 minute'), ('live-sub', now() + interval '1 hour')`);
    await sessionOf('live-session', "now() + interval '1 day'", ["now() - interval '1 minute'", "now() + interval '1 day'"]);
    await sessionOf('long-gone', "now() - interval '2 days'", ["now() - interval '2 days'"]);

    const output: string[] = [];
    assert.equal(await tokenCleanup(new RevocationStore(database.db), (text) => output.push(text)), 0);
    assert.equal(
      output.join(''),
      'Deleted 1 expired revoked token(s), 1 expired revoke-all(s), 2 expired refresh token(s) and 1 ended session(s).\n',
    );

    assert.deepEqual(await names('SELECT token_id AS name FROM fraiseql_auth.revoked_tokens'), ['live-jti']);
    assert.deepEqual(await names('SELECT subject AS name FROM fraiseql_auth.revoked_users'), ['live-sub']);
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
