/**
 * The fraiseql-ts subcommands that open a database, run as a user runs them: `migrate`,
 * `compile --database` and `serve` (a real socket, SIGTERM, the data-directory lock).
 *
 * With FRAISEQL_TEST_DATABASE_URL unset they use the embedded database in the scratch
 * project's data directory, as `serve` does out of the box; with it set (.ci/run's PostgreSQL
 * pass) they run against a fresh database on that server through DATABASE_URL, and the
 * embedded-only lock test is skipped.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createTestDatabase, hasPostgres, type TestDatabase } from '../support/test-database.ts';
import { runCli, scratchProject, startCli, type ScratchProject } from './run-cli.ts';

const SECRET = 'cli-db-test-secret-0123456789abcdef0123456789abcdef';
const ALICE = '11111111-1111-1111-1111-111111111111';
const LONG = { timeout: 240_000 };
const postgres = hasPostgres();

let project: ScratchProject;
let database: TestDatabase | undefined;
let env: Record<string, string>;

before(async () => {
  project = scratchProject('blog');
  env = { JWT_SECRET: SECRET };
  if (postgres) {
    database = await createTestDatabase();
    env = { ...env, DATABASE_URL: database.url ?? '' };
  }
});
after(async () => {
  project?.remove();
  await database?.close();
});

/** Waits for a line of the child's standard output matching `pattern`; fails on exit. */
function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    const timer = setTimeout(
      () => finish(new Error(`timed out waiting for ${pattern}:\n${seen}\n${errors}`)),
      timeoutMs,
    );
    const onData = (chunk: string): void => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match !== null) finish(undefined, match);
    };
    const onError = (chunk: string): void => {
      errors += chunk;
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`exited with ${String(code)} before ${pattern}:\n${seen}\n${errors}`));
    function finish(error: Error | undefined, match?: RegExpMatchArray): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onError);
      child.off('exit', onExit);
      if (error !== undefined || match === undefined) reject(error ?? new Error('no match'));
      else resolve(match);
    }
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onError);
    child.on('exit', onExit);
  });
}

