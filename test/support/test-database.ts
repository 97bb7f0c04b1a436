/**
 * Databases for tests that touch one (`*.db.test.ts`).
 *
 *   const test = await createTestDatabase();   // built-in migrations applied, default roles
 *   try { await test.db.query('SELECT 1'); } finally { await test.close(); }
 *
 * Which engine:
 * - `FRAISEQL_TEST_DATABASE_URL` unset: embedded PGlite. Creating a PGlite data directory
 *   (initdb) takes about 3.5 s, so a template directory with the built-in migrations is built
 *   once under os.tmpdir(), keyed by a hash of everything that shapes it, and each call copies
 *   it (about 0.5 s). Two test processes starting together do not both build it: one holds a
 *   lock file while the other waits.
 * - `FRAISEQL_TEST_DATABASE_URL=postgres://user@host:port/db` (as `.ci/run` sets): each call
 *   creates a uniquely named database on that server and drops it on close. The URL's user must
 *   be allowed to CREATE DATABASE and to create roles (or the roles must already exist).
 *
 * Every database starts with `fraiseql.schema_migrations` and the roles `fraiseql_anon` and
 * `fraiseql_authenticated`. The tables, views and functions a test needs are its own to create
 * (through `db.exec`), and every test must close what it creates.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import {
  acquirePidLock,
  DataDirLockedError,
  DATA_DIR_LOCK_FILE,
  type PidLock,
} from '../../src/db/data-dir-lock.ts';
import type { Database } from '../../src/db/database.ts';
import { openEmbeddedDatabase } from '../../src/db/embedded-database.ts';
import { BUILTIN_MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { openPostgresDatabase } from '../../src/db/postgres-database.ts';
import { DEFAULT_REQUEST_ROLES, requestRoleSetupSql } from '../../src/db/request-roles.ts';

export interface TestDatabase {
  readonly db: Database;
  /** The URL of the per-test database (PostgreSQL only). */
  readonly url?: string;
  /** The copied data directory (embedded only). */
  readonly dataDir?: string;
  /** Closes the database and deletes it (drops the database, or removes the directory). */
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Pool size on PostgreSQL (ignored by PGlite). Default 10. */
  readonly poolMax?: number;
}

/** The roles every test database has. */
export const TEST_ROLES = DEFAULT_REQUEST_ROLES;

/** The PostgreSQL server tests run against, or undefined for embedded PGlite. */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.FRAISEQL_TEST_DATABASE_URL;
  return url === undefined || url === '' ? undefined : url;
}

/** True when tests run against a real PostgreSQL server. */
export function hasPostgres(): boolean {
  return testDatabaseUrl() !== undefined;
}

/** `postgres` or `embedded`, for test names. */
export function testEngine(): Database['kind'] {
  return hasPostgres() ? 'postgres' : 'embedded';
}

/** A fresh database with the built-in migrations applied, on the engine chosen by the env. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  return url === undefined ? createEmbedded() : createOnServer(url, options);
}

async function createEmbedded(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const dataDir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-testdb-'));
  cpSync(template, dataDir, {
    recursive: true,
    filter: (source) => !source.endsWith(DATA_DIR_LOCK_FILE) && !source.endsWith(READY_FILE),
  });
  let db: Database;
  try {
    db = await openEmbeddedDatabase({ dataDir });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    db,
    dataDir,
    close: async () => {
      try {
        await db.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Marks a finished template; a directory without it is an interrupted build. */
const READY_FILE = 'fraiseql-ts-template-ready';

/** Bump when the way the template is built changes in a way the hash below does not see. */
const TEMPLATE_FORMAT = '1';

async function ensureTemplate(): Promise<string> {
  const template = join(tmpdir(), `fraiseql-ts-pglite-template-${templateHash()}`);
  const ready = join(template, READY_FILE);
  const deadline = Date.now() + 180_000;
  while (!existsSync(ready)) {
    let lock: PidLock;
    try {
      lock = acquirePidLock(`${template}.lock`, () => 'another test process is building it');
    } catch (error) {
      if (!(error instanceof DataDirLockedError)) throw error;
      if (Date.now() > deadline) {
        throw new Error(
          `Gave up waiting for the PGlite test template ${template}: ${error.message}`,
        );
      }
      await sleep(250);
      continue;
    }
    try {
      if (!existsSync(ready)) await buildTemplate(template);
    } finally {
      lock.release();
    }
  }
  return template;
}

async function buildTemplate(template: string): Promise<void> {
  const building = `${template}.build-${String(process.pid)}`;
  rmSync(building, { recursive: true, force: true });
  const db = await openEmbeddedDatabase({ dataDir: building });
  try {
    await migrate(db, { roles: TEST_ROLES });
  } finally {
    await db.close();
  }
  writeFileSync(join(building, READY_FILE), new Date().toISOString());
  rmSync(template, { recursive: true, force: true });
  renameSync(building, template);
}

/** Everything that changes what a fresh template holds. */
function templateHash(): string {
  const hash = createHash('sha256');
  hash.update(`format ${TEMPLATE_FORMAT}\n`);
  // The package does not export its package.json; find it beside the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const packageJson = join(dirname(entry), '..', 'package.json');
  const pglite = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  hash.update(`pglite ${String(pglite.version)}\n`);
  for (const name of readdirSync(BUILTIN_MIGRATIONS_DIR).sort()) {
    hash.update(`${name}\n`).update(readFileSync(join(BUILTIN_MIGRATIONS_DIR, name)));
  }
  hash.update(requestRoleSetupSql(TEST_ROLES));
  return hash.digest('hex').slice(0, 16);
}

async function createOnServer(
  serverUrl: string,
  options: TestDatabaseOptions,
): Promise<TestDatabase> {
  const name = `fraiseql_test_${String(process.pid)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  let db: Database | undefined;
  try {
    db = await openPostgresDatabase({
      url: url.toString(),
      ...(options.poolMax === undefined ? {} : { poolMax: options.poolMax }),
    });
    await migrate(db, { roles: TEST_ROLES });
  } catch (error) {
    await db?.close();
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  const opened = db;
  return {
    db: opened,
    url: url.toString(),
    close: async () => {
      try {
        await opened.close();
      } finally {
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    },
  };
}

/** One statement on the server's own database (CREATE/DROP DATABASE cannot run in a pool's transaction). */
async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
