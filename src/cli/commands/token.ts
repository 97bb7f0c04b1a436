import { readFileSync } from 'node:fs';

import { authSetupFromConfig, tokenIdRuleFromConfig } from '../../config/auth-options-from-config.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { refuseWithoutProject, type ProjectNeed } from '../project-directory.ts';
import { CommandError } from '../run-command.ts';
import { printInspectError, runTokenInspect, type TokenCommandIo } from './token-inspect.ts';
import { refuseWithoutSubject, runTokenIssue, type TokenIssueArgs } from './token-issue.ts';

/**
 * Without a fraiseql.toml and without JWT_SECRET, a token command would make up a development
 * secret in that directory, one no server uses: the token it issues would be refused and
 * `inspect` would judge against the wrong key. Refused, naming the usual cause (no --dir).
 */
const TOKEN_NEED: ProjectNeed = {
  settings: ['JWT_SECRET'],
  without: 'there is no secret to sign or check tokens with',
};

function ioFor(dir: string): TokenCommandIo {
  refuseWithoutProject(dir, TOKEN_NEED);
  const config = loadConfig({ dir });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => readFileSync(0, 'utf8'),
    authOptions: authSetupFromConfig(config).options,
    tokenIdRule: tokenIdRuleFromConfig(config),
  };
}

/**
 * `fraiseql-ts token issue`, with the project's configuration (audience and issuer defaults).
 * Without `--sub` it stops with the usage error before reading the project.
 */
export async function runTokenIssueCommand(options: Record<string, unknown>): Promise<number> {
  const args = options as TokenIssueArgs;
  const usage = refuseWithoutSubject(args, (text) => void process.stderr.write(text));
  if (usage !== undefined) return usage;
  const dir = typeof options.dir === 'string' ? options.dir : '.';
  return runTokenIssue(args, ioFor(dir));
}

/**
 * `fraiseql-ts token inspect <token>`, against the project's configuration. With `--json`, a
 * project that cannot be read (none, or an invalid configuration) is reported as JSON too.
 */
export async function runTokenInspectCommand(token: string, options: Record<string, unknown>): Promise<number> {
  const dir = typeof options.dir === 'string' ? options.dir : '.';
  const json = options.json === true;
  let io: TokenCommandIo;
  try {
    io = ioFor(dir);
  } catch (error) {
    if (!json || !(error instanceof CommandError || error instanceof ConfigError)) throw error;
    const stdio = { stdout: (text: string) => void process.stdout.write(text), stderr: () => undefined };
    return printInspectError(stdio, true, error.message, error instanceof CommandError ? error.exitCode : 1);
  }
  return runTokenInspect({ token, json }, io);
}
