import pg from 'pg';

import { DatabaseConnectError } from './database-connect-error.ts';
import { NotificationListener } from './notification-listener.ts';
import {
  isDatabaseError,
  type Database,
  type QueryResult,
  type RequestContext,
  type SqlStatement,
} from './database.ts';
import { buildRequestSetup } from './request-settings.ts';
import { refuseTransactionControl } from './transaction-control.ts';

/** Options of `openPostgresDatabase`. */
export interface PostgresDatabaseOptions {
  /** A `postgres://user:password@host:port/database` URL (node-postgres syntax). */
  readonly url: string;
  /** Connections in the pool. Default 10. */
  readonly poolMax?: number;
  /** How long to wait for a connection (new or from the pool) before failing. Default 10000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Called with errors of idle pooled connections (the server went away, ...). The pool drops
   * such a connection by itself. Default: ignored.
   */
  readonly onIdleConnectionError?: (error: Error) => void;
}

/** The query config node-postgres accepts; `queryMode` is missing from @types/pg 8.23.1. */
type ExtendedQueryConfig = pg.QueryConfig & { readonly queryMode: 'extended' };

/**
 * int8 as text on this pool only (not the process-wide `pg.types`), matching the embedded
 * engine; node-postgres parses int8[] element-wise to strings already.
 */
const INT8_AS_TEXT: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Opens a node-postgres pool on a PostgreSQL 14+ server behind the `Database` interface and
 * checks that it answers, so a wrong URL fails at start with the server named (never the
 * password).
 *
 * The pool runs in pipeline mode: a request transaction (BEGIN, the role and settings, the
 * statements, COMMIT) is written in one go and costs one round trip.
 */
export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    pipeline: true,
    types: INT8_AS_TEXT,
    application_name: 'fraiseql-ts',
  });
  // Without a listener, an idle connection's error would crash the process.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));

  const database = new PostgresDatabase(pool, new NotificationListener(options.url, options.onIdleConnectionError));
  try {
    await database.ping();
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseConnectError(
      `Could not connect to PostgreSQL at ${describeUrl(options.url)}: ${reason}. Check ` +
        `DATABASE_URL (host, port, database, user and password) and that the server is running.`,
      { cause: error },
    );
  }
  return database;
}

class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  #closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly notifications: NotificationListener,
  ) {}

  listen(channel: string, onMessage: (payload: string | undefined) => void): Promise<() => Promise<void>> {
    return this.notifications.listen(channel, onMessage);
  }

  async runInRequestTransaction(
    context: RequestContext,
    statements: readonly SqlStatement[],
  ): Promise<QueryResult[]> {
    const setup = buildRequestSetup(context, { includeStatementTimeout: true });
    for (const statement of statements) refuseTransactionControl(statement.text);

    const client = await this.checkout();
    if (client.getTransactionStatus() !== 'I') {
      // Never start a request on a connection that is already inside a transaction: BEGIN
      // would only warn and the request would run in someone else's transaction.
      client.release(new Error('connection was not idle'));
      throw new Error('A pooled connection was handed out inside a transaction; it was discarded.');
    }

    // Pipeline mode writes every query without waiting for the previous answer. Each one ends
    // with its own Sync, so after a failure the server answers the rest with 25P02 and turns
    // COMMIT into ROLLBACK: the transaction always ends.
    const pending = [
      client.query('BEGIN'),
      client.query(extended(setup)),
      ...statements.map((statement) => client.query(extended(statement))),
      client.query('COMMIT'),
    ];
    const settled = await Promise.allSettled(pending);

    const failures = settled.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
    );
    const last = settled[settled.length - 1];
    const committed = last?.status === 'fulfilled' && last.value.command === 'COMMIT';
    // Only a connection known to be idle, with nothing but SQL errors, goes back to the pool.
    const clean = client.getTransactionStatus() === 'I' && failures.every(isStatementError);
    client.release(clean ? undefined : new Error('connection state uncertain after a request'));

    // The first failure is the cause; later ones are "current transaction is aborted".
    const [first] = failures;
    if (first !== undefined) throw first;
    if (!committed) {
      throw new Error('The request transaction did not commit, though no statement failed.');
    }

    const results: QueryResult[] = [];
    for (const outcome of settled.slice(2, 2 + statements.length)) {
      if (outcome.status === 'fulfilled') results.push(toQueryResult(outcome.value));
    }
    return results;
  }

  async query<Row = Record<string, unknown>>(
    text: string,
    values: readonly unknown[] = [],
  ): Promise<QueryResult<Row>> {
    refuseTransactionControl(text);
    // The extended protocol takes exactly one statement, as PGlite's query() does.
    const result = await this.pool.query(extended({ text, values }));
    return toQueryResult<Row>(result);
  }

  async exec(script: string): Promise<void> {
    const client = await this.checkout();
    let failure: unknown;
    try {
      // No values: the simple protocol, which runs a script of several statements.
      await client.query(script);
    } catch (error) {
      failure = error;
    }

    // A failed query settles on the ErrorResponse, before the server's ReadyForQuery reports
    // the transaction state, so the state is only known after one more round trip. ROLLBACK
    // outside a transaction merely warns.
    let state = client.getTransactionStatus();
    if (failure !== undefined || state === 'T' || state === 'E') {
      await client.query('ROLLBACK').catch(() => undefined);
      state = client.getTransactionStatus();
      if (failure === undefined) {
        failure = new Error(
          'The script left a transaction open (a BEGIN without COMMIT); it was rolled back. ' +
            'End every transaction the script starts.',
        );
      }
    }
    const clean = state === 'I' && (failure === undefined || isStatementError(failure));
    client.release(clean ? undefined : new Error('connection state uncertain after a script'));
    if (failure !== undefined) throw failure;
  }

  /**
   * A pooled connection with an error listener for as long as it is checked out: a connection
   * that dies mid-request emits 'error', which would otherwise crash the process. The failure
   * itself reaches the caller through the pending queries.
   */
  private async checkout(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    const ignore = (): void => undefined;
    client.on('error', ignore);
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      client.removeListener('error', ignore);
      release(error);
    };
    return client;
  }

  async ping(): Promise<void> {
    await this.pool.query(extended({ text: 'SELECT 1', values: [] }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.notifications.close();
    await this.pool.end();
  }
}

/**
 * An error the server reported about a statement, after which the session goes on. FATAL and
 * PANIC errors (a terminated backend, a shutdown) end the session, and anything that is not a
 * server error (a dropped socket) leaves the connection in an unknown state.
 */
function isStatementError(error: unknown): boolean {
  if (!isDatabaseError(error)) return false;
  const severity = (error as { severity?: unknown }).severity;
  return severity !== 'FATAL' && severity !== 'PANIC';
}

function extended(statement: SqlStatement): ExtendedQueryConfig {
  return { text: statement.text, values: [...statement.values], queryMode: 'extended' };
}

function toQueryResult<Row>(result: pg.QueryResult): QueryResult<Row> {
  return {
    rows: result.rows as Row[],
    fields: result.fields.map((field) => field.name),
  };
}

/** `host:port/database` of a URL, without user or password, for error messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.replace(/^\//, '') || '(default database)';
    return `${parsed.hostname || '(local socket)'}${parsed.port ? `:${parsed.port}` : ''}/${database}`;
  } catch {
    return '(an unparsable URL)';
  }
}
