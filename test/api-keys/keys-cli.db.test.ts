/**
 * `fraiseql-ts keys create|list|rotate|revoke|scan` run as a user runs them, in a scratch copy
 * of the blog example: first on the project's database directly (embedded, or PostgreSQL with
 * FRAISEQL_TEST_DATABASE_URL), then, on the embedded database, through a running `serve` that
 * holds it. The scan reads a throw-away git repository where a key was committed and deleted
 * in a later commit, and `--git --revoke` revokes it.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createTestDatabase, hasPostgres, type TestDatabase } from '../support/test-database.ts';
import { runCli, scratchProject, startCli, type ScratchProject } from '../cli/run-cli.ts';

const LONG = { timeout: 240_000 };
const postgres = hasPostgres();
const KEY_LINE = /^(sk_[0-9A-Za-z]{38})\n$/;
/** What docs/api-keys.md says keys made by the CLI record as created_by. */
const CLI_ACTOR = `cli:${userInfo().username}`;

let project: ScratchProject;
let database: TestDatabase | undefined;
let env: Record<string, string>;

before(async () => {
  project = scratchProject('blog');
  env = { JWT_SECRET: 'keys-cli-test-secret-0123456789abcdef0123456789' };
  if (postgres) {
    database = await createTestDatabase();
    env = { ...env, DATABASE_URL: database.url ?? '' };
  }
  const migrated = await runCli(['migrate'], { cwd: project.dir, env });
  assert.equal(migrated.code, 0, migrated.stderr);
});
after(async () => {
  project?.remove();
  await database?.close();
});

const keys = (args: readonly string[]) => runCli(['keys', ...args], { cwd: project.dir, env });

