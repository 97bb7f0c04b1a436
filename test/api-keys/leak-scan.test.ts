/**
 * The leak scan on a throw-away git repository: a key committed and deleted in a later
 * commit is still found in the history (with the commit that added it), a key in a working
 * file is found with its line, random `sk_` strings that fail the checksum are not reported,
 * and `revoke` revokes exactly the active keys found.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { generateApiKey } from '../../src/api-keys/api-key-format.ts';
import { randomBase62 } from '../../src/api-keys/base62.ts';
import type { KeyStatusReport, KeyStatusSource } from '../../src/api-keys/key-status-source.ts';
import { GitError } from '../../src/api-keys/run-git.ts';
import { ScanPathError } from '../../src/api-keys/scan-files.ts';
import { leakScanExitCode, scanForLeakedKeys } from '../../src/api-keys/scan-for-leaked-keys.ts';
import { leakScanReportText } from '../../src/cli/commands/keys-scan.ts';

const committedThenDeleted = generateApiKey().key;
const inWorkingTree = generateApiKey().key;
const alreadyRevoked = generateApiKey().key;
const resetAway = generateApiKey().key;
const lookAlike = `sk_${randomBase62(38)}`;

let repo: string;
let commitThatAdded: string;

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' },
  }).trim();
}

/** A status source over a fixed table of keys, recording revocations. */
function fakeSource(active: readonly string[], revoked: readonly string[]): KeyStatusSource & { revokedNow: string[] } {
  const revokedNow: string[] = [];
  const status = (key: string): KeyStatusReport =>
    revokedNow.includes(key) || revoked.includes(key)
      ? { status: 'revoked', id: key.slice(0, 12) }
      : active.includes(key)
        ? { status: 'active', id: key.slice(0, 12), owner: 'svc' }
        : { status: 'not_found' };
  return {
    description: 'test table',
    revokedNow,
    check: async (key) => status(key),
    revoke: async (key) => {
      if (status(key).status === 'active') revokedNow.push(key);
      return status(key);
    },
  };
}

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'fraiseql-ts-leak-'));
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, '.env'), `DATABASE_URL=postgres://x\nAPI_KEY=${committedThenDeleted}\n`);
  writeFileSync(join(repo, 'notes.md'), `not a key: ${lookAlike}\nold: ${alreadyRevoked}\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'add config');
  commitThatAdded = git('rev-parse', 'HEAD');
  git('rm', '-q', '.env');
  git('commit', '-q', '-m', 'remove the key');
  // A commit reset away is in no branch, but survives in the reflog.
  writeFileSync(join(repo, 'oops.txt'), `${resetAway}\n`);
  git('add', 'oops.txt');
  git('commit', '-q', '-m', 'oops');
  git('reset', '-q', '--hard', 'HEAD~1');
  mkdirSync(join(repo, 'src'));
  writeFileSync(join(repo, 'src', 'client.ts'), `// TODO remove\n\nconst key = '${inWorkingTree}';\n`);
});
after(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe('keys scan', () => {
  test('files only: the working-tree key with its line; the deleted one is not in any file', async () => {
    const source = fakeSource([committedThenDeleted, inWorkingTree], [alreadyRevoked]);
    const report = await scanForLeakedKeys({ paths: [repo], git: false, revoke: false, source, relativeTo: repo });
    const labels = report.keys.map((key) => key.label).sort();
    assert.deepEqual(labels, [alreadyRevoked, inWorkingTree].map((key) => `${key.slice(0, 12)}...${key.slice(-4)}`).sort());
    const working = report.keys.find((key) => key.label.startsWith(inWorkingTree.slice(0, 12)));
    assert.deepEqual(working?.locations, [{ kind: 'file', path: join('src', 'client.ts'), line: 3 }]);
    assert.equal(leakScanExitCode(report), 1);
  });

  test('--git finds the key committed and later deleted, with the commit that added it', async () => {
    const source = fakeSource([committedThenDeleted], [alreadyRevoked]);
    const report = await scanForLeakedKeys({ paths: [repo], git: true, revoke: false, source, relativeTo: repo });
    const deleted = report.keys.find((key) => key.label.startsWith(committedThenDeleted.slice(0, 12)));
    assert.ok(deleted, 'found in history');
    assert.equal(deleted.found.status, 'active');
    assert.deepEqual(deleted.locations, [{ kind: 'git', repository: '.', commit: commitThatAdded, path: '.env', line: 2 }]);
    assert.ok(report.keys.some((key) => key.label.startsWith(resetAway.slice(0, 12))), 'found in the reflog');
    assert.ok(!report.keys.some((key) => key.label.startsWith(lookAlike.slice(0, 12))), 'no false positive');
  });

  test('--git --revoke revokes the active keys found, and only those', async () => {
    const source = fakeSource([committedThenDeleted, inWorkingTree], [alreadyRevoked]);
    const report = await scanForLeakedKeys({ paths: [repo], git: true, revoke: true, source, relativeTo: repo });
    assert.deepEqual(source.revokedNow.sort(), [committedThenDeleted, inWorkingTree].sort());
    const deleted = report.keys.find((key) => key.label.startsWith(committedThenDeleted.slice(0, 12)));
    assert.equal(deleted?.after?.status, 'revoked');
    const old = report.keys.find((key) => key.label.startsWith(alreadyRevoked.slice(0, 12)));
    assert.equal(old?.after, undefined, 'a dead key is not revoked again');
    assert.equal(leakScanExitCode(report), 1, 'they were active when found');
    assert.ok(!JSON.stringify(report).includes(committedThenDeleted), 'the report names keys by label only');
    assert.match(leakScanReportText(report, true), /; 2 active, revoked now \(status from test table\)\.\n/);
  });

  test('the summary line reads right: active when found, revoked now or not, unknown', async () => {
    const summary = async (source: KeyStatusSource, revoke: boolean): Promise<string> => {
      const report = await scanForLeakedKeys({ paths: [repo], git: false, revoke, source, relativeTo: repo });
      return leakScanReportText(report, revoke).split('\n').find((line) => line.startsWith('Found ')) ?? '';
    };
    assert.equal(
      await summary(fakeSource([inWorkingTree], [alreadyRevoked]), false),
      'Found 2 API key(s) in 2 file(s); 1 active (status from test table).',
    );
    assert.equal(
      await summary(fakeSource([inWorkingTree], [alreadyRevoked]), true),
      'Found 2 API key(s) in 2 file(s); 1 active, revoked now (status from test table).',
    );
    const stubborn: KeyStatusSource = { ...fakeSource([inWorkingTree], []), revoke: async () => ({ status: 'active' }) };
    assert.equal(
      await summary(stubborn, true),
      'Found 2 API key(s) in 2 file(s); 1 active, 0 of them revoked now (status from test table).',
    );
    const unknown: KeyStatusSource = { description: 'nowhere', check: async () => ({ status: 'unknown' }), revoke: async () => ({ status: 'unknown' }) };
    assert.equal(await summary(unknown, false), 'Found 2 API key(s) in 2 file(s); 0 active, 2 of unknown status (status from nowhere).');
  });

  test('only dead keys: exit 0; unknown status: exit 2', async () => {
    const dead = await scanForLeakedKeys({ paths: [join(repo, 'notes.md')], git: false, revoke: false, source: fakeSource([], [alreadyRevoked]) });
    assert.equal(leakScanExitCode(dead), 0);
    const unknown: KeyStatusSource = { description: 'none', check: async () => ({ status: 'unknown' }), revoke: async () => ({ status: 'unknown' }) };
    const report = await scanForLeakedKeys({ paths: [join(repo, 'notes.md')], git: false, revoke: false, source: unknown });
    assert.equal(leakScanExitCode(report), 2);
  });

  test('a path given that cannot be read is an error, not a skipped entry', async () => {
    const missing = join(repo, 'no-such-file');
    await assert.rejects(
      scanForLeakedKeys({ paths: [repo, missing], git: false, revoke: false, source: fakeSource([], []) }),
      (error: Error) => error instanceof ScanPathError && error.message.includes(missing),
    );
  });

  test("--git runs nothing the scanned repository's configuration names", async () => {
    const hostile = mkdtempSync(join(tmpdir(), 'fraiseql-ts-hostile-'));
    const marker = join(hostile, 'ran');
    const run = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: hostile,
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' },
      });
    try {
      run('init', '-q');
      writeFileSync(join(hostile, '.env'), `API_KEY=${generateApiKey().key}\n`);
      run('add', '.env');
      run('commit', '-qm', 'x');
      // Each of these would run `touch <marker>` if git honoured it while the scan reads history.
      const program = `touch ${marker}; false`;
      run('config', 'core.fsmonitor', program);
      run('config', 'diff.external', program);
      run('config', 'core.pager', program);
      run('config', 'log.showSignature', 'true');
      run('config', 'gpg.program', program);
      const report = await scanForLeakedKeys({ paths: [hostile], git: true, revoke: false, source: fakeSource([], []), relativeTo: hostile });
      assert.equal(report.keys.length, 1, 'the key is still found');
      assert.equal(existsSync(marker), false, 'a program from the repository configuration ran');
    } finally {
      rmSync(hostile, { recursive: true, force: true });
    }
  });

  test('--git outside a repository says so', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'fraiseql-ts-no-git-'));
    try {
      await assert.rejects(
        scanForLeakedKeys({ paths: [outside], git: true, revoke: false, source: fakeSource([], []) }),
        GitError,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

/**
 * A repository made by a script: every commit has the same author and committer date, so
 * `git log` cannot order them by time. The commits that added a key are found by what their
 * trees hold, ancestors first; a merge that brings a branch in is not one of them; keys only in
 * a stash are named by their stash entry.
 */
describe('keys scan --git: which commit added a key', () => {
  const sameSecond = {
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  };
  const addedThenDeleted = generateApiKey().key;
  const onBranch = generateApiKey().key;
  const stashedStaged = generateApiKey().key;
  const stashedUnstaged = generateApiKey().key;
  const stashedUntracked = generateApiKey().key;
  const stagedOnly = generateApiKey().key;
  let scripted: string;
  const commits: Record<string, string> = {};

  const run = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: scripted,
      encoding: 'utf8',
      env: { ...process.env, ...sameSecond, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' },
    }).trim();
  const commit = (name: string): void => {
    run('commit', '-q', '-m', name);
    commits[name] = run('rev-parse', 'HEAD');
  };

  before(() => {
    scripted = mkdtempSync(join(tmpdir(), 'fraiseql-ts-leak-same-date-'));
    run('init', '-q', '-b', 'main');
    writeFileSync(join(scripted, 'README.md'), 'base\n');
    run('add', '.');
    commit('base');
    writeFileSync(join(scripted, '.env'), `API_KEY=${addedThenDeleted}\n`);
    run('add', '.env');
    commit('add');
    run('rm', '-q', '.env');
    commit('delete');
    writeFileSync(join(scripted, 'other.txt'), 'unrelated\n');
    run('add', 'other.txt');
    commit('unrelated');
    // The same file version added again later, at another path: a second adding commit.
    writeFileSync(join(scripted, 'config.env'), `API_KEY=${addedThenDeleted}\n`);
    run('add', 'config.env');
    commit('add again');
    // A key added on a branch, then merged: the branch commit added it, the merge did not.
    run('checkout', '-q', '-b', 'side', commits['base'] ?? '');
    writeFileSync(join(scripted, 'side.txt'), `${onBranch}\n`);
    run('add', 'side.txt');
    commit('side');
    run('checkout', '-q', 'main');
    run('merge', '-q', '--no-edit', 'side');
    commits['merge'] = run('rev-parse', 'HEAD');
    // Three stashes: a staged new file, an unstaged change, an untracked file (-u).
    writeFileSync(join(scripted, 'staged.txt'), `${stashedStaged}\n`);
    run('add', 'staged.txt');
    run('stash', '-q');
    writeFileSync(join(scripted, 'README.md'), `base\n${stashedUnstaged}\n`);
    run('stash', '-q');
    writeFileSync(join(scripted, 'untracked.txt'), `${stashedUntracked}\n`);
    run('stash', '-q', '-u');
    // Staged, in no commit.
    writeFileSync(join(scripted, 'index-only.txt'), `${stagedOnly}\n`);
    run('add', 'index-only.txt');
  });
  after(() => {
    rmSync(scripted, { recursive: true, force: true });
  });

  const locationsOf = async (key: string): Promise<readonly unknown[]> => {
    const report = await scanForLeakedKeys({ paths: [scripted], git: true, revoke: false, source: fakeSource([], []), relativeTo: scripted });
    return report.keys.find((item) => item.label.startsWith(key.slice(0, 12)))?.locations.filter((location) => location.kind === 'git') ?? [];
  };

  test('the commits that added a key, earliest first; never the one that deleted it', async () => {
    assert.deepEqual(await locationsOf(addedThenDeleted), [
      { kind: 'git', repository: '.', commit: commits['add'], path: '.env', line: 1 },
      { kind: 'git', repository: '.', commit: commits['add again'], path: 'config.env', line: 1 },
    ]);
  });

  test('a key merged in from a branch: the branch commit, not the merge', async () => {
    assert.deepEqual(await locationsOf(onBranch), [
      { kind: 'git', repository: '.', commit: commits['side'], path: 'side.txt', line: 1 },
    ]);
  });

  test('keys only in a stash are named by their stash entry; a key only staged is staged', async () => {
    const [staged, unstaged, untracked] = [await locationsOf(stashedStaged), await locationsOf(stashedUnstaged), await locationsOf(stashedUntracked)];
    const stashOf = (locations: readonly unknown[]): unknown[] =>
      locations.map((location) => {
        const { stash, path, line } = location as { stash?: string; path: string; line: number };
        return { stash, path, line };
      });
    assert.deepEqual(stashOf(untracked), [{ stash: 'stash@{0}', path: 'untracked.txt', line: 1 }]);
    assert.deepEqual(stashOf(unstaged), [{ stash: 'stash@{1}', path: 'README.md', line: 2 }]);
    assert.deepEqual(stashOf(staged), [{ stash: 'stash@{2}', path: 'staged.txt', line: 1 }]);
    assert.deepEqual(await locationsOf(stagedOnly), [
      { kind: 'git', repository: '.', commit: undefined, path: 'index-only.txt', line: 1 },
    ]);

    const report = await scanForLeakedKeys({ paths: [scripted], git: true, revoke: false, source: fakeSource([], []), relativeTo: scripted });
    const text = leakScanReportText(report, false);
    assert.match(text, /git {2}stash@\{1\} \(stash commit [0-9a-f]{12}\) README\.md:2/);
    assert.match(text, /git {2}staged \(in the index, in no commit\) index-only\.txt:1/);
  });
});
