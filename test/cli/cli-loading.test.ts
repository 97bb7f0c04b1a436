/**
 * The CLI loads only what a subcommand needs: issuing or inspecting a token, printing help or
 * compiling without --database never loads the database drivers, the HTTP server or the
 * GraphQL executor. Every module the command resolves is recorded by a loader hook.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { cliEnvironment, ROOT, scratchProject } from './run-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'fraiseql-ts-cli-loading-'));
const hooks = join(work, 'record-hooks.mjs');
const registerHooks = join(work, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.FRAISEQL_TEST_LOAD_LOG, resolved.url + '\\n');
  return resolved;
}
`,
);
writeFileSync(
  registerHooks,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);
const project = scratchProject('blog');
after(() => {
  rmSync(work, { recursive: true, force: true });
  project.remove();
});

/** What no light subcommand may load. */
const HEAVY: readonly [string, RegExp][] = [
  ['node-postgres', /\/node_modules\/pg\//],
  ['PGlite', /\/node_modules\/@electric-sql\/pglite\//],
  ['fastify', /\/node_modules\/fastify\//],
  ['the database layer', /\/src\/db\//],
  ['the HTTP layer', /\/src\/http\//],
  ['the GraphQL executor', /\/src\/graphql\//],
];

/** Runs the command and returns every module URL it resolved. */
function modulesLoadedBy(args: readonly string[]): string[] {
  const log = join(work, `loaded-${String(Math.random()).slice(2)}.txt`);
  writeFileSync(log, '');
  const result = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(registerHooks).href, join(ROOT, 'bin/fraiseql-ts.js'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: cliEnvironment({
        FRAISEQL_TEST_LOAD_LOG: log,
        JWT_SECRET: 'cli-loading-test-secret-0123456789abcdef',
      }),
      timeout: 120_000,
    },
  );
  assert.equal(result.status, 0, `${args.join(' ')}\n${result.stdout}${result.stderr}`);
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

function assertLight(args: readonly string[]): void {
  const loaded = modulesLoadedBy(args);
  assert.ok(
    loaded.some((url) => url.includes('/src/cli/main.ts')),
    'the hook saw the CLI load',
  );
  for (const [name, pattern] of HEAVY) {
    const culprit = loaded.find((url) => pattern.test(url));
    assert.equal(
      culprit,
      undefined,
      `fraiseql-ts ${args.join(' ')} loaded ${name}: ${String(culprit)}`,
    );
  }
}

test('--help loads no engine module', () => {
  assertLight(['--help']);
  assertLight(['serve', '--help']);
});

test('token issue and token inspect load no engine module', () => {
  const loaded = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/fraiseql-ts.js'), 'token', 'issue', '--dir', project.dir, '--sub', 'someone'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: cliEnvironment({ JWT_SECRET: 'cli-loading-test-secret-0123456789abcdef' }),
    },
  );
  const token = loaded.stdout.trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, loaded.stderr);
  assertLight(['token', 'issue', '--dir', project.dir, '--sub', 'someone']);
  assertLight(['token', 'inspect', '--dir', project.dir, token]);
});

test('compile without --database loads no database driver or server', () => {
  assertLight(['compile', '--dir', project.dir, '--check']);
});
