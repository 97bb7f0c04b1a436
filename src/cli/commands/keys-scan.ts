import { resolve } from 'node:path';

import { GitError } from '../../api-keys/run-git.ts';
import { checkScanPaths, ScanPathError } from '../../api-keys/scan-files.ts';
import {
  leakScanExitCode,
  scanForLeakedKeys,
  type LeakLocation,
  type LeakScanReport,
  type LeakedKey,
} from '../../api-keys/scan-for-leaked-keys.ts';
import { isStillActive, type KeyStatusReport } from '../../api-keys/key-status-source.ts';
import { loadConfig } from '../../config/load-config.ts';
import { hasProject, noProjectMessage, refuseWithoutProject } from '../project-directory.ts';
import { CommandError } from '../run-command.ts';
import { KEYS_PROJECT_NEED, noProjectStatusSource, openKeyStatusSource, type KeysBackend } from './keys-backend.ts';
import type { KeysCommandIo } from './keys.ts';

/** `keys scan` options. */
export interface KeysScanOptions {
  readonly dir: string;
  readonly git?: boolean;
  readonly revoke?: boolean;
  readonly server?: string;
  readonly json?: boolean;
}

const PROCESS_IO: KeysCommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * `fraiseql-ts keys scan [paths...] [--git] [--revoke]`: finds real API keys (their checksum
 * matches) in files and, with `--git`, in every version of every file in the git history,
 * then says for each whether it still works; `--revoke` revokes the ones that do. Keys are
 * named by label (`sk_XXXXXXXXX...abcd`), never printed whole.
 *
 * Exit code: 1 when a key was active when found (even if just revoked: the copy is still
 * there), 2 when a key's status could not be learnt, 0 otherwise.
 */
export async function runKeysScan(
  paths: readonly string[],
  options: KeysScanOptions,
  io: KeysCommandIo = PROCESS_IO,
): Promise<number> {
  const given = (paths.length === 0 ? ['.'] : paths).map((path) => resolve(path));
  // Before the database is opened: a mistyped path is refused at once.
  await checkScanPaths(given).catch((error: unknown) => {
    throw forUser(error);
  });
  const backend = await statusBackend(options, io);
  let report: LeakScanReport;
  try {
    report = await scanForLeakedKeys({
      paths: given,
      git: options.git === true,
      revoke: options.revoke === true,
      source: backend.status,
    });
  } catch (error) {
    throw forUser(error);
  } finally {
    await backend.close();
  }
  io.stdout(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : leakScanReportText(report, options.revoke === true));
  return leakScanExitCode(report);
}

/**
 * Scan failures as the user should see them, with exit code 2: a path given that cannot be
 * read (a mistyped path in a CI gate must fail it, not pass on nothing read), or git failing.
 */
function forUser(error: unknown): unknown {
  if (error instanceof ScanPathError) return new CommandError(error.message, 2);
  if (error instanceof GitError) {
    return new CommandError(`${error.message}\n--git reads the history of the git repository holding each path.`, 2);
  }
  return error;
}

/**
 * Where the scan asks whether keys are active: the project's database or server. Outside a
 * project the files are still scanned (keys are recognised by their checksum alone), but
 * nothing is opened or created to ask about them: each key found is `unknown`, so the scan
 * exits 2 when it finds one. `--revoke` needs the project, and is refused without one.
 */
async function statusBackend(options: KeysScanOptions, io: KeysCommandIo): Promise<KeysBackend> {
  const env = io.env ?? process.env;
  if (!hasProject(options.dir, KEYS_PROJECT_NEED, env)) {
    if (options.revoke === true) refuseWithoutProject(options.dir, KEYS_PROJECT_NEED, env, 2);
    io.stderr(
      `fraiseql-ts: ${noProjectMessage(options.dir, KEYS_PROJECT_NEED, env)} Scanning by checksum only: whether a key ` +
        'found is active cannot be checked. Pass --dir <project> to check it.\n',
    );
    return noProjectStatusSource();
  }
  const config = loadConfig({ dir: options.dir, ...(io.env === undefined ? {} : { env: io.env }) });
  return openKeyStatusSource(config, options.server === undefined ? {} : { server: options.server });
}

/** The scan report as `keys scan` prints it: one block per key, then a summary line. */
export function leakScanReportText(report: LeakScanReport, revoking: boolean): string {
  const lines: string[] = [];
  for (const key of report.keys) lines.push(...keyLines(key));
  for (const item of report.skipped) lines.push(`skipped ${item.path}: ${item.why}`);

  const active = report.keys.filter((key) => isStillActive(key.found.status));
  const revoked = active.filter((key) => key.after !== undefined && !isStillActive(key.after.status));
  const unknown = report.keys.filter((key) => key.found.status === 'unknown');
  const where = [`${report.filesRead} file(s)`, ...report.repositories.map((repository) => `the git history of ${repository}`)];
  lines.push(
    `Found ${report.keys.length} API key(s) in ${where.join(' and ')}; ${summaryOf(active.length, revoked.length, revoking)}` +
      (unknown.length > 0 ? `, ${unknown.length} of unknown status` : '') +
      ` (status from ${report.statusSource}).`,
  );
  if (active.length > 0 && !revoking) lines.push('Revoke them with --revoke, then create new keys for their clients.');
  if (active.length > 0) {
    lines.push('The leaked copies remain where they were found: remove them (and rewrite git history if it is shared).');
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** "2 active", "2 active, revoked now", "2 active, 1 of them revoked now": at the time found. */
function summaryOf(active: number, revoked: number, revoking: boolean): string {
  if (!revoking || active === 0) return `${active} active`;
  if (revoked === active) return `${active} active, revoked now`;
  return `${active} active, ${revoked} of them revoked now`;
}

function keyLines(key: LeakedKey): string[] {
  const after = key.after === undefined ? '' : `, now ${key.after.status}`;
  return [`${key.label}  ${statusText(key.found)}${after}`, ...key.locations.map((location) => `  ${locationText(location)}`)];
}

function statusText(report: KeyStatusReport): string {
  const about = [
    ...(report.owner === undefined ? [] : [`owner ${report.owner}`]),
    ...(report.name === undefined ? [] : [`name "${report.name}"`]),
    ...(report.id === undefined ? [] : [`id ${report.id}`]),
    ...(report.detail === undefined ? [] : [report.detail]),
  ];
  return about.length === 0 ? report.status : `${report.status} (${about.join(', ')})`;
}

function locationText(location: LeakLocation): string {
  switch (location.kind) {
    case 'file':
      return `file ${location.path}:${location.line}`;
    case 'git':
      return `git  ${gitPlace(location.commit, location.stash)} ${location.path}:${location.line} (in ${location.repository})`;
  }
}

/** Where in a repository: a commit, a stash entry (and its commit), or the index only. */
function gitPlace(commit: string | undefined, stash: string | undefined): string {
  if (commit === undefined) return 'staged (in the index, in no commit)';
  return stash === undefined ? `commit ${commit.slice(0, 12)}` : `${stash} (stash commit ${commit.slice(0, 12)})`;
}
