import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BUILTIN_MIGRATIONS_DIR, migrate, MigrationError } from '../../src/db/migrate.ts';
import { checkRequestRoles, RequestRoleError } from '../../src/db/request-roles.ts';
import {
  createTestDatabase,
  TEST_ROLES,
  testEngine,
  type TestDatabase,
} from '../support/test-database.ts';

/** Every built-in file, as migrate labels it (other parts of the project add their own). */
const BUILTIN = readdirSync(BUILTIN_MIGRATIONS_DIR)
  .filter((name) => name.endsWith('.sql'))
  .sort()
  .map((name) => `builtin/${name}`);

const FIRST = `-- the first file
CREATE TABLE log_order (step int NOT NULL, at timestamptz DEFAULT clock_timestamp());
CREATE FUNCTION fn_touch() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RETURN 1;
END;
$$;
-- a trailing comment without newline`;

function writeMigrations(dir: string, files: Record<string, string>): void {
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
}

async function tableExists(database: TestDatabase, name: string): Promise<boolean> {
  const result = await database.db.query<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [name],
  );
  return result.rows[0]?.found === true;
}

async function recorded(database: TestDatabase): Promise<string[]> {
  const result = await database.db.query<{ label: string }>(
    `SELECT source || '/' || name AS label FROM fraiseql.schema_migrations ORDER BY source, name`,
  );
  return result.rows.map((row) => row.label);
}

