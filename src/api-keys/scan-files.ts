import { lstat, readdir, readFile } from 'node:fs/promises';
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
 * Reads every regular file under `paths` (files or directories, recursively) and reports the
 * real keys in them. `.git` directories are left to the history scan; symbolic links are not
 * followed, so nothing outside the given paths is read. Bytes are read as Latin-1: keys are
 * ASCII, and binary files cannot make the decoding fail.
 */
export async function scanFiles(paths: readonly string[], options: ScanFilesOptions = {}): Promise<FileScan> {
  const maxBytes = options.maxFileBytes ?? 50 * 1024 * 1024;
  const scan = { findings: [] as FileFinding[], skipped: [] as FileScan['skipped'], filesRead: 0 };
  const visit = async (path: string): Promise<void> => {
    let info;
    try {
      info = await lstat(path);
    } catch (error) {
      scan.skipped.push({ path, why: reason(error) });
      return;
    }
    if (info.isDirectory()) {
      let entries: string[];
      try {
        entries = (await readdir(path)).sort();
      } catch (error) {
        scan.skipped.push({ path, why: reason(error) });
        return;
      }
      for (const entry of entries) {
        if (entry !== '.git') await visit(join(path, entry));
      }
      return;
    }
    if (!info.isFile()) return;
    if (info.size > maxBytes) {
      scan.skipped.push({ path, why: `larger than ${maxBytes} bytes` });
      return;
    }
    try {
      const text = (await readFile(path)).toString('latin1');
      scan.filesRead += 1;
      for (const found of findKeysInText(text)) scan.findings.push({ ...found, path });
    } catch (error) {
      scan.skipped.push({ path, why: reason(error) });
    }
  };
  for (const path of paths) await visit(path);
  return scan;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
