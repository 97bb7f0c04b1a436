import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A PostgreSQL server the benchmark may create databases on. */
export interface BenchPostgres {
  /** A superuser URL of the server (its `postgres` database). */
  readonly adminUrl: string;
  /** Stops the server and deletes its files; a no-op for a server the benchmark did not start. */
  stop(): void;
}

const REPO = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts a throw-away PostgreSQL 15 cluster with `.ci/postgres.sh` (initdb in a temp
 * directory, loopback port, trust authentication, run as the `postgres` OS user when we are
 * root). The script keeps its state in shell variables, so each step runs in its own bash and
 * the cluster directory is handed back to stop it later.
 */
export function startThrowawayPostgres(): BenchPostgres {
  const started = spawnSync(
    'bash',
    [
      '-c',
      // On failure postgres_start may leave a half-made directory: stop cleans it up.
      'source .ci/postgres.sh && if postgres_start >&2; then ' +
        'printf "%s\\n%s\\n" "$FRAISEQL_CI_PG_DIR" "$FRAISEQL_TEST_DATABASE_URL"; ' +
        'else postgres_stop; exit 1; fi',
    ],
    { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [dir, url] = started.stdout.trim().split('\n');
  if (started.status !== 0 || dir === undefined || url === undefined || url === '') {
    throw new Error(
      '.ci/postgres.sh could not start PostgreSQL 15 (see its messages above). Install ' +
        'postgresql-15, or set BENCH_DATABASE_URL to a server where the URL user may create ' +
        'databases and roles.',
    );
  }

  let stopped = false;
  return {
    adminUrl: url,
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync('bash', ['-c', 'source .ci/postgres.sh && postgres_stop'], {
        cwd: REPO,
        stdio: 'inherit',
        env: { ...process.env, FRAISEQL_CI_PG_DIR: dir },
      });
    },
  };
}

/** A server named by URL (BENCH_DATABASE_URL): used as it is and left running. */
export function existingPostgres(adminUrl: string): BenchPostgres {
  return { adminUrl, stop: () => undefined };
}
