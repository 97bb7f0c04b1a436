/**
 * Benchmark: an authenticated list query through `fraiseql-ts serve`, beside the same SQL
 * transaction sent straight through node-postgres. A script, not a test.
 *
 *   npm run bench
 *
 * Needs PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin, or PG_BIN) and wrk
 * (`apt-get install -y wrk`). It starts a throw-away cluster with .ci/postgres.sh (as the
 * `postgres` OS user when run as root), creates a database, applies the blog example's
 * migrations, adds 1,000 users and 50,000 posts (row-level security on), serves the example
 * with `fraiseql-ts serve` (DATABASE_URL set, pool of 10), and measures
 *
 *   { posts(limit: 10, orderBy: [{field: "createdAt", direction: DESC}]) {
 *       id title author { name } } }
 *
 * with a valid token (scope read:posts) under wrk, then the transaction the server ran for that
 * request (BEGIN; SELECT set_config('role', ...), set_config('app.user_id', ...), ...; the
 * generated SELECT; COMMIT), captured from the real request path, through a pg pool in
 * pipeline mode at the same concurrency. The two sides run in alternating rounds (the machine's
 * load drifts; interleaving shares the drift). It prints requests/s, p50 and p99 latency of
 * both and the ratio server / raw driver, then removes everything it created. About a minute.
 *
 * Environment (all optional):
 *   BENCH_DURATION_SECONDS  measured seconds per side, split into rounds (default 20)
 *   BENCH_ROUNDS            alternating rounds per side (default 4, so 5 s each)
 *   BENCH_WARMUP_SECONDS    warm-up seconds per side, not measured (default 3)
 *   BENCH_CONNECTIONS       requests in flight: wrk connections and raw loops (default 32)
 *   BENCH_WRK_THREADS       wrk threads (default 1; the box has 2 CPUs for everything)
 *   BENCH_PORT              the loopback port the example is served on (default: a free one)
 *   BENCH_USERS, BENCH_POSTS  rows added to the example's seed (default 1000 and 50000)
 *   BENCH_DATABASE_URL      use this PostgreSQL server instead of a throw-away cluster; its
 *                           user must be allowed to create databases and roles. A database is
 *                           created on it and dropped at the end.
 *
 * Only ratios within one run mean much: the server, PostgreSQL and the load generator share
 * the CPUs. For scale, a bare node:http server doing the same kind of pipelined transaction
 * (HMAC-checked token, no GraphQL) measured 0.72-0.76 of the raw driver on this machine kind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { SignJWT } from 'jose';
import pg from 'pg';

import { loadConfig } from '../src/config/load-config.ts';
import { buildRequestSetup } from '../src/db/request-settings.ts';
import { createBlogBenchDatabase, type BlogBenchDatabase } from './blog-bench-database.ts';
import { captureRequestTransaction } from './capture-request-transaction.ts';
import { measureInAlternateRounds } from './alternate-rounds.ts';
import { printResults, printTransaction } from './print-report.ts';
import { openRawDriver } from './run-raw-driver.ts';
import { checkWrkInstalled, runWrk, type WrkOptions } from './run-wrk.ts';
import { serveExample, type ServedExample } from './serve-example.ts';
import {
  existingPostgres,
  startThrowawayPostgres,
  type BenchPostgres,
} from './throwaway-postgres.ts';

const PROJECT_DIR = fileURLToPath(new URL('../examples/blog', import.meta.url));
const QUERY =
  '{ posts(limit: 10, orderBy: [{field: "createdAt", direction: DESC}]) ' +
  '{ id title author { name } } }';

/** A whole number from the environment, or the default; anything else stops the run. */
function setting(name: string, fallback: number, minimum: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(
      `${name} must be a whole number of at least ${String(minimum)}, got "${text}".`,
    );
  }
  return value;
}

const durationSeconds = setting('BENCH_DURATION_SECONDS', 20, 1);
const rounds = Math.min(setting('BENCH_ROUNDS', 4, 1), durationSeconds);
const roundSeconds = Math.max(1, Math.round(durationSeconds / rounds));
const warmupSeconds = setting('BENCH_WARMUP_SECONDS', 3, 0);
const connections = setting('BENCH_CONNECTIONS', 32, 1);
const wrkThreads = Math.min(setting('BENCH_WRK_THREADS', 1, 1), connections);
const servePort = setting('BENCH_PORT', 0, 0);
const size = { users: setting('BENCH_USERS', 1000, 1), posts: setting('BENCH_POSTS', 50_000, 1) };

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      console.error('bench: clean-up step failed:', error);
    }
  }
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanUp().then(() => process.exit(143)));

