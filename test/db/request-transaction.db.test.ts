import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { isDatabaseError, type RequestContext } from '../../src/db/database.ts';
import { toPublicError } from '../../src/db/map-database-error.ts';
import { InvalidRequestSettingError } from '../../src/db/request-settings.ts';
import {
  createTestDatabase,
  TEST_ROLES,
  testEngine,
  type TestDatabase,
} from '../support/test-database.ts';

const FIXTURE = `
CREATE TABLE tb_note (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id text NOT NULL,
  body text NOT NULL,
  big bigint NOT NULL DEFAULT 9007199254740993
);
ALTER TABLE tb_note ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_note FORCE ROW LEVEL SECURITY;
CREATE POLICY note_owner ON tb_note
  USING (owner_id = nullif(current_setting('app.user_id', true), ''))
  WITH CHECK (owner_id = nullif(current_setting('app.user_id', true), ''));
GRANT SELECT, INSERT ON tb_note TO ${TEST_ROLES.authenticated};
CREATE VIEW v_note WITH (security_invoker = true) AS
  SELECT id, owner_id, jsonb_build_object('id', id, 'body', body) AS data FROM tb_note;
GRANT SELECT ON v_note TO ${TEST_ROLES.authenticated}, ${TEST_ROLES.anon};
INSERT INTO tb_note (owner_id, body) VALUES ('alice', 'a1'), ('alice', 'a2'), ('bob', 'b1');
`;

const asUser = (userId: string, extra: Record<string, string> = {}): RequestContext => ({
  role: TEST_ROLES.authenticated,
  settings: { 'app.user_id': userId, ...extra },
});

const WHO = {
  text: `SELECT current_user AS role, current_setting('app.user_id', true) AS user_id,
                (SELECT string_agg(DISTINCT owner_id, ',') FROM tb_note) AS owners,
                (SELECT count(*) FROM v_note) AS visible`,
  values: [],
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the promise to reject');
}

