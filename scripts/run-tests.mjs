#!/usr/bin/env node
// Runs the test suite with node:test through tsx.
//
//   node scripts/run-tests.mjs                 every test file under test/
//   node scripts/run-tests.mjs --db-only       only *.db.test.ts (the suites that touch a database)
//   node scripts/run-tests.mjs test/foo.test.ts [...]   the files named
//
// Database suites use embedded PGlite unless FRAISEQL_TEST_DATABASE_URL names a PostgreSQL
// server (`.ci/run` sets it to run them again against PostgreSQL 15).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const dbOnly = args.includes('--db-only');
const named = args.filter((arg) => !arg.startsWith('--'));

function collect(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...collect(path));
    else if (entry.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

let files = named.length > 0 ? named : collect(join(root, 'test'));
if (dbOnly) files = files.filter((file) => file.endsWith('.db.test.ts'));
files.sort();
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env } },
);
process.exit(result.status ?? 1);
