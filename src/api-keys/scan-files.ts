import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { access, lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { findKeysInText, type KeyInText } from './find-keys-in-text.ts';

/** A key found in a file of the working tree. */
export interface FileFinding extends KeyInText {
  readonly path: string;
}

/** What `scanFiles` found, and what it did not read. */
export interface FileScan {
  readonly findings: FileFinding[];
  /** Files not read, with why (too large, unreadable). */
  readonly skipped: { readonly path: string; readonly why: string }[];
  readonly filesRead: number;
}

/** Options of `scanFiles`. */
export interface ScanFilesOptions {
  /** Files larger than this are skipped (and listed). Default 50 MiB. */
  readonly maxFileBytes?: number;
}

/**
 * A path given to the scan that cannot be read: missing, not permitted, neither a file nor a
 * directory, or too large. An error rather than a skipped entry, so that a mistyped path makes
 * a CI gate fail instead of passing on nothing read.
 */
export class ScanPathError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`Cannot scan ${path}: ${why}. Check the path given to keys scan.`);
    this.name = 'ScanPathError';
  }
}

/**
 * Reads every regular file under `paths` (files or directories, recursively) and reports the
 * real keys in them. `.git` directories are left to the history scan; symbolic links inside a
 * directory are not followed, so nothing outside the given paths is read (a path given itself
 * may be a link). Bytes are read as Latin-1: keys are ASCII, and binary files cannot make the
 * decoding fail. Files found inside a directory that cannot be read are skipped and listed.
 *
 * @throws ScanPathError when a path of `paths` itself cannot be read.
 */
export async function scanFiles(paths: readonly string[], options: ScanFilesOptions = {}): Promise<FileScan> {
  const maxBytes = options.maxFileBytes ?? 50 * 1024 * 1024;
  const scan = { findings: [] as FileFinding[], skipped: [] as FileScan['skipped'], filesRead: 0 };
  const visit = async (path: string, given: boolean): Promise<void> => {
    const unreadable = (why: string): void => {
      if (given) throw new ScanPathError(path, why);
      scan.skipped.push({ path, why });
    };
    let info: Stats;
    try {
      info = given ? await scanRoot(path, maxBytes) : await lstat(path);
    } catch (error) {
      if (error instanceof ScanPathError) throw error;
      unreadable(reason(error));
      return;
    }
    if (info.isDirectory()) {
      let entries: string[];
      try {
        entries = (await readdir(path)).sort();
      } catch (error) {
        unreadable(reason(error));
        return;
      }
      for (const entry of entries) {
        if (entry !== '.git') await visit(join(path, entry), false);
      }
      return;
    }
    if (!info.isFile()) return;
    if (info.size > maxBytes) {
      unreadable(`larger than ${maxBytes} bytes`);
      return;
    }
    try {
      const text = (await readFile(path)).toString('latin1');
      scan.filesRead += 1;
      for (const found of findKeysInText(text)) scan.findings.push({ ...found, path });
    } catch (error) {
      unreadable(reason(error));
    }
  };
  for (const path of paths) await visit(path, true);
  return scan;
}

/**
 * Checks the paths given to a scan before anything else is opened: each must be a readable
 * regular file (within the size limit) or directory.
 *
 * @throws ScanPathError naming the first path that is not.
 */
export async function checkScanPaths(paths: readonly string[], options: ScanFilesOptions = {}): Promise<void> {
  const maxBytes = options.maxFileBytes ?? 50 * 1024 * 1024;
  for (const path of paths) await scanRoot(path, maxBytes);
}

/** The file information of a given path, following a link. @throws ScanPathError. */
async function scanRoot(path: string, maxBytes: number): Promise<Stats> {
  let info: Stats;
  try {
    info = await stat(path);
    await access(path, constants.R_OK);
  } catch (error) {
    throw new ScanPathError(path, reason(error));
  }
  if (!info.isFile() && !info.isDirectory()) throw new ScanPathError(path, 'it is neither a regular file nor a directory');
  if (info.isFile() && info.size > maxBytes) throw new ScanPathError(path, `it is larger than ${maxBytes} bytes, the most a file scan reads`);
  return info;
}

/** Why a file could not be read, in words (`no such file or directory`), else the error's message. */
function reason(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
