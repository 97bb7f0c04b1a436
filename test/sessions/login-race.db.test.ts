/**
 * A login in flight cannot outlive a password change or a disabling made while argon2id checks
 * its password: the session is written only if, under a lock on the user's row, the user still
 * has the hash that was verified and is not disabled (SessionStore.start). Deterministic tests
 * make the change land inside the password check; on PostgreSQL, two more hold one side's
 * transaction open to show that the other waits, and a race of logins against the admin routes
 * (the penetration test's reproduction) checks that no session made with the old password stays.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import pg from 'pg';

import type { Database, QueryResult } from '../../src/db/database.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { createLogger } from '../../src/log/logger.ts';
import type { AccessTokenMinter } from '../../src/sessions/access-token-minter.ts';
import { createPasswordHasher, type PasswordHasher } from '../../src/sessions/password-hasher.ts';
import { SessionIssuer } from '../../src/sessions/session-issuer.ts';
import type { SessionSettings } from '../../src/sessions/session-settings.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { UserStore } from '../../src/sessions/user-store.ts';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { DEMO_PASSWORD, login, post, type Reply } from './support/auth-client.ts';

const OLD_PASSWORD = 'old-password-of-the-racer';
const NEW_PASSWORD = 'new-password-of-the-racer';

/** The issuer needs a minter and settings; only the refresh lifetime is read here. */
const minter: AccessTokenMinter = {
  mint: async () => ({ token: 'access-token', tokenId: 'jti', expiresAt: 0, expiresIn: 3600 }),
};
const settings: SessionSettings = {
  signingKey: new Uint8Array(32),
  issuer: 'fraiseql-ts',
  grantClaims: { scopes: 'scopes', roles: 'roles' },
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 3600,
  adminScope: 'fraiseql:admin',
  adminApi: false,
  graphqlMutation: false,
};