describe(`migrate (${testEngine()})`, () => {
  let database: TestDatabase;
  let dir: string;

  before(async () => {
    database = await createTestDatabase({ poolMax: 4 });
    dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-migrations-'));
  });
  after(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('applies built-in files, then project *.sql files in name order, and records them', async () => {
    writeMigrations(dir, {
      '010_later.sql': 'INSERT INTO log_order (step) VALUES (10);',
      '002_second.sql': 'INSERT INTO log_order (step) VALUES (2)', // no trailing semicolon
      '001_first.sql': FIRST,
      'README.md': 'not a migration',
    });
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', '000_ignored.sql'), 'SELECT 1/0;');

    const result = await migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES });
    assert.deepEqual(result.applied, [
      'project/001_first.sql',
      'project/002_second.sql',
      'project/010_later.sql',
    ]);
    assert.deepEqual(result.alreadyApplied, BUILTIN);
    assert.equal(BUILTIN[0], 'builtin/001_fraiseql_schema.sql');

    const steps = await database.db.query<{ step: number }>(
      'SELECT step FROM log_order ORDER BY at',
    );
    assert.deepEqual(
      steps.rows.map((row) => row.step),
      [2, 10],
    );
    assert.deepEqual(await recorded(database), [
      ...BUILTIN,
      'project/001_first.sql',
      'project/002_second.sql',
      'project/010_later.sql',
    ]);
    const checksums = await database.db.query<{ checksum: string }>(
      'SELECT checksum FROM fraiseql.schema_migrations',
    );
    for (const row of checksums.rows) assert.match(row.checksum, /^[0-9a-f]{64}$/);
  });

  test('a second run applies nothing', async () => {
    const result = await migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES });
    assert.deepEqual(result.applied, []);
    assert.equal(result.alreadyApplied.length, BUILTIN.length + 3);
    const steps = await database.db.query('SELECT step FROM log_order');
    assert.equal(steps.rows.length, 2);
  });

  test('a CRLF checkout of the same file is not a change', async () => {
    writeMigrations(dir, { '001_first.sql': FIRST.replaceAll('\n', '\r\n') });
    const result = await migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES });
    assert.deepEqual(result.applied, []);
  });

  test('refuses a recorded file whose content changed', async () => {
    writeMigrations(dir, { '002_second.sql': 'INSERT INTO log_order (step) VALUES (22);' });
    await assert.rejects(
      migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES }),
      (error) => {
        assert.ok(error instanceof MigrationError);
        assert.match(error.message, /project\/002_second\.sql/);
        assert.match(error.message, /changed after it was applied/);
        assert.match(error.message, /new migration file/);
        return true;
      },
    );
    writeMigrations(dir, { '002_second.sql': 'INSERT INTO log_order (step) VALUES (2)' });
  });

  test('a failing file is rolled back, not recorded, and stops the run', async () => {
    writeMigrations(dir, {
      '020_bad.sql':
        'CREATE TABLE half_done (a int);\nINSERT INTO half_done VALUES (1);\nSELECT 1 / 0;\n',
      '030_after.sql': 'CREATE TABLE after_bad (a int);',
    });
    await assert.rejects(
      migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES }),
      (error) => {
        assert.ok(error instanceof MigrationError);
        assert.match(error.message, /project\/020_bad\.sql/);
        assert.match(error.message, /division by zero/);
        assert.match(error.message, /Nothing from this step was applied/);
        return true;
      },
    );
    assert.equal(await tableExists(database, 'half_done'), false);
    assert.equal(await tableExists(database, 'after_bad'), false);
    assert.ok(!(await recorded(database)).includes('project/020_bad.sql'));

    // The connection is usable and outside any transaction afterwards.
    const ok = await database.db.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(ok.rows[0]?.one, 1);
  });

  test('a syntax error is reported with its line in the file', async () => {
    writeMigrations(dir, {
      '020_bad.sql': 'CREATE TABLE fine (a int);\n\nCREATE TABLEE oops (a int);\n',
    });
    await assert.rejects(
      migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES }),
      /020_bad\.sql .*failed at line 3: syntax error/,
    );
    assert.equal(await tableExists(database, 'fine'), false);
  });

  test('a fixed file then applies, with the rest', async () => {
    writeMigrations(dir, { '020_bad.sql': 'CREATE TABLE half_done (a int);' });
    const result = await migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES });
    assert.deepEqual(result.applied, ['project/020_bad.sql', 'project/030_after.sql']);
    assert.equal(await tableExists(database, 'after_bad'), true);
  });

  test('refuses files that control the transaction themselves', async () => {
    writeMigrations(dir, { '040_commit.sql': 'CREATE TABLE t40 (a int);\nCOMMIT;\n' });
    await assert.rejects(
      migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES }),
      /040_commit\.sql line 2 \("COMMIT;"\) controls the transaction/,
    );
    assert.equal(await tableExists(database, 't40'), false);
    rmSync(join(dir, '040_commit.sql'));
  });

  test('concurrent runs apply each file exactly once', async () => {
    writeMigrations(dir, {
      '050_a.sql': 'CREATE TABLE once_a (a int); SELECT pg_sleep(0.05);',
      '051_b.sql': 'CREATE TABLE once_b (a int);',
      '052_c.sql': 'CREATE TABLE once_c (a int);',
    });
    const runs = await Promise.all(
      [1, 2, 3].map(() => migrate(database.db, { migrationsDir: dir, roles: TEST_ROLES })),
    );
    const applied = runs.flatMap((run) => run.applied).sort();
    assert.deepEqual(applied, ['project/050_a.sql', 'project/051_b.sql', 'project/052_c.sql']);
    for (const run of runs) {
      assert.equal(run.applied.length + run.alreadyApplied.length, BUILTIN.length + 8);
    }
  });

  test('names a missing migrations directory and an odd file name', async () => {
    await assert.rejects(
      migrate(database.db, { migrationsDir: join(dir, 'missing'), roles: TEST_ROLES }),
      /Migrations directory .*missing cannot be read/,
    );
    const odd = mkdtempSync(join(tmpdir(), 'fraiseql-ts-odd-'));
    writeFileSync(join(odd, 'bad name.sql'), 'SELECT 1;');
    await assert.rejects(
      migrate(database.db, { migrationsDir: odd, roles: TEST_ROLES }),
      /"bad name\.sql" .* is not allowed/,
    );
    rmSync(odd, { recursive: true, force: true });
  });

  test('the request roles exist, are not superusers, and the login role can switch to them', async () => {
    await checkRequestRoles(database.db, TEST_ROLES);
    const roles = await database.db.query<{ rolname: string; rolcanlogin: boolean }>(
      'SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1::text[]) ORDER BY rolname',
      [[TEST_ROLES.anon, TEST_ROLES.authenticated]],
    );
    assert.deepEqual(roles.rows, [
      { rolname: TEST_ROLES.anon, rolcanlogin: false },
      { rolname: TEST_ROLES.authenticated, rolcanlogin: false },
    ]);
  });

  test('configured role names are created; unsafe roles are refused with the fix', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const custom = { anon: `fq_anon_${suffix}`, authenticated: `fq_auth_${suffix}` };
    const superuser = `fq_super_${suffix}`;
    await database.db.exec(`CREATE ROLE ${superuser} SUPERUSER NOLOGIN`);
    try {
      await migrate(database.db, { roles: custom });
      await checkRequestRoles(database.db, custom);

      // migrate ends with the same check, so an unsafe role fails the run.
      await assert.rejects(
        migrate(database.db, { roles: { anon: superuser, authenticated: custom.authenticated } }),
        RequestRoleError,
      );
      await assert.rejects(
        checkRequestRoles(database.db, { anon: superuser, authenticated: custom.authenticated }),
        (error) => {
          assert.ok(error instanceof RequestRoleError);
          assert.match(error.message, new RegExp(`Role ${superuser} is a superuser`));
          assert.match(error.message, /NOSUPERUSER NOBYPASSRLS/);
          return true;
        },
      );
      await assert.rejects(
        checkRequestRoles(database.db, {
          anon: `fq_missing_${suffix}`,
          authenticated: custom.authenticated,
        }),
        /does not exist: run "fraiseql-ts migrate"/,
      );
      await assert.rejects(
        migrate(database.db, { roles: { anon: custom.anon, authenticated: custom.anon } }),
        /both fq_anon_/,
      );
      await assert.rejects(
        migrate(database.db, { roles: { anon: 'none', authenticated: 'x' } }),
        /not allowed/,
      );
    } finally {
      await database.db.exec(
        `DROP OWNED BY ${custom.anon}, ${custom.authenticated}, ${superuser};
         DROP ROLE IF EXISTS ${custom.anon}, ${custom.authenticated}, ${superuser};`,
      );
    }
  });
});
