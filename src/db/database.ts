/**
 * One small interface over both storage engines: embedded PGlite and any PostgreSQL 14+
 * through node-postgres. Everything above `src/db` talks to this, never to a driver.
 */

/** A statement with its bound values. Values are never spliced into `text`. */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

export interface QueryResult<Row = Record<string, unknown>> {
  readonly rows: readonly Row[];
  /** Column names in result order. */
  readonly fields: readonly string[];
}

/** Settings for one request's transaction. */
export interface RequestContext {
  /**
   * The non-superuser role the transaction switches to (`set_config('role', ..., true)`), so
   * that grants and row-level security apply even when the login role is a superuser.
   */
  readonly role: string;
  /**
   * Transaction-local settings (`set_config(name, value, true)`), e.g. `app.user_id`. Names are
   * checked identifiers (`app.<ident>`); values are bound parameters. They end with the
   * transaction, also when a statement fails.
   */
  readonly settings: Readonly<Record<string, string>>;
  /** `statement_timeout` for the transaction, in milliseconds (ignored by PGlite). */
  readonly statementTimeoutMs?: number;
}

export interface Database {
  /** `embedded` (PGlite) or `postgres` (node-postgres pool). */
  readonly kind: 'embedded' | 'postgres';

  /**
   * Runs statements for one request inside one transaction: BEGIN, the role switch and the
   * settings, each statement in order, COMMIT. On real PostgreSQL this goes out in one round
   * trip (pipeline mode). Any failure rolls the whole transaction back and rethrows the first
   * database error; nothing set here is visible to the next transaction on the connection.
   */
  runInRequestTransaction(
    context: RequestContext,
    statements: readonly SqlStatement[],
  ): Promise<QueryResult[]>;

  /** One parameterised statement outside a request transaction (admin work, introspection). */
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<Row>>;

  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;

  /**
   * Subscribes to a NOTIFY channel (a lowercase identifier). `onMessage` receives each payload;
   * it receives `undefined` when notifications may have been missed (the listening connection
   * was lost and re-established), so a cache fed by them must then be flushed. Resolves to a
   * function that unsubscribes. Send with `query('SELECT pg_notify($1, $2)', [channel, text])`.
   */
  listen(channel: string, onMessage: (payload: string | undefined) => void): Promise<() => Promise<void>>;

  /** Liveness check for `/ready`. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** Refuses a channel name that is not a lowercase SQL identifier (it is spliced into LISTEN). */
export function checkChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new Error(`Notification channel "${channel}" must be a lowercase SQL identifier.`);
  }
}

/** A database error with its SQLSTATE, as thrown by either engine. */
export interface DatabaseErrorLike {
  readonly code?: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
}

export function isDatabaseError(error: unknown): error is Error & DatabaseErrorLike {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
