/**
 * `fraiseql-ts keys ...` as a user runs it, where no database is needed: outside a project
 * (every subcommand refuses before creating anything; `scan` of files still finds keys by
 * their checksum and says their status could not be checked), and the help text.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { generateApiKey } from '../../src/api-keys/api-key-format.ts';
import { ROOT, runCli, scratchProject, type ScratchProject } from './run-cli.ts';

describe('keys commands outside a project', () => {
  let scratch: ScratchProject;
  const key = generateApiKey().key;
  const label = `${key.slice(0, 12)}...${key.slice(-4)}`;
  before(() => {
    scratch = scratchProject('empty');
    writeFileSync(join(scratch.dir, 'access.log'), `GET /x?h=Authorization%3A%20Bearer%20${key}\n`);
  });
  after(() => scratch?.remove());

  const nothingCreated = (): void =>
    assert.deepEqual(readdirSync(scratch.dir), ['access.log'], 'no database, no secret may be created');

  test('create, list, rotate and revoke refuse, naming the directory and --dir', async () => {
    const runs = await Promise.all(
      [
        ['keys', 'list'],
        ['keys', 'create', '--owner', 'svc', '--name', 'n', '--scope', 'read:posts'],
        ['keys', 'rotate', key.slice(0, 12)],
        ['keys', 'revoke', key.slice(0, 12)],
      ].map((args) => runCli(args, { cwd: scratch.dir })),
    );
    for (const result of runs) {
      assert.equal(result.code, 1, result.stderr);
      assert.ok(result.stderr.includes(`No fraiseql.toml in ${scratch.dir}`), result.stderr);
      assert.match(result.stderr, /pass --dir <project>/);
      assert.doesNotMatch(result.stderr, /migrate/);
    }
    nothingCreated();
  });

  test('scan of files still finds keys by their checksum; their status is unknown; exit 2', async () => {
    const result = await runCli(['keys', 'scan'], { cwd: scratch.dir });
    assert.equal(result.code, 2, `${result.stdout}${result.stderr}`);
    assert.ok(result.stdout.includes(`${label}  unknown (no project was found`), result.stdout);
    assert.match(result.stdout, /file access\.log:1/);
    assert.match(result.stderr, /No fraiseql\.toml in .*whether a key found is active cannot be checked\. Pass --dir <project>/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(key), 'the key is never printed');
    nothingCreated();
  });

  test('scan --revoke needs the project: refused, exit 2', async () => {
    const result = await runCli(['keys', 'scan', '--revoke'], { cwd: scratch.dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /No fraiseql\.toml in .*pass --dir <project>/);
    nothingCreated();
  });

  test('scan of a path that cannot be read is an error naming it, exit 2', async () => {
    for (const path of ['acces.log', join('missing', 'dir'), '/dev/null']) {
      const result = await runCli(['keys', 'scan', 'access.log', path], { cwd: scratch.dir });
      assert.equal(result.code, 2, `${path}: ${result.stdout}${result.stderr}`);
      assert.ok(result.stderr.includes(`Cannot scan ${path.startsWith('/') ? path : join(scratch.dir, path)}:`), result.stderr);
      assert.equal(result.stdout, '', 'nothing is reported as scanned');
    }
    nothingCreated();
  });

  test('with DATABASE_URL and API_KEY_SECRET set, no fraiseql.toml is needed', async () => {
    const result = await runCli(['keys', 'list'], {
      cwd: scratch.dir,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', API_KEY_SECRET: 'x'.repeat(40) },
    });
    assert.doesNotMatch(result.stderr, /No fraiseql\.toml/);
    assert.equal(existsSync(join(scratch.dir, '.fraiseql')), false);
  });
});

describe('keys and rbac help', () => {
  test("every subcommand's --server help says where the default address comes from", async () => {
    const subcommands = [
      ...['create', 'list', 'rotate', 'revoke', 'scan'].map((name) => ['keys', name]),
      ...['grant', 'revoke', 'list'].map((name) => ['rbac', name]),
    ];
    const results = await Promise.all(subcommands.map((words) => runCli([...words, '--help'], { cwd: ROOT })));
    results.forEach((result, index) => {
      const name = subcommands[index]?.join(' ') ?? '';
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      const help = result.stdout.replace(/\s+/g, ' ');
      assert.match(help, /--server <url> .*the address that server recorded beside its data directory/, name);
      assert.doesNotMatch(help, /\[server\] host and port/, name);
    });
  });
});
