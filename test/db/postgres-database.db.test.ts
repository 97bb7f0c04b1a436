import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import pg from 'pg';

import { isDatabaseError } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPostgresDatabase } from '../../src/db/postgres-database.ts';
import { checkRequestRoles } from '../../src/db/request-roles.ts';
import { testDatabaseUrl } from '../support/test-database.ts';

const serverUrl = testDatabaseUrl();

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe(
  'PostgreSQL with a non-superuser login',
  { skip: serverUrl === undefined ? 'needs FRAISEQL_TEST_DATABASE_URL' : false },
  () => {
    test('migrate lets the login switch to the roles it creates, and RLS applies', async () => {
      const suffix = randomBytes(3).toString('hex');
      const login = `fq_login_${suffix}`;
      const database = `fq_db_${suffix}`;
      const roles = { anon: `fq_anon_${suffix}`, authenticated: `fq_auth_${suffix}` };
      await admin(`CREATE ROLE ${login} LOGIN CREATEROLE`);
      await admin(`CREATE DATABASE ${database} OWNER ${login}`);
      const url = new URL(serverUrl ?? '');
      url.username = login;
      url.password = '';
      url.pathname = `/${database}`;
      const db = await openPostgresDatabase({ url: url.toString(), poolMax: 2 });
      try {
        await migrate(db, { roles });
        await checkRequestRoles(db, roles);
        await db.exec(`
        CREATE TABLE tb_item (owner text NOT NULL, name text NOT NULL);
        INSERT INTO tb_item VALUES ('a', 'a1'), ('b', 'b1');
        ALTER TABLE tb_item ENABLE ROW LEVEL SECURITY;
        ALTER TABLE tb_item FORCE ROW LEVEL SECURITY;
        CREATE POLICY own ON tb_item USING (owner = nullif(current_setting('app.user_id', true), ''));
        GRANT SELECT ON tb_item TO ${roles.authenticated};`);
        const [result] = await db.runInRequestTransaction(
          { role: roles.authenticated, settings: { 'app.user_id': 'a' } },
          [
            {
              text: 'SELECT current_user AS who, array_agg(name) AS names FROM tb_item',
              values: [],
            },
          ],
        );
        assert.deepEqual(result?.rows, [{ who: roles.authenticated, names: ['a1'] }]);
        // The login role owns the table, but FORCE makes the policy apply to it too.
        const own = await db.query<{ n: string }>('SELECT count(*) AS n FROM tb_item');
        assert.equal(own.rows[0]?.n, '0');
      } finally {
        await db.close();
        await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin(`DROP ROLE IF EXISTS ${roles.anon}, ${roles.authenticated}, ${login}`);
      }
    });

    test('a connection killed mid-request is discarded and the next request works', async () => {
      const db = await openPostgresDatabase({ url: serverUrl ?? '', poolMax: 1 });
      try {
        const running = db
          .runInRequestTransaction(
            { role: 'fraiseql_authenticated', settings: { 'app.user_id': 'x' } },
            [{ text: 'SELECT pg_sleep(5)', values: [] }],
          )
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        await new Promise((resolve) => setTimeout(resolve, 300));
        await admin(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'fraiseql-ts' AND query LIKE '%pg_sleep(5)%' AND pid <> pg_backend_pid()`,
        );
        const error = await running;
        assert.ok(error instanceof Error, 'the request failed');
        assert.ok(!isDatabaseError(error) || error.code === '57P01', String(error));

        const [result] = await db.runInRequestTransaction(
          { role: 'fraiseql_authenticated', settings: { 'app.user_id': 'y' } },
          [{ text: "SELECT current_setting('app.user_id') AS user_id", values: [] }],
        );
        assert.deepEqual(result?.rows, [{ user_id: 'y' }]);
      } finally {
        await db.close();
      }
    });
  },
);
