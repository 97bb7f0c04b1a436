/**
 * fraiseql.toml plus the environment: the defaults the README lists, the environment winning
 * over the file, `${VAR}` expansion, and configurations that stop the server with the key's
 * name and the fix.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { ConfigError, loadConfig } from '../../src/config/load-config.ts';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A project directory holding only this fraiseql.toml (or none). */
function project(toml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-config-'));
  dirs.push(dir);
  if (toml !== undefined) writeFileSync(join(dir, 'fraiseql.toml'), toml);
  return dir;
}

const refused = (dir: string, env: Record<string, string>, pattern: RegExp): void => {
  assert.throws(
    () => loadConfig({ dir, env }),
    (error: unknown) => error instanceof ConfigError && pattern.test(error.message),
  );
};

test('without a file: port 8000 on 127.0.0.1, embedded database, documented limits', () => {
  const config = loadConfig({ dir: project(), env: {} });
  assert.equal(config.server.port, 8000);
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.database.url, undefined);
  assert.equal(config.paths.dataDir, join(config.projectDir, '.fraiseql/pgdata'));
  assert.equal(config.limits.max_page_size, 1000);
  assert.equal(config.database.pool_max, 10);
  assert.equal(config.logging.level, 'info');
  assert.equal(config.production, false);
});

test('the environment wins over the file', () => {
  const dir = project(
    '[server]\nport = 9000\n[limits]\nmax_page_size = 50\n[logging]\nlevel = "debug"\n',
  );
  assert.equal(loadConfig({ dir, env: {} }).server.port, 9000);
  const config = loadConfig({
    dir,
    env: {
      FRAISEQL_PORT: '8102',
      FRAISEQL_MAX_PAGE_SIZE: '20',
      LOG_LEVEL: 'warn',
      DATABASE_URL: 'postgres://h/db',
    },
  });
  assert.equal(config.server.port, 8102);
  assert.equal(config.limits.max_page_size, 20);
  assert.equal(config.logging.level, 'warn');
  assert.equal(config.database.url, 'postgres://h/db');
  assert.equal(loadConfig({ dir, env: { PORT: '8102' } }).server.port, 8102);
});

test('${VAR} expands; exactly "${VAR}" unset means the default; unset inside text is an error', () => {
  const dir = project(
    '[database]\nurl = "${DATABASE_URL}"\ndata_dir = "${DATA_ROOT:-.fraiseql}/pg"\n',
  );
  assert.equal(loadConfig({ dir, env: {} }).database.url, undefined);
  assert.equal(loadConfig({ dir, env: {} }).paths.dataDir, join(dir, '.fraiseql/pg'));
  assert.equal(
    loadConfig({ dir, env: { DATA_ROOT: '/var/lib/x' } }).paths.dataDir,
    '/var/lib/x/pg',
  );

  const strict = project('[auth]\nissuer = "https://${ISSUER_HOST}/"\n');
  refused(
    strict,
    {},
    /auth\.issuer refers to \$\{ISSUER_HOST\}, which is not set.*ISSUER_HOST:-default/,
  );
});

test('unknown keys, bad TOML and bad environment values stop the start, naming what is wrong', () => {
  refused(project('[server]\nprot = 8000\n'), {}, /prot/);
  refused(project('[sever]\nport = 8000\n'), {}, /sever/);
  refused(project('[server\nport = 8000\n'), {}, /is not valid TOML/);
  refused(
    project(),
    { FRAISEQL_PORT: 'eighty' },
    /FRAISEQL_PORT must be a whole number, got "eighty"/,
  );
  refused(
    project(),
    { FRAISEQL_INTROSPECTION: 'maybe' },
    /FRAISEQL_INTROSPECTION must be true or false/,
  );
});

test('production mode comes from NODE_ENV or FRAISEQL_ENV', () => {
  const dir = project();
  assert.equal(loadConfig({ dir, env: { NODE_ENV: 'production' } }).production, true);
  assert.equal(loadConfig({ dir, env: { FRAISEQL_ENV: 'Production' } }).production, true);
  assert.equal(loadConfig({ dir, env: { NODE_ENV: 'test' } }).production, false);
});

test('the bundled example sets port 8000, the fraiseql-api audience and a page size of 100', () => {
  const config = loadConfig({ dir: 'examples/blog', env: {} });
  assert.equal(config.server.port, 8000);
  assert.equal(config.auth.audience, 'fraiseql-api');
  assert.equal(config.limits.max_page_size, 100);
});

test('a refused value names its source: the environment variable, the file, or its ${VAR}', () => {
  const message = (dir: string, env: Record<string, string>): string => {
    try {
      loadConfig({ dir, env });
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.message;
    }
    assert.fail('the configuration was accepted');
  };
  const plain = project('[server]\nport = 8000\n');
  const fromEnv = message(plain, { JWT_LEEWAY_SECONDS: '301' });
  assert.match(
    fromEnv,
    /→ at auth\.leeway_seconds, set by the environment variable JWT_LEEWAY_SECONDS$/m,
  );
  assert.doesNotMatch(fromEnv, /fraiseql\.toml/, 'the value is not in the file');
  assert.match(
    message(plain, { ACCESS_TOKEN_TTL: '30' }),
    /→ at sessions\.access_token_ttl_seconds, set by the environment variable ACCESS_TOKEN_TTL$/m,
  );

  const inFile = project('[auth]\nleeway_seconds = 301\n');
  const fromFile = message(inFile, {});
  assert.match(fromFile, /→ at auth\.leeway_seconds in .*fraiseql\.toml$/m);
  assert.doesNotMatch(fromFile, /environment variable/);
  assert.match(
    message(inFile, { JWT_LEEWAY_SECONDS: '400' }),
    /by the environment variable JWT_LEEWAY_SECONDS \(it overrides the value in .*fraiseql\.toml\)/,
  );
  assert.match(
    message(project('[sessions]\naccess_token_ttl_seconds = "${TTL}"\n'), { TTL: '30' }),
    /→ at sessions\.access_token_ttl_seconds in .*fraiseql\.toml, from \$\{TTL\}$/m,
  );
});
