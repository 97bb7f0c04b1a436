import { readFileSync } from 'node:fs';

import { authSetupFromConfig } from '../../config/auth-options-from-config.ts';
import { loadConfig } from '../../config/load-config.ts';
import { runTokenInspect, type TokenCommandIo } from './token-inspect.ts';
import { runTokenIssue, type TokenIssueArgs } from './token-issue.ts';

function ioFor(dir: string): TokenCommandIo {
  const config = loadConfig({ dir });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => readFileSync(0, 'utf8'),
    authOptions: authSetupFromConfig(config).options,
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
