import type { RequestContext, SqlStatement } from './database.ts';

/**
 * Checks on what a request transaction sets, shared by both engines, and the one statement
 * that sets it.
 *
 * Names never reach SQL text (they are bound), but they are still checked: a setting outside
 * the `app.` namespace could change server behaviour (`search_path`, `role`, ...), and a role
 * value of `none` would switch back to the login role, which may be a superuser that bypasses
 * row-level security.
 */

/** Thrown when a request context names a role, setting or timeout that must not be used. */
export class InvalidRequestSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestSettingError';
  }
}

/** `app.` followed by one lowercase SQL identifier (PostgreSQL's 63-byte limit). */
const SETTING_NAME = /^app\.[a-z_][a-z0-9_]{0,62}$/;

/** A plain SQL identifier, as accepted for the configured role names. */
const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Names that PostgreSQL gives a special meaning where a role is expected. `none` in
 * particular resets the role to the session user.
 */
const RESERVED_ROLE_NAMES = new Set([
  'none',
  'public',
  'current_user',
  'current_role',
  'session_user',
]);

/** Largest `statement_timeout` PostgreSQL accepts, in milliseconds. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Refuses a transaction-local setting name that is not `app.<identifier>` in lowercase
 * (for example `app.user_id`, `app.tenant_id`).
 */
export function checkSettingName(name: string): void {
  if (!SETTING_NAME.test(name)) {
    throw new InvalidRequestSettingError(
      `Request setting name ${JSON.stringify(name)} is not allowed: settings must be named ` +
        `app.<name> with <name> a lowercase SQL identifier (letters, digits, underscores), ` +
        `for example app.user_id. Rename the inject key.`,
    );
  }
}

/**
 * Refuses a role name a request could not safely switch to: anything but a plain identifier,
 * names starting with `pg_` (reserved by PostgreSQL) and the special names `none`, `public`,
 * `current_user`, `current_role`, `session_user`.
 */
export function checkRoleName(name: string, what = 'Request role'): void {
  const lower = name.toLowerCase();
  if (!ROLE_NAME.test(name) || RESERVED_ROLE_NAMES.has(lower) || lower.startsWith('pg_')) {
    throw new InvalidRequestSettingError(
      `${what} ${JSON.stringify(name)} is not allowed: use a plain SQL identifier (letters, ` +
        `digits, underscores; at most 63 characters) that does not start with pg_ and is not ` +
        `none, public, current_user, current_role or session_user.`,
    );
  }
}

/** Refuses a statement timeout that is not a whole number of milliseconds in PostgreSQL's range. */
export function checkStatementTimeout(timeoutMs: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new InvalidRequestSettingError(
      `Statement timeout ${String(timeoutMs)} is not allowed: give a whole number of ` +
        `milliseconds between 1 and ${String(MAX_TIMEOUT_MS)}.`,
    );
  }
}

/**
 * Builds the single statement that starts a request transaction after BEGIN:
 * `SELECT set_config('role', $1, true), set_config($2, $3, true), ...`, with the statement
 * timeout last when asked for. Every name and value is a bound parameter and every setting is
 * transaction-local, so it ends with the transaction whatever happens.
 *
 * `includeStatementTimeout` is false for PGlite, which ignores `statement_timeout`.
 */
export function buildRequestSetup(
  context: RequestContext,
  options: { includeStatementTimeout: boolean },
): SqlStatement {
  checkRoleName(context.role);
  const calls = [`set_config('role', $1, true)`];
  const values: string[] = [context.role];

  for (const [name, value] of Object.entries(context.settings)) {
    checkSettingName(name);
    if (typeof value !== 'string') {
      throw new InvalidRequestSettingError(
        `Request setting ${name} must be a string; got ${typeof value}. Convert the value ` +
          `before it reaches the database layer.`,
      );
    }
    values.push(name, value);
    calls.push(`set_config($${String(values.length - 1)}, $${String(values.length)}, true)`);
  }

  if (options.includeStatementTimeout && context.statementTimeoutMs !== undefined) {
    checkStatementTimeout(context.statementTimeoutMs);
    values.push(String(context.statementTimeoutMs));
    calls.push(`set_config('statement_timeout', $${String(values.length)}, true)`);
  }

  return { text: `SELECT ${calls.join(', ')}`, values };
}
