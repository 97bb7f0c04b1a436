import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { authSetupFromConfig, tokenIdRuleFromConfig } from '../../config/auth-options-from-config.ts';
import { loadConfig } from '../../config/load-config.ts';
import { CommandError } from '../run-command.ts';
import { runTokenInspect, type TokenCommandIo } from './token-inspect.ts';
import { runTokenIssue, type TokenIssueArgs } from './token-issue.ts';

/**
 * Without a fraiseql.toml and without JWT_SECRET, a token command would make up a development
 * secret in that directory, one no server uses: the token it issues would be refused and
 * `inspect` would judge against the wrong key. Refused, naming the usual cause (no --dir).
 */
function refuseWithoutProject(dir: string): void {
  if (existsSync(join(dir, 'fraiseql.toml')) || (process.env.JWT_SECRET ?? '') !== '') return;
  throw new CommandError(
    `No fraiseql.toml in ${resolve(dir)}, and JWT_SECRET is not set, so there is no secret to ` +
      'sign or check tokens with. Run the command in the project directory or pass --dir ' +
      '<project> (for the bundled example: --dir examples/blog), or set JWT_SECRET.',
  );
}

function ioFor(dir: string): TokenCommandIo {
  refuseWithoutProject(dir);
  const config = loadConfig({ dir });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => readFileSync(0, 'utf8'),
    authOptions: authSetupFromConfig(config).options,
    tokenIdRule: tokenIdRuleFromConfig(config),
  };
}

/** `fraiseql-ts token issue`, with the project's configuration (audience and issuer defaults). */
export async function runTokenIssueCommand(options: Record<string, unknown>): Promise<number> {
  const dir = typeof options.dir === 'string' ? options.dir : '.';
  return runTokenIssue(options as TokenIssueArgs, ioFor(dir));
}

/** `fraiseql-ts token inspect <token>`, against the project's configuration. */
export async function runTokenInspectCommand(token: string, options: Record<string, unknown>): Promise<number> {
  const dir = typeof options.dir === 'string' ? options.dir : '.';
  return runTokenInspect({ token, json: options.json === true }, ioFor(dir));
}