function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe(`migrate and compile --database (${postgres ? 'PostgreSQL' : 'embedded'})`, () => {
  test('migrate applies every migration once, then has nothing to apply', LONG, async () => {
    const first = await runCli(['migrate'], { cwd: project.dir, env });
    assert.equal(first.code, 0, first.stderr);
    for (const name of [
      '001_tables.sql',
      '002_row_level_security.sql',
      '003_views.sql',
      '004_functions.sql',
      '005_seed.sql',
    ]) {
      assert.match(first.stdout, new RegExp(`applied project/${name.replace('.', '\\.')}`));
    }
    assert.match(first.stdout, /Applied \d+ migration\(s\)/);

    const second = await runCli(['migrate'], { cwd: project.dir, env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^Nothing to apply: all \d+ migrations were already applied\.\n$/);
  });

  test('rbac run on the database directly says so when that is the embedded one', LONG, async () => {
    const result = await runCli(['rbac', 'grant', '--user', ALICE, '--role', 'staff'], { cwd: project.dir, env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const note = /^Using the embedded database in \.fraiseql\/pgdata \(DATABASE_URL is not set\)\. If your server runs on PostgreSQL, set DATABASE_URL as it has it\.$/m;
    if (postgres) assert.doesNotMatch(result.stderr, note);
    else assert.match(result.stderr, note);
    const revoked = await runCli(['rbac', 'revoke', '--user', ALICE, '--role', 'staff'], { cwd: project.dir, env });
    assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr);
  });

  test('compile --database passes on the migrated database', LONG, async () => {
    const result = await runCli(['compile', '--database', '--check'], { cwd: project.dir, env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Check passed/);
    assert.doesNotMatch(result.stdout, /^error:/m);
    // posts injects user_id, no column of v_post: the policy post_read on tb_post reads it.
    assert.doesNotMatch(result.stdout, /user_id/, result.stdout);
    // The example declares its relations nullable, as they are served: no note, no warning.
    assert.doesNotMatch(result.stdout, /^(note|warning):/m, result.stdout);
  });

  test(
    'compile --database reports a missing view with the operation name, exit 1',
    LONG,
    async () => {
      const schemaPath = join(project.dir, 'schema.ts');
      const source = readFileSync(schemaPath, 'utf8');
      writeFileSync(
        schemaPath,
        source.replace("sqlSource: 'v_user_post'", "sqlSource: 'v_user_post_gone'"),
      );
      try {
        const result = await runCli(['compile', '--database'], { cwd: project.dir, env });
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(
          result.stdout,
          /^error: query user_posts: View v_user_post_gone does not exist/m,
        );
        assert.match(result.stdout, /Not written: fix the errors above first\./);
        assert.equal(existsSync(join(project.dir, 'schema.compiled.json')), false);
      } finally {
        writeFileSync(schemaPath, source);
      }
    },
  );

  test(
    'compile --database refuses tenant scoping that nothing in the database reads, exit 1',
    LONG,
    async () => {
      const schemaPath = join(project.dir, 'schema.ts');
      const source = readFileSync(schemaPath, 'utf8');
      const scoped = source.replace(
        "sqlSource: 'v_user',\n  fields:",
        "sqlSource: 'v_user',\n  tenantScoped: true,\n  fields:",
      );
      assert.notEqual(scoped, source);
      writeFileSync(schemaPath, scoped);
      try {
        const result = await runCli(['compile', '--database', '--check'], {
          cwd: project.dir,
          env,
        });
        assert.equal(result.code, 1, result.stdout + result.stderr);
        // v_user has no tenant_id column and nothing it reads reads app.tenant_id.
        for (const query of ['users', 'user_by_email']) {
          assert.match(
            result.stdout,
            new RegExp(
              `^error: query ${query}: User is tenant_scoped, so tenant_id is injected from the ` +
                `token .*Nothing filters the rows of query ${query} by the injected claim tenant_id`,
              'm',
            ),
          );
        }
        assert.match(result.stdout, /Check failed; nothing written\./);
      } finally {
        writeFileSync(schemaPath, source);
      }
    },
  );
});

describe(`serve (${postgres ? 'PostgreSQL' : 'embedded'})`, () => {
  let server: ChildProcess | undefined;
  let base = '';

  after(async () => {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exitOf(server);
    }
  });

  test(
    'serve on a random port answers /health, /ready and an authenticated query',
    LONG,
    async () => {
      server = startCli(['serve', '--port', '0'], { cwd: project.dir, env });
      const [, address] = await waitForOutput(
        server,
        /serving GraphQL at (http:\/\/127\.0\.0\.1:\d+)\/graphql/,
        180_000,
      );
      base = address ?? '';

      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`${base}/ready`);
      assert.equal(ready.status, 200);

      const issued = await runCli(['token', 'issue', '--sub', ALICE, '--scope', 'read:posts'], {
        cwd: project.dir,
        env,
      });
      assert.equal(issued.code, 0, issued.stderr);
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${issued.stdout.trim()}`,
        },
        body: JSON.stringify({ query: '{ user_posts { title } }' }),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        data: { user_posts: [{ title: 'Hello from Alice' }, { title: "Alice's private draft" }] },
      });

      const anonymous = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ posts { title } }' }),
      });
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    },
  );

  test(
    'a second serve on the same data directory is refused with the lock message',
    { ...LONG, skip: postgres ? 'the lock guards the embedded data directory only' : false },
    async () => {
      assert.ok(server !== undefined, 'the first serve runs');
      const second = await runCli(['serve', '--port', '0'], { cwd: project.dir, env });
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.match(
        second.stderr,
        new RegExp(`The data directory .*pgdata is in use by process ${String(server.pid)}`),
      );
      assert.match(second.stderr, /Only one process may open an embedded database at a time/);
      assert.doesNotMatch(second.stderr, /unexpected error/);

      const stillUp = await fetch(`${base}/health`);
      assert.equal(stillUp.status, 200, 'the first server is unaffected');
    },
  );

  test('SIGTERM stops serve cleanly: exit 0, port closed, lock released', LONG, async () => {
    assert.ok(server !== undefined, 'the first serve runs');
    const stopping = waitForOutput(server, /"signal":"SIGTERM".*shutting down/, 30_000);
    server.kill('SIGTERM');
    await stopping;
    const { code, signal } = await exitOf(server);
    assert.equal(signal, null);
    assert.equal(code, 0);
    await assert.rejects(fetch(`${base}/health`));
    if (!postgres) {
      assert.equal(
        existsSync(join(project.dir, '.fraiseql', 'pgdata', '.fraiseql-ts.lock')),
        false,
      );
    }
  });
});

describe('refused starts and unreachable databases', () => {
  test(
    'serve with a schema that does not match the database exits 1 with the problem',
    LONG,
    async () => {
      // Runs after the serve tests above have stopped their server, so the data directory is free.
      const schemaPath = join(project.dir, 'schema.ts');
      const source = readFileSync(schemaPath, 'utf8');
      writeFileSync(
        schemaPath,
        source.replace("sqlSource: 'v_user_post'", "sqlSource: 'v_user_post_gone'"),
      );
      try {
        const result = await runCli(['serve', '--port', '0'], { cwd: project.dir, env });
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          /The schema does not match the database \(1 problem\):\n {2}- query user_posts: View v_user_post_gone does not exist/,
        );
        assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /);
      } finally {
        writeFileSync(schemaPath, source);
      }
    },
  );

  test('serve in production without DATABASE_URL is refused: the embedded database has no statement timeout', LONG, async () => {
    const { DATABASE_URL: _unused, ...withoutUrl } = env;
    const result = await runCli(['serve', '--port', '0'], {
      cwd: project.dir,
      env: { ...withoutUrl, FRAISEQL_ENV: 'production', API_KEY_SECRET: SECRET },
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /Production needs PostgreSQL: set DATABASE_URL\./);
    assert.match(result.stderr, /dangerously_allow_embedded_in_production = true/);
    assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /);
  });

  test(
    'an unreachable DATABASE_URL is reported without a stack trace, exit 1',
    LONG,
    async () => {
      const result = await runCli(['migrate'], {
        cwd: project.dir,
        env: { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' },
      });
      assert.match(result.stderr, /Could not connect to PostgreSQL at 127\.0\.0\.1:1/);
      assert.equal(result.code, 1);
      assert.doesNotMatch(result.stderr, /unexpected error/);
    },
  );
});
