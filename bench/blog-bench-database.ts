import { randomBytes } from 'node:crypto';

import pg from 'pg';

import type { ResolvedConfig } from '../src/config/resolved-config.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPostgresDatabase } from '../src/db/postgres-database.ts';

/** How much data the benchmark loads on top of the blog example's own seed rows. */
export interface BenchDataSize {
  /** Users added. Default 1,000. */
  readonly users: number;
  /** Posts added, spread over the added users; one in seven is a draft. Default 50,000. */
  readonly posts: number;
}

/** A database holding the blog example, migrated and loaded with benchmark data. */
export interface BlogBenchDatabase {
  /** URL of the database (same server and user as the admin URL). */
  readonly url: string;
  /** The user the benchmark's token names: author of some drafts only they can read. */
  readonly callerId: string;
  /** Drops the database. */
  drop(): Promise<void>;
}

/** Bench user ids: a fixed prefix and the user's number in hex, so the caller is known. */
const USER_ID = `('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid`;

/**
 * Creates a fresh database on the server of `adminUrl`, applies the built-in and the blog's
 * migrations exactly as `fraiseql-ts serve` would (so the served process finds nothing to do),
 * then adds `size` users and posts with generate_series. The posts keep the example's
 * row-level security: every read is filtered by `published OR author_id = app.user_id`.
 *
 * One addition the example does not have: an index on tb_post (created_at DESC), so "the ten
 * newest posts I may read" walks the index instead of sorting 50,000 rows; without it both
 * sides of the comparison would mostly measure the same sort.
 */
export async function createBlogBenchDatabase(
  adminUrl: string,
  config: ResolvedConfig,
  size: BenchDataSize,
): Promise<BlogBenchDatabase> {
  const name = `fraiseql_bench_${String(process.pid)}_${randomBytes(3).toString('hex')}`;
  await adminStatement(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = (): Promise<void> =>
    adminStatement(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);

  try {
    const db = await openPostgresDatabase({ url: url.toString(), poolMax: 2 });
    try {
      const roles = {
        anon: config.database.anon_role,
        authenticated: config.database.authenticated_role,
      };
      await migrate(db, { migrationsDir: config.paths.migrationsDir, roles });
      await db.query(
        `INSERT INTO tb_user (id, email, name, created_at)
         SELECT ${USER_ID}, 'bench-user-' || n || '@example.com', 'Bench User ' || n,
                timestamptz '2025-01-01T00:00:00Z' + n * interval '1 minute'
         FROM generate_series(1, $1::int) AS n`,
        [size.users],
      );
      await db.query(
        `INSERT INTO tb_post (author_id, title, body, published, created_at)
         SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(1 + n % $2::int), 12, '0'))::uuid,
                'Bench post ' || n, repeat('Some words about post ' || n || '. ', 8),
                n % 7 <> 0,
                timestamptz '2025-01-01T00:00:00Z' + n * interval '10 minutes'
         FROM generate_series(1, $1::int) AS n`,
        [size.posts, size.users],
      );
      await db.exec('CREATE INDEX tb_post_created_idx ON tb_post (created_at DESC); ANALYZE;');
    } finally {
      await db.close();
    }
  } catch (error) {
    await drop();
    throw error;
  }
  return { url: url.toString(), callerId: '00000000-0000-4000-8000-000000000001', drop };
}

/** One statement on the server's admin database (CREATE/DROP DATABASE run outside a pool). */
async function adminStatement(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
