import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { CommandError } from './run-command.ts';

/**
 * What a command needs from a project, when it can also run from the environment alone: the
 * variables that stand in for `fraiseql.toml` (all of them must be set), and what goes wrong
 * without them, for the refusal.
 */
export interface ProjectNeed {
  /** Environment variables that, all set, let the command run without `fraiseql.toml`. */
  readonly settings: readonly string[];
  /** The consequence of running without a project, e.g. "there is no secret to sign tokens with". */
  readonly without: string;
}

/**
 * True when `dir` holds a `fraiseql.toml`, or every variable of `need.settings` is set. A
 * command run outside its project would otherwise make up what the project holds (a
 * development secret, an empty embedded database in `./.fraiseql`) and report on that instead.
 */
export function hasProject(
  dir: string,
  need: ProjectNeed,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (existsSync(join(dir, 'fraiseql.toml'))) return true;
  return need.settings.length > 0 && need.settings.every((name) => (env[name] ?? '') !== '');
}

/**
 * Refuses a command run outside a project (see `hasProject`) before it creates anything,
 * naming the directory and the usual cause: the command was not given `--dir <project>`.
 *
 * @throws CommandError (exit code `exitCode`, default 1) when there is no project.
 */
export function refuseWithoutProject(
  dir: string,
  need: ProjectNeed,
  env: Readonly<Record<string, string | undefined>> = process.env,
  exitCode = 1,
): void {
  if (hasProject(dir, need, env)) return;
  throw new CommandError(
    `${noProjectMessage(dir, need, env)} Run the command in the project directory or pass --dir ` +
      `<project> (for the bundled example: --dir examples/blog), or set ${namesOf(need.settings)}.`,
    exitCode,
  );
}

/**
 * "No fraiseql.toml in <dir>, and X is not set, so <consequence>.", naming the variables of
 * `need.settings` that are missing from `env`.
 */
export function noProjectMessage(
  dir: string,
  need: ProjectNeed,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const missing = need.settings.filter((name) => (env[name] ?? '') === '');
  const verb = missing.length > 1 ? 'are' : 'is';
  return `No fraiseql.toml in ${resolve(dir)}, and ${namesOf(missing)} ${verb} not set, so ${need.without}.`;
}

function namesOf(settings: readonly string[]): string {
  if (settings.length <= 1) return settings[0] ?? '';
  return `${settings.slice(0, -1).join(', ')} and ${settings[settings.length - 1] ?? ''}`;
}