describe('a change made while the password is being checked refuses the login', () => {
  let database: TestDatabase;
  let users: UserStore;
  let sessions: SessionStore;
  let hasher: PasswordHasher;
  let serial = 0;

  before(async () => {
    database = await createTestDatabase();
    users = new UserStore(database.db);
    sessions = new SessionStore(database.db);
    hasher = await createPasswordHasher();
  });
  after(async () => {
    await database?.close();
  });

  /** A new user with OLD_PASSWORD; returns its username and id. */
  async function addUser(): Promise<{ username: string; id: string }> {
    serial += 1;
    const created = await users.create({ username: `racer-${serial}`, passwordHash: await hasher.hash(OLD_PASSWORD) });
    return { username: created.username ?? '', id: created.id };
  }

  /** An issuer whose password check runs `change` after argon2id has said the password matches. */
  function issuerChangingDuringCheck(change: () => Promise<unknown>): SessionIssuer {
    const changing: PasswordHasher = {
      hash: (password) => hasher.hash(password),
      verifyDummy: (password) => hasher.verifyDummy(password),
      verify: async (stored, password) => {
        const matches = await hasher.verify(stored, password);
        await change();
        return matches;
      },
    };
    return new SessionIssuer({ users, sessions, hasher: changing, minter, settings, logger: createLogger({ level: 'silent' }) });
  }

  async function sessionsOf(userId: string): Promise<number> {
    const result = await database.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM fraiseql_auth.sessions WHERE user_id = $1::bigint',
      [userId],
    );
    return Number(result.rows[0]?.n);
  }

  async function refusalOf(attempt: Promise<unknown>): Promise<PublicError> {
    try {
      await attempt;
    } catch (error) {
      if (error instanceof PublicError) return error;
      throw error;
    }
    assert.fail('the login was accepted');
  }

  test('without a change the login starts a session (the control)', async () => {
    const user = await addUser();
    const issuer = issuerChangingDuringCheck(async () => undefined);
    const tokens = await issuer.login({ username: user.username, password: OLD_PASSWORD });
    assert.match(tokens.refresh_token, /^rt_/);
    assert.equal(await sessionsOf(user.id), 1);
  });

  test('a password set during the check: 401 Invalid username or password, and no session', async () => {
    const user = await addUser();
    const issuer = issuerChangingDuringCheck(async () => users.setPasswordHash(user.username, await hasher.hash(NEW_PASSWORD)));
    const refusal = await refusalOf(issuer.login({ username: user.username, password: OLD_PASSWORD }));
    assert.deepEqual([refusal.status, refusal.reason], [401, 'INVALID_CREDENTIALS']);
    assert.equal(refusal.message, 'Invalid username or password');
    assert.equal(await sessionsOf(user.id), 0);
  });

  test('a password set in SQL during the check (any new hash) refuses it the same way', async () => {
    const user = await addUser();
    const issuer = issuerChangingDuringCheck(() =>
      database.db.query("UPDATE fraiseql_auth.users SET password_hash = 'set-elsewhere' WHERE id = $1::bigint", [user.id]),
    );
    const refusal = await refusalOf(issuer.login({ username: user.username, password: OLD_PASSWORD }));
    assert.deepEqual([refusal.status, refusal.reason], [401, 'INVALID_CREDENTIALS']);
    assert.equal(await sessionsOf(user.id), 0);
  });

  test('a disabling during the check: 403 This account is disabled, and no session', async () => {
    const user = await addUser();
    const issuer = issuerChangingDuringCheck(() => users.setDisabled(user.username, true));
    const refusal = await refusalOf(issuer.login({ username: user.username, password: OLD_PASSWORD }));
    assert.deepEqual([refusal.status, refusal.reason], [403, 'ACCOUNT_DISABLED']);
    assert.equal(refusal.message, 'This account is disabled');
    assert.equal(await sessionsOf(user.id), 0);
  });

  test('a user deleted during the check: 401 Invalid username or password', async () => {
    const user = await addUser();
    const issuer = issuerChangingDuringCheck(() =>
      database.db.query('DELETE FROM fraiseql_auth.users WHERE id = $1::bigint', [user.id]),
    );
    const refusal = await refusalOf(issuer.login({ username: user.username, password: OLD_PASSWORD }));
    assert.deepEqual([refusal.status, refusal.reason], [401, 'INVALID_CREDENTIALS']);
  });

  test('SessionStore.start refuses a hash that is no longer the user’s, and starts with the current one', async () => {
    const user = await addUser();
    const verified = (await users.findByUsername(user.username))?.passwordHash;
    assert.ok(typeof verified === 'string');
    const current = await hasher.hash(NEW_PASSWORD);
    await users.setPasswordHash(user.username, current);
    const start = (verifiedPasswordHash: string) =>
      sessions.start({
        userId: user.id,
        scopes: [],
        refreshHash: randomBytes(32).toString('hex'),
        expiresAt: new Date(Date.now() + 60_000),
        verifiedPasswordHash,
      });
    assert.deepEqual(await start(verified), { started: false, refusal: 'password_changed' });
    assert.equal((await start(current)).started, true);
    await users.setDisabled(user.username, true);
    assert.deepEqual(await start(current), { started: false, refusal: 'disabled' });
  });
});

/** A `Database` on one client, so a test can hold a transaction open around a store call. */
function onClient(client: pg.Client): Database {
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  return {
    kind: 'postgres',
    async query<Row>(text: string, values: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await client.query(text, [...values]);
      return { rows: result.rows as Row[], fields: result.fields.map((field) => field.name) };
    },
    runInRequestTransaction: unused,
    exec: unused,
    listen: unused,
    ping: unused,
    close: unused,
  };
}

