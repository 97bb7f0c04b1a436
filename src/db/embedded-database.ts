import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';

import { lockDataDir, type PidLock } from './data-dir-lock.ts';
import {
  checkChannelName,
  isDatabaseError,
  type Database,
  type QueryResult,
  type RequestContext,
  type SqlStatement,
} from './database.ts';
import { buildRequestSetup } from './request-settings.ts';
import { refuseTransactionControl } from './transaction-control.ts';

/** Options of `openEmbeddedDatabase`. */
export interface EmbeddedDatabaseOptions {
  /**
   * Directory holding the database files; created (and initialised, about 3.5 s) when missing.
   * Default: undefined, an in-memory database that is gone when closed.
   */
  readonly dataDir?: string;
}

/**
 * Opens embedded PostgreSQL (PGlite, PostgreSQL 18 in WebAssembly) behind the `Database`
 * interface.
 *
 * PGlite has one connection and its session user is a superuser, which bypasses row-level
 * security: every request transaction therefore switches to the request's role first. It
 * ignores `statement_timeout` and blocks the event loop while a statement runs, so it suits
 * development and small deployments. A data directory is locked against other processes.
 */
export async function openEmbeddedDatabase(
  options: EmbeddedDatabaseOptions = {},
): Promise<Database> {
  let lock: PidLock | undefined;
  let dataDir: string | undefined;
  if (options.dataDir !== undefined) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // PGlite writes its files readable and writable by everyone (0666): only the directory's
    // own mode keeps other local users from reading rows and password hashes, or editing them.
    // Also applied to a directory made by an earlier version.
    chmodSync(dataDir, 0o700);
    lock = lockDataDir(dataDir);
  }

  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir === undefined ? {} : { dataDir }),
      // int8 (count(*), bigint keys) as text, as node-postgres returns it: PGlite's default
      // gives a number or a bigint, and JSON.stringify throws on bigint. Array types reuse the
      // element parser, so int8[] follows.
      parsers: { [pgliteTypes.INT8]: (value: string) => value },
    });
  } catch (error) {
    lock?.release();
    throw new Error(
      `Could not open the embedded database${dataDir === undefined ? '' : ` in ${dataDir}`}: ` +
        `${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return new EmbeddedDatabase(pglite, lock);
}

class EmbeddedDatabase implements Database {
  readonly kind = 'embedded' as const;
  #closed = false;
  /**
   * Every call runs after the previous one has finished. PGlite serialises single calls itself,
   * but exec() needs its ROLLBACK-after-failure (and its probe) to follow the failed script
   * before any other caller's statement can land inside the aborted transaction.
   */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pglite: PGlite,
    private readonly lock: PidLock | undefined,
  ) {}

  async runInRequestTransaction(
    context: RequestContext,
    statements: readonly SqlStatement[],
  ): Promise<QueryResult[]> {
    // statement_timeout is left out: PGlite accepts it but never cancels anything.
    const setup = buildRequestSetup(context, { includeStatementTimeout: false });
    for (const statement of statements) refuseTransactionControl(statement.text);

    // PGlite's transaction() holds its connection lock throughout, runs ROLLBACK when the
    // callback throws and rethrows that first error; we stop at the first failing statement.
    return this.serialise(() =>
      this.pglite.transaction(async (tx) => {
        await tx.query(setup.text, [...setup.values]);
        const results: QueryResult[] = [];
        for (const statement of statements) {
          results.push(toQueryResult(await tx.query(statement.text, [...statement.values])));
        }
        return results;
      }),
    );
  }

  async query<Row = Record<string, unknown>>(
    text: string,
    values: readonly unknown[] = [],
  ): Promise<QueryResult<Row>> {
    refuseTransactionControl(text);
    const result = await this.serialise(() => this.pglite.query<Row>(text, [...values]));
    return toQueryResult(result);
  }

  async exec(script: string): Promise<void> {
    await this.serialise(() => this.execAlone(script));
  }

  private async execAlone(script: string): Promise<void> {
    try {
      await this.pglite.exec(script);
    } catch (error) {
      // A script that failed after its own BEGIN leaves the single connection inside an
      // aborted transaction, which would swallow every later request. Outside a transaction
      // ROLLBACK only warns. The script's own error is the one worth reporting.
      await this.pglite.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (await this.insideTransaction()) {
      await this.pglite.exec('ROLLBACK');
      throw new Error(
        'The script left a transaction open (a BEGIN without COMMIT); it was rolled back. ' +
          'End every transaction the script starts.',
      );
    }
  }

  async listen(
    channel: string,
    onMessage: (payload: string | undefined) => void,
  ): Promise<() => Promise<void>> {
    checkChannelName(channel);
    // One in-process connection: a notification can only be missed if the process stops.
    const unlisten = await this.serialise(() => this.pglite.listen(channel, (payload) => onMessage(payload)));
    return () => this.serialise(() => unlisten());
  }

  async ping(): Promise<void> {
    await this.serialise(() => this.pglite.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Let calls already queued finish before the instance goes away.
    await this.#queue.catch(() => undefined);
    try {
      await this.pglite.close();
    } finally {
      this.lock?.release();
    }
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * SAVEPOINT succeeds only inside a transaction block and fails with 25P01 outside one; any
   * other failure (an aborted transaction: 25P02) counts as inside.
   */
  private async insideTransaction(): Promise<boolean> {
    try {
      await this.pglite.exec('SAVEPOINT fraiseql_probe; RELEASE SAVEPOINT fraiseql_probe');
      return true;
    } catch (error) {
      return !(isDatabaseError(error) && error.code === '25P01');
    }
  }
}

function toQueryResult<Row>(result: { rows: Row[]; fields: { name: string }[] }): QueryResult<Row> {
  return { rows: result.rows, fields: result.fields.map((field) => field.name) };
}
