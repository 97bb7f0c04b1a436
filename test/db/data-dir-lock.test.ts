import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { DATA_DIR_LOCK_FILE, DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.ts';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function writeHolder(dir: string, holder: Record<string, unknown>): void {
  writeFileSync(
    join(dir, DATA_DIR_LOCK_FILE),
    JSON.stringify({
      hostname: hostname(),
      createdAt: '2026-01-01T00:00:00.000Z',
      token: 'other',
      ...holder,
    }),
  );
}

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-lock-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('the lock file holds our pid; a second lock is refused with the directory, pid and fix', () => {
    const lock = lockDataDir(dir);
    const content = JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')) as {
      pid: number;
    };
    assert.equal(content.pid, process.pid);
    assert.throws(
      () => lockDataDir(dir),
      (error) => {
        assert.ok(error instanceof DataDirLockedError);
        assert.equal(error.pid, process.pid);
        assert.ok(
          error.message.includes(
            `The data directory ${dir} is in use by process ${String(process.pid)} (this process)`,
          ),
        );
        assert.match(error.message, /stop that process/);
        assert.ok(error.message.includes(join(dir, DATA_DIR_LOCK_FILE)));
        return true;
      },
    );
    lock.release();
    lock.release();
    assert.equal(existsSync(join(dir, DATA_DIR_LOCK_FILE)), false);
    lockDataDir(dir).release();
  });

  test('a lock left by a process that no longer runs is taken over', () => {
    writeHolder(dir, { pid: deadPid() });
    const lock = lockDataDir(dir);
    const content = JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')) as {
      pid: number;
    };
    assert.equal(content.pid, process.pid);
    lock.release();
  });

  test('a live process keeps its lock', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], {
      stdio: 'ignore',
    });
    try {
      const pid = child.pid;
      assert.ok(pid !== undefined);
      writeHolder(dir, { pid });
      assert.throws(() => lockDataDir(dir), new RegExp(`in use by process ${String(pid)}, since`));
    } finally {
      child.kill();
    }
  });

  test('a holder on another host cannot be checked, so it is refused', () => {
    writeHolder(dir, { pid: deadPid(), hostname: 'elsewhere.example' });
    assert.throws(() => lockDataDir(dir), /on host elsewhere\.example/);
  });

  test('an unreadable lock file is refused while fresh and taken over once old', () => {
    const path = join(dir, DATA_DIR_LOCK_FILE);
    writeFileSync(path, '');
    assert.throws(() => lockDataDir(dir), /in use by another process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    lockDataDir(dir).release();
  });

  test('release leaves a lock file that is no longer ours alone', () => {
    const lock = lockDataDir(dir);
    writeHolder(dir, { pid: process.pid, token: 'someone-else' });
    lock.release();
    assert.equal(existsSync(join(dir, DATA_DIR_LOCK_FILE)), true);
  });
});