/** Whether `promise` is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise.then(() => undefined, () => undefined), sleep(ms, pending)])) === pending;
}

describe('on PostgreSQL, the session insert and a change of the user wait for each other', { skip: !hasPostgres() && 'needs FRAISEQL_TEST_DATABASE_URL' }, () => {
  let database: TestDatabase;
  let users: UserStore;
  let sessions: SessionStore;
  let client: pg.Client;
  let userId: string;
  let hash: string;

  before(async () => {
    database = await createTestDatabase();
    users = new UserStore(database.db);
    sessions = new SessionStore(database.db);
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await database?.close();
  });

  async function freshUser(name: string): Promise<void> {
    hash = `$argon2id$v=19$m=19456,t=2,p=1$${name}$hash`;
    const created = await users.create({ username: name, passwordHash: hash });
    userId = created.id;
  }

  const startSession = (store: SessionStore, refreshByte: string) =>
    store.start({
      userId,
      scopes: [],
      refreshHash: refreshByte.repeat(64),
      expiresAt: new Date(Date.now() + 60_000),
      verifiedPasswordHash: hash,
    });

  test('a password change not yet committed holds the session back, which is then refused', async () => {
    await freshUser('held-by-password');
    await client.query('BEGIN');
    await client.query("UPDATE fraiseql_auth.users SET password_hash = 'changed' WHERE id = $1::bigint", [userId]);
    const started = startSession(sessions, 'b');
    assert.ok(await stillPending(started, 200), 'the session insert waits for the password change');
    await client.query('COMMIT');
    assert.deepEqual(await started, { started: false, refusal: 'password_changed' });
  });

  test('a session not yet committed holds the disabling back, whose revoke-all then ends the session', async () => {
    await freshUser('held-by-login');
    await client.query('BEGIN');
    const inFlight = await startSession(new SessionStore(onClient(client)), 'c');
    assert.equal(inFlight.started, true);
    const disabled = users.setDisabled('held-by-login', true);
    assert.ok(await stillPending(disabled, 200), 'the disabling waits for the session insert');
    await client.query('COMMIT');
    await disabled;
    const live = await database.db.query(
      'SELECT 1 FROM fraiseql_auth.sessions WHERE user_id = $1::bigint AND revoked_at IS NULL',
      [userId],
    );
    assert.equal(live.rows.length, 0, 'the session begun before the disabling was committed is revoked');
  });
});

describe('logins racing the admin routes leave no session made with the old password', () => {
  let server: TestServer;
  let admin: string;

  before(async () => {
    server = await startTestServer({ projectDir: 'examples/blog' });
    admin = (await login(server.app, 'alice', ['fraiseql:admin'])).access_token;
  });
  after(async () => {
    await server?.close();
  });

  async function liveSessions(username: string): Promise<number> {
    const result = await server.database.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM fraiseql_auth.sessions s JOIN fraiseql_auth.users u ON u.id = s.user_id
        WHERE u.username = $1 AND s.revoked_at IS NULL`,
      [username],
    );
    return Number(result.rows[0]?.n);
  }

  /** Six logins with the old password, and `change` sent while they are checking it. */
  async function race(username: string, change: () => Promise<Reply>): Promise<Reply[]> {
    const created = await post(server.app, '/auth/users', { username, password: OLD_PASSWORD }, { token: admin });
    assert.equal(created.status, 201, created.text);
    const logins = Array.from({ length: 6 }, () => post(server.app, '/auth/login', { username, password: OLD_PASSWORD }));
    await sleep(20);
    const changed = await change();
    assert.equal(changed.status, 200, changed.text);
    const replies = await Promise.all(logins);
    for (const reply of replies) assert.ok([200, 401, 403].includes(reply.status), reply.text);
    return replies;
  }

  async function assertAllEnded(username: string, replies: readonly Reply[]): Promise<void> {
    assert.equal(await liveSessions(username), 0, 'no session of the old password is live');
    for (const reply of replies.filter((candidate) => candidate.status === 200)) {
      const refreshed = await post(server.app, '/auth/refresh', { refresh_token: reply.json['refresh_token'] });
      assert.equal(refreshed.status, 401, `a refresh token of the old password still works: ${refreshed.text}`);
    }
  }

  test('POST /auth/users/:username/password', async () => {
    const replies = await race('racer-password', () =>
      post(server.app, '/auth/users/racer-password/password', { password: NEW_PASSWORD }, { token: admin }),
    );
    await assertAllEnded('racer-password', replies);
    const after = await post(server.app, '/auth/login', { username: 'racer-password', password: NEW_PASSWORD });
    assert.equal(after.status, 200, 'the new password works');
  });

  test('POST /auth/users/:username/disable', async () => {
    const replies = await race('racer-disable', () => post(server.app, '/auth/users/racer-disable/disable', undefined, { token: admin }));
    await assertAllEnded('racer-disable', replies);
  });

  test('the example users still log in with the demo password (the seeded hashes are untouched)', async () => {
    assert.equal((await post(server.app, '/auth/login', { username: 'carol', password: DEMO_PASSWORD })).status, 200);
  });
});
