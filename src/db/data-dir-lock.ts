import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * A lock file that keeps a second process away from an embedded data directory.
 *
 * PGlite does not notice when two processes open the same directory, and both writing to it
 * corrupts it. The lock is a file created with O_EXCL holding the owner's pid; a file whose
 * pid is no longer running (a crash, a kill -9) is taken over, a live one is refused.
 */

/** Name of the lock file inside the data directory. */
export const DATA_DIR_LOCK_FILE = '.fraiseql-ts.lock';

/** A lock held by this process. `release()` is idempotent. */
export interface PidLock {
  readonly path: string;
  release(): void;
}

/** What a lock file records about its holder. */
export interface PidLockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly createdAt: string;
  readonly token: string;
}

/** Thrown when another live process holds the lock. */
export class DataDirLockedError extends Error {
  readonly lockPath: string;
  readonly pid: number | undefined;

  constructor(message: string, lockPath: string, pid: number | undefined) {
    super(message);
    this.name = 'DataDirLockedError';
    this.lockPath = lockPath;
    this.pid = pid;
  }
}

/** A lock file younger than this without readable content is assumed to be mid-write. */
const FRESH_MS = 5_000;

/**
 * Locks an embedded data directory (which must exist) for this process, or throws
 * `DataDirLockedError` naming the directory, the holder's pid and what to do.
 */
export function lockDataDir(dataDir: string): PidLock {
  const lockPath = join(dataDir, DATA_DIR_LOCK_FILE);
  return acquirePidLock(lockPath, (holder) => {
    const where = holder === undefined ? 'another process' : describeHolder(holder);
    return (
      `The data directory ${dataDir} is in use by ${where}. Only one process may open an ` +
      `embedded database at a time: stop that process (for example a running ` +
      `"fraiseql-ts serve"), or point this one at another directory. If you are sure no ` +
      `process uses the directory, delete ${lockPath}.`
    );
  });
}

/**
 * Takes the pid lock file at `lockPath`: created with O_EXCL; a file left by a process that no
 * longer runs (same host) is removed and the lock taken again. `describeLocked` words the
 * error for a live holder (undefined when its content cannot be read yet).
 */
export function acquirePidLock(
  lockPath: string,
  describeLocked: (holder: PidLockHolder | undefined) => string,
): PidLock {
  const content: PidLockHolder = {
    pid: process.pid,
    hostname: hostname(),
    createdAt: new Date().toISOString(),
    token: randomUUID(),
  };

  // A stale file is removed and creation retried; another process may win that race, which the
  // next round reports as a live holder.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(lockPath, content)) return heldLock(lockPath, content);

    const holder = readHolder(lockPath);
    if (holder === 'gone') continue;
    if (holder === 'unreadable') {
      if (isFresh(lockPath))
        throw new DataDirLockedError(describeLocked(undefined), lockPath, undefined);
      removeQuietly(lockPath);
      continue;
    }
    if (isAlive(holder)) throw new DataDirLockedError(describeLocked(holder), lockPath, holder.pid);
    removeQuietly(lockPath);
  }
  throw new DataDirLockedError(describeLocked(undefined), lockPath, undefined);
}

function describeHolder(holder: PidLockHolder): string {
  const host = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`;
  const self = holder.pid === process.pid && host === '' ? ' (this process)' : '';
  return `process ${String(holder.pid)}${self}${host}, since ${holder.createdAt}`;
}

function tryCreate(lockPath: string, content: PidLockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(content));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(lockPath: string): PidLockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isLockContent(parsed)) return parsed;
  } catch {
    // Falls through: an empty or partly written file.
  }
  return 'unreadable';
}

function isLockContent(value: unknown): value is PidLockHolder {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.pid === 'number' &&
    Number.isInteger(record.pid) &&
    record.pid > 0 &&
    typeof record.hostname === 'string' &&
    typeof record.createdAt === 'string' &&
    typeof record.token === 'string'
  );
}

/** A holder on another host cannot be checked, so it counts as alive (fail closed). */
function isAlive(holder: PidLockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}

function isFresh(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs < FRESH_MS;
  } catch {
    return false;
  }
}

function heldLock(lockPath: string, content: PidLockHolder): PidLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    // Only our own file is removed: after a takeover the file may belong to someone else.
    const holder = readHolder(lockPath);
    if (typeof holder === 'object' && holder.token === content.token) removeQuietly(lockPath);
  };
  // A process that exits without closing the database still frees the directory.
  process.on('exit', release);
  return { path: lockPath, release };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