async function main(): Promise<void> {
  await checkWrkInstalled();
  const jwtSecret = randomBytes(32).toString('hex');

  const adminUrl = process.env.BENCH_DATABASE_URL;
  const server: BenchPostgres =
    adminUrl === undefined || adminUrl === ''
      ? startThrowawayPostgres()
      : existingPostgres(adminUrl);
  cleanups.push(() => server.stop());

  const setupConfig = loadConfig({ dir: PROJECT_DIR, env: { JWT_SECRET: jwtSecret } });
  log(`loading the blog example with ${String(size.users)} users and ${String(size.posts)} posts`);
  const database: BlogBenchDatabase = await createBlogBenchDatabase(
    server.adminUrl,
    setupConfig,
    size,
  );
  cleanups.push(() => database.drop());
  const config = loadConfig({
    dir: PROJECT_DIR,
    env: { DATABASE_URL: database.url, JWT_SECRET: jwtSecret },
  });

  const audience = config.auth.audience;
  const token = await new SignJWT({
    sub: database.callerId,
    scope: 'read:posts',
    // Revocation checks (on by default) refuse tokens without an id.
    jti: randomUUID(),
    ...(audience === undefined ? {} : { aud: audience }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(jwtSecret));

  const captured = await captureRequestTransaction(config, database.url, { query: QUERY, token });
  const expected = postsOf(captured.responseBody);
  if (expected.length !== 10) throw new Error(`Expected 10 posts, got ${String(expected.length)}.`);
  const setup = buildRequestSetup(captured.context, { includeStatementTimeout: true });
  printTransaction(setup, captured.statements);

  const served: ServedExample = await serveExample({
    projectDir: PROJECT_DIR,
    databaseUrl: database.url,
    jwtSecret,
    ...(servePort === 0 ? {} : { port: servePort }),
  });
  cleanups.push(() => served.stop());
  const body = JSON.stringify({ query: QUERY });
  const headers = { authorization: `Bearer ${token}` };
  await checkServedAnswer(served.origin, body, headers, expected);

  const wrk: WrkOptions = {
    url: `${served.origin}/graphql`,
    body,
    headers,
    connections,
    threads: wrkThreads,
  };
  const poolMax = config.database.pool_max;
  const raw = await openRawDriver({
    url: database.url,
    poolMax,
    concurrency: connections,
    setup,
    statements: captured.statements,
    checkFirstRows: (rows) => {
      const posts = rows.map((row) => JSON.parse(String(row.json)) as unknown);
      if (JSON.stringify(posts) !== JSON.stringify(expected)) {
        throw new Error(`The raw transaction answered differently: ${JSON.stringify(posts)}`);
      }
    },
  });
  cleanups.push(() => raw.close());

  log(
    `measuring: wrk with ${String(connections)} connections against raw pg with ` +
      `${String(connections)} loops on a pool of ${String(poolMax)}; ${String(rounds)} rounds ` +
      `of ${String(roundSeconds)} s each after ${String(warmupSeconds)} s warm-up`,
  );
  const [http, direct] = await measureInAlternateRounds(
    {
      warmUp: async (seconds) => void (await runWrk(wrk, seconds)),
      measure: (seconds) => runWrk(wrk, seconds),
    },
    raw,
    { rounds, roundSeconds, warmupSeconds },
  );
  await checkServedAnswer(served.origin, body, headers, expected);

  const run = { connections, poolMax, rounds, roundSeconds, warmupSeconds };
  printResults({ ...run, serverVersion: await serverVersion(server.adminUrl) }, http, direct);
  if (http.failed > 0 || direct.failed > 0) {
    throw new Error('Some requests failed during the run; the numbers above are not comparable.');
  }
}

async function serverVersion(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

function log(line: string): void {
  console.error(`bench: ${line}`);
}

function postsOf(responseBody: string): unknown[] {
  const parsed = JSON.parse(responseBody) as { data?: { posts?: unknown } };
  const posts = parsed.data?.posts;
  if (!Array.isArray(posts)) throw new Error(`No posts in the answer: ${responseBody}`);
  return posts;
}

/** The served process must give the in-process answer, before and after the load. */
async function checkServedAnswer(
  origin: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  expected: readonly unknown[],
): Promise<void> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || JSON.stringify(postsOf(text)) !== JSON.stringify(expected)) {
    throw new Error(
      `The served example answered differently (HTTP ${String(response.status)}): ${text}`,
    );
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? `bench: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