/** A repository under the project where `key` was committed in .env, then deleted. */
function repositoryWithDeletedKey(name: string, key: string): { dir: string; commit: string } {
  const dir = join(project.dir, name);
  mkdirSync(dir);
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e.org' },
    }).trim();
  git('init', '-q');
  writeFileSync(join(dir, '.env'), `API_KEY=${key}\n`);
  writeFileSync(join(dir, 'README.md'), `example: sk_${'A'.repeat(38)}\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'config');
  const commit = git('rev-parse', 'HEAD');
  git('rm', '-q', '.env');
  git('commit', '-q', '-m', 'remove the key');
  return { dir, commit };
}

describe(`keys commands on the database (${postgres ? 'PostgreSQL' : 'embedded'})`, () => {
  let created = '';
  let id = '';

  test('create prints the key alone on standard output, once; list never shows it', LONG, async () => {
    const result = await keys(['create', '--owner', 'svc-report', '--name', 'nightly', '--scope', 'read:posts', '--expires-in', '90d']);
    assert.equal(result.code, 0, result.stderr);
    const match = KEY_LINE.exec(result.stdout);
    assert.ok(match?.[1], result.stdout);
    created = match[1];
    assert.match(result.stderr, /shown only once/);

    const listed = await keys(['list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(created));
    const rows = (JSON.parse(listed.stdout) as { keys: Record<string, unknown>[] }).keys;
    const row = rows.find((item) => item['prefix'] === created.slice(0, 12));
    assert.equal(row?.['owner'], 'svc-report');
    assert.deepEqual(row?.['scopes'], ['read:posts']);
    assert.equal(row?.['status'], 'active');
    assert.equal(row?.['created_by'], CLI_ACTOR);
    id = String(row?.['id']);
  });

  test('create without --owner says what to add, exit 2', LONG, async () => {
    const result = await keys(['create', '--name', 'x']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--owner/);
  });

  test('rotate by prefix gives a new key; the old one is in grace; revoke by id', LONG, async () => {
    const rotated = await keys(['rotate', created.slice(0, 12), '--grace', '1h']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = KEY_LINE.exec(rotated.stdout)?.[1];
    assert.ok(fresh !== undefined && fresh !== created, rotated.stdout);
    assert.match(rotated.stderr, /keeps working until/);

    const revoked = await keys(['revoke', id, '--json']);
    assert.equal(revoked.code, 0, revoked.stderr);
    const view = JSON.parse(revoked.stdout) as Record<string, unknown>;
    assert.equal(view['status'], 'revoked');
    assert.equal(view['revoked'], true);
    assert.equal(view['already_revoked'], false);

    // Revoking again says so, and changes nothing (exit 0: the key is revoked, as asked).
    const again = await keys(['revoke', id]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /was already revoked \(at \d{4}-.*\); nothing changed\./);
    assert.doesNotMatch(again.stdout, /^Revoked/);

    // The revoked key (rotated, so it had a grace time) is listed with when it was revoked,
    // not with an "until" that no longer applies; the new key is active.
    const listed = await keys(['list']);
    assert.equal(listed.code, 0, listed.stderr);
    const line = listed.stdout.split('\n').find((item) => item.startsWith(id)) ?? '';
    assert.match(line, /revoked {2}.*revoked=\d{4}-/);
    assert.doesNotMatch(line, /until=/);

    const mistyped = await keys(['revoke', `${fresh.slice(0, -1)}${fresh.endsWith('a') ? 'b' : 'a'}`]);
    assert.equal(mistyped.code, 1);
    assert.match(mistyped.stderr, /checksum/);
    assert.ok(!mistyped.stderr.includes(fresh.slice(12, -4)), 'the error does not echo the key');
  });

  test('scan --git --revoke finds a key committed then deleted, and revokes it', LONG, async () => {
    const issued = await keys(['create', '--owner', 'svc-leak', '--name', 'leaky', '--scope', 'read:posts']);
    const leaked = KEY_LINE.exec(issued.stdout)?.[1];
    assert.ok(leaked !== undefined, issued.stderr);
    const repo = repositoryWithDeletedKey('leak-repo', leaked);
    const label = `${leaked.slice(0, 12)}...${leaked.slice(-4)}`;

    const filesOnly = await keys(['scan', repo.dir]);
    assert.equal(filesOnly.code, 0, `${filesOnly.stdout}${filesOnly.stderr}`);
    assert.match(filesOnly.stdout, /Found 0 API key/);

    const scan = await keys(['scan', repo.dir, '--git', '--revoke']);
    assert.equal(scan.code, 1, `an active key was found: ${scan.stdout}${scan.stderr}`);
    assert.ok(scan.stdout.includes(`${label}  active (owner svc-leak`), scan.stdout);
    assert.match(scan.stdout, /now revoked/);
    assert.ok(scan.stdout.includes(`commit ${repo.commit.slice(0, 12)} .env:1`), scan.stdout);
    assert.match(scan.stdout, /Found 1 API key/, 'the README look-alike is not reported');
    assert.ok(!scan.stdout.includes(leaked), 'the report never prints the key');

    const again = await keys(['scan', repo.dir, '--git', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { keys: { label: string; found: { status: string } }[] };
    assert.deepEqual(report.keys.map((key) => [key.label, key.found.status]), [[label, 'revoked']]);
  });
});

describe('keys commands through a running server (embedded database)', { skip: postgres ? 'direct access works on PostgreSQL' : false }, () => {
  let server: ChildProcess | undefined;
  after(() => {
    server?.kill('SIGTERM');
  });

  test('create, use, scan --git --revoke go through the server holding the database', LONG, async () => {
    server = startCli(['serve', '--port', '0'], { cwd: project.dir, env });
    const base = await addressOf(server, 180_000);
    const through = ['--server', base];

    const issued = await keys(['create', '--owner', '11111111-1111-1111-1111-111111111111', '--name', 'ci', '--scope', 'read:posts', ...through]);
    assert.equal(issued.code, 0, issued.stderr);
    const key = KEY_LINE.exec(issued.stdout)?.[1];
    assert.ok(key !== undefined, issued.stdout);
    const use = () =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ query: '{ posts { title } }' }),
      });
    assert.equal((await use()).status, 200);

    // Created through the server, the key records the same creator as when created directly.
    const listed = await keys(['list', '--json', ...through]);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = (JSON.parse(listed.stdout) as { keys: Record<string, unknown>[] }).keys;
    assert.equal(rows.find((item) => item['prefix'] === key.slice(0, 12))?.['created_by'], CLI_ACTOR);

    const repo = repositoryWithDeletedKey('leak-repo-served', key);
    const scan = await keys(['scan', repo.dir, '--git', '--revoke', ...through]);
    assert.equal(scan.code, 1, `${scan.stdout}${scan.stderr}`);
    assert.match(scan.stdout, /now revoked/);
    const refused = await use();
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { errors: { message: string }[] }).errors[0]?.message, 'Invalid API key');

    // Revoking it again through the server, named by the whole key, says it already was.
    const again = await keys(['revoke', key, ...through]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /was already revoked/);
  });
});

/** The base URL `serve` prints once it listens. */
function addressOf(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${seen}`)), timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const match = /serving GraphQL at (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(seen);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (seen += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${String(code)}:\n${seen}`));
    });
  });
}