describe(`request transactions (${testEngine()})`, () => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase({ poolMax: 2 });
    await database.db.exec(FIXTURE);
  });
  after(async () => {
    await database.close();
  });

  test('the role switch makes row-level security apply, also for a superuser login', async () => {
    const [alice] = await database.db.runInRequestTransaction(asUser('alice'), [WHO]);
    const [bob] = await database.db.runInRequestTransaction(asUser('bob'), [WHO]);
    assert.deepEqual(alice?.rows, [
      { role: TEST_ROLES.authenticated, user_id: 'alice', owners: 'alice', visible: '2' },
    ]);
    assert.deepEqual(bob?.rows, [
      { role: TEST_ROLES.authenticated, user_id: 'bob', owners: 'bob', visible: '1' },
    ]);
    // The login role (a superuser on both engines here) sees every row: the switch is what counts.
    const all = await database.db.query<{ n: string }>('SELECT count(*) AS n FROM tb_note');
    assert.equal(all.rows[0]?.n, '3');
  });

  test('the anonymous role gets only its grants', async () => {
    const error = await rejection(
      database.db.runInRequestTransaction({ role: TEST_ROLES.anon, settings: {} }, [
        { text: 'SELECT count(*) AS n FROM v_note', values: [] },
      ]),
    );
    assert.ok(isDatabaseError(error));
    assert.equal(error.code, '42501');
    assert.equal(toPublicError(error, { production: true }).code, 'FORBIDDEN');
  });

  test('results keep statement order, field order, and int8 comes back as text', async () => {
    const results = await database.db.runInRequestTransaction(asUser('alice'), [
      { text: 'SELECT big, body FROM tb_note ORDER BY body', values: [] },
      { text: 'SELECT $1::int8 AS n, ARRAY[$1::int8] AS ns', values: ['9223372036854775807'] },
    ]);
    assert.equal(results.length, 2);
    assert.deepEqual(results[0]?.fields, ['big', 'body']);
    assert.deepEqual(results[0]?.rows, [
      { big: '9007199254740993', body: 'a1' },
      { big: '9007199254740993', body: 'a2' },
    ]);
    assert.deepEqual(results[1]?.rows, [{ n: '9223372036854775807', ns: ['9223372036854775807'] }]);
  });

  test('a failing statement rolls everything back and its own error is rethrown', async () => {
    const error = await rejection(
      database.db.runInRequestTransaction(asUser('alice'), [
        { text: "INSERT INTO tb_note (owner_id, body) VALUES ('alice', 'lost')", values: [] },
        { text: 'SELECT 1 / $1::int AS boom', values: [0] },
        { text: 'SELECT 1', values: [] },
      ]),
    );
    assert.ok(isDatabaseError(error));
    assert.equal(error.code, '22012', 'the division error, not "current transaction is aborted"');
    const lost = await database.db.query("SELECT 1 FROM tb_note WHERE body = 'lost'");
    assert.equal(lost.rows.length, 0);
  });

  test('a row-level security WITH CHECK failure is a permission error and writes nothing', async () => {
    const error = await rejection(
      database.db.runInRequestTransaction(asUser('alice'), [
        { text: "INSERT INTO tb_note (owner_id, body) VALUES ('bob', 'forged')", values: [] },
      ]),
    );
    assert.ok(isDatabaseError(error));
    assert.equal(error.code, '42501');
    const forged = await database.db.query("SELECT 1 FROM tb_note WHERE body = 'forged'");
    assert.equal(forged.rows.length, 0);
  });

  test('a successful transaction commits', async () => {
    await database.db.runInRequestTransaction(asUser('carol'), [
      { text: 'INSERT INTO tb_note (owner_id, body) VALUES ($1, $2)', values: ['carol', 'kept'] },
    ]);
    const kept = await database.db.query<{ owner_id: string }>(
      "SELECT owner_id FROM tb_note WHERE body = 'kept'",
    );
    assert.deepEqual(kept.rows, [{ owner_id: 'carol' }]);
  });

  test('interleaved users on a small pool never see each other, failures in between', async () => {
    const runs = Array.from({ length: 24 }, (_, index) => {
      const user = index % 2 === 0 ? 'alice' : 'bob';
      const failing = index % 3 === 0;
      const statements = failing
        ? [WHO, { text: 'SELECT 1 / 0', values: [] }]
        : [WHO, { text: 'SELECT pg_sleep(0.005)', values: [] }, WHO];
      return database.db
        .runInRequestTransaction(asUser(user, { 'app.request_index': String(index) }), statements)
        .then(
          (results) => ({ user, failing, results, error: undefined }),
          (error: unknown) => ({ user, failing, results: undefined, error }),
        );
    });
    for (const outcome of await Promise.all(runs)) {
      if (outcome.failing) {
        assert.ok(isDatabaseError(outcome.error));
        assert.equal(outcome.error.code, '22012');
        continue;
      }
      assert.equal(outcome.error, undefined);
      for (const result of [outcome.results?.[0], outcome.results?.[2]]) {
        assert.deepEqual(result?.rows, [
          {
            role: TEST_ROLES.authenticated,
            user_id: outcome.user,
            owners: outcome.user,
            visible: outcome.user === 'alice' ? '2' : '1',
          },
        ]);
      }
    }

    // Every pooled connection is back to the login role with no setting left. Concurrent sleeps
    // make the pool hand out both of its connections.
    const probes = await Promise.all(
      [1, 2, 3, 4].map(() =>
        database.db.query<{ same: boolean; user_id: string | null; index: string | null }>(
          `SELECT current_user = session_user AS same, current_setting('app.user_id', true) AS user_id,
                  current_setting('app.request_index', true) AS index, pg_sleep(0.02)::text AS slept`,
        ),
      ),
    );
    for (const probe of probes) {
      const row = probe.rows[0];
      assert.equal(row?.same, true);
      assert.ok(
        row?.user_id === '' || row?.user_id === null,
        `user_id leaked: ${String(row?.user_id)}`,
      );
      assert.ok(row?.index === '' || row?.index === null, `setting leaked: ${String(row?.index)}`);
    }
  });

  test('a request after a failed one starts clean on the same connection', async () => {
    await rejection(
      database.db.runInRequestTransaction(asUser('alice'), [{ text: 'SELECT 1 / 0', values: [] }]),
    );
    const [result] = await database.db.runInRequestTransaction(
      { role: TEST_ROLES.authenticated, settings: {} },
      [WHO],
    );
    const row = result?.rows[0];
    assert.equal(row?.role, TEST_ROLES.authenticated);
    assert.ok(row?.user_id === '' || row?.user_id === null);
    assert.equal(row?.visible, '0');
  });

  test('refuses bad setting names, the role "none" and transaction control before any SQL', async () => {
    await assert.rejects(
      database.db.runInRequestTransaction(
        { role: TEST_ROLES.authenticated, settings: { search_path: 'evil' } },
        [WHO],
      ),
      InvalidRequestSettingError,
    );
    await assert.rejects(
      database.db.runInRequestTransaction({ role: 'none', settings: {} }, [WHO]),
      InvalidRequestSettingError,
    );
    await assert.rejects(
      database.db.runInRequestTransaction(asUser('alice'), [{ text: 'COMMIT', values: [] }]),
      /Transaction-control statements/,
    );
    await assert.rejects(database.db.query('BEGIN'), /Transaction-control statements/);
  });

  test('query() takes one statement only', async () => {
    const error = await rejection(database.db.query('SELECT 1; SELECT 2'));
    assert.ok(isDatabaseError(error));
    assert.equal(error.code, '42601');
  });

  test('exec() runs scripts, and a failed script leaves no transaction open', async () => {
    await rejection(
      database.db.exec(
        "BEGIN; INSERT INTO tb_note (owner_id, body) VALUES ('x', 'half'); SELECT 1/0; COMMIT;",
      ),
    );
    const rows = await database.db.query("SELECT 1 FROM tb_note WHERE body = 'half'");
    assert.equal(rows.rows.length, 0);
    await assert.rejects(database.db.exec('BEGIN; SELECT 1;'), /left a transaction open/);
    const [result] = await database.db.runInRequestTransaction(asUser('bob'), [WHO]);
    assert.equal(result?.rows[0]?.visible, '1');
    await database.db.ping();
  });

  test(
    'statement_timeout ends a slow request (PostgreSQL only)',
    { skip: testEngine() === 'embedded' },
    async () => {
      const error = await rejection(
        database.db.runInRequestTransaction({ ...asUser('alice'), statementTimeoutMs: 50 }, [
          { text: 'SELECT pg_sleep(2)', values: [] },
        ]),
      );
      assert.ok(isDatabaseError(error));
      assert.equal(error.code, '57014');
      assert.equal(toPublicError(error, { production: true }).code, 'TIMEOUT');
      const [result] = await database.db.runInRequestTransaction(asUser('alice'), [
        { text: "SELECT current_setting('statement_timeout') AS timeout", values: [] },
      ]);
      assert.equal(result?.rows[0]?.timeout, '0');
    },
  );
});
