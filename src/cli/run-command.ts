import { ConfigError } from '../config/load-config.ts';

/** An error whose message is meant for the person at the terminal, without a stack trace. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * Runs a subcommand. Expected failures (configuration, schema problems, refused starts) print
 * their message only; anything else prints the stack, since it is a bug in fraiseql-ts.
 * A command returns its exit code (default 0).
 */
export async function runCommand(action: () => Promise<number | void>): Promise<void> {
  try {
    const code = await action();
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  } catch (error) {
    if (error instanceof CommandError || error instanceof ConfigError || isUserFacing(error)) {
      process.stderr.write(`fraiseql-ts: ${(error as Error).message}\n`);
      process.exitCode = error instanceof CommandError ? error.exitCode : 1;
      return;
    }
    process.stderr.write(`fraiseql-ts: unexpected error (please report it):\n${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 70;
  }
}

/**
 * Errors from other layers that already carry a message for the user: a refused start or a
 * bad schema, configuration or database setup is not a bug to report, and a stack trace would
 * bury the message that says what to change.
 */
const USER_FACING_ERRORS: ReadonlySet<string> = new Set([
  'SchemaCompileError',
  'SchemaSourceError',
  'SchemaAuthoringError',
  'MigrationError',
  'DataDirLockedError',
  'StartupError',
  'AuthConfigurationError',
  'RequestRoleError',
  'DatabaseConnectError',
]);

function isUserFacing(error: unknown): boolean {
  return error instanceof Error && USER_FACING_ERRORS.has(error.name);
}
