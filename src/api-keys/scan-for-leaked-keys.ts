import { lstat } from 'node:fs/promises';
import { dirname, relative } from 'node:path';

import { apiKeyLabel } from './api-key-format.ts';
import { isStillActive, type KeyStatusReport, type KeyStatusSource } from './key-status-source.ts';
import { scanFiles } from './scan-files.ts';
import { gitTopLevel, scanGitHistory } from './scan-git-history.ts';

/** Where a key was found. */
export type LeakLocation =
  | { readonly kind: 'file'; readonly path: string; readonly line: number }
  | {
      readonly kind: 'git';
      readonly repository: string;
      /** A commit that added the file version; undefined when only staged. */
      readonly commit: string | undefined;
      /** The stash entry (`stash@{0}`) the commit belongs to, when it is a stash's. */
      readonly stash?: string;
      readonly path: string;
      readonly line: number;
    };

/** One distinct key found, wherever it appeared. */
export interface LeakedKey {
  /** `sk_XXXXXXXXX...abcd`: never the key itself. */
  readonly label: string;
  readonly locations: readonly LeakLocation[];
  /** Its status when found. */
  readonly found: KeyStatusReport;
  /** Its status after `--revoke` (undefined without it). */
  readonly after: KeyStatusReport | undefined;
}

/** The outcome of a scan. */
export interface LeakScanReport {
  readonly keys: readonly LeakedKey[];
  readonly filesRead: number;
  readonly repositories: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly why: string }[];
  readonly statusSource: string;
}

/** Options of `scanForLeakedKeys`. */
export interface LeakScanOptions {
  /** Files and directories to read. */
  readonly paths: readonly string[];
  /** Also read the whole history of the git repositories holding `paths`. */
  readonly git: boolean;
  /** Revoke every key found active. */
  readonly revoke: boolean;
  readonly source: KeyStatusSource;
  /** Paths in the report are relative to this directory. Default: the current one. */
  readonly relativeTo?: string;
}

/**
 * Finds real keys (the checksum must match) in files and, with `git`, in every version of
 * every file in the history, then asks `source` whether each is still active and, with
 * `revoke`, revokes the active ones. The full keys stay in memory: the report names them by
 * label only, so the scan's own output does not leak them again.
 *
 * @throws GitError when `git` is set and a path is not inside a git work tree.
 */
export async function scanForLeakedKeys(options: LeakScanOptions): Promise<LeakScanReport> {
  const base = options.relativeTo ?? process.cwd();
  const shown = (path: string): string => relative(base, path) || '.';
  const byKey = new Map<string, { label: string; locations: LeakLocation[] }>();
  const note = (key: string, label: string, location: LeakLocation): void => {
    const entry = byKey.get(key) ?? { label, locations: [] };
    entry.locations.push(location);
    byKey.set(key, entry);
  };

  const files = await scanFiles(options.paths);
  for (const finding of files.findings) {
    note(finding.parts.key, apiKeyLabel(finding.parts.prefix, finding.parts.last4), {
      kind: 'file',
      path: shown(finding.path),
      line: finding.line,
    });
  }

  const repositories: string[] = [];
  if (options.git) {
    for (const path of options.paths) {
      const info = await lstat(path).catch(() => undefined);
      const top = await gitTopLevel(info?.isDirectory() === true ? path : dirname(path));
      if (!repositories.includes(top)) repositories.push(top);
    }
    for (const repository of repositories) {
      for (const finding of await scanGitHistory(repository)) {
        note(finding.parts.key, apiKeyLabel(finding.parts.prefix, finding.parts.last4), {
          kind: 'git',
          repository: shown(repository),
          commit: finding.commit,
          ...(finding.stash === undefined ? {} : { stash: finding.stash }),
          path: finding.path,
          line: finding.line,
        });
      }
    }
  }

  const keys: LeakedKey[] = [];
  for (const [key, entry] of byKey) {
    const found = await options.source.check(key);
    const after = options.revoke && isStillActive(found.status) ? await options.source.revoke(key) : undefined;
    keys.push({ label: entry.label, locations: entry.locations, found, after });
  }
  return {
    keys,
    filesRead: files.filesRead,
    repositories: repositories.map(shown),
    skipped: files.skipped.map((item) => ({ ...item, path: shown(item.path) })),
    statusSource: options.source.description,
  };
}

/**
 * The exit code of `keys scan`: 1 when a key was active when found (even if `--revoke` has
 * just revoked it: it leaked, and the copy is still there), 2 when a key's status could not
 * be learnt, 0 otherwise (nothing found, or only dead keys).
 */
export function leakScanExitCode(report: LeakScanReport): number {
  if (report.keys.some((key) => isStillActive(key.found.status))) return 1;
  if (report.keys.some((key) => key.found.status === 'unknown')) return 2;
  return 0;
}
