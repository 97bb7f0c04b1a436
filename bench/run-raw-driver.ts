import { performance } from 'node:perf_hooks';

import pg from 'pg';

import type { SqlStatement } from '../src/db/database.ts';
import { quantile, type LoadResult } from './load-result.ts';

/** How to drive the raw driver. */
export interface RawDriverOptions {
  readonly url: string;
  /** Connections in the pool; the server's pool size, for a like-for-like comparison. */
  readonly poolMax: number;
  /** Transactions in flight at once (the HTTP run's connection count). */
  readonly concurrency: number;
  /** The statement after BEGIN that switches role and sets `app.*` (the server's own text). */
  readonly setup: SqlStatement;
  /** The statements the server ran for the request. */
  readonly statements: readonly SqlStatement[];
  /** Called with the first statement's rows of the first transaction, to check the answer. */
  readonly checkFirstRows?: (rows: readonly Record<string, unknown>[]) => void;
}

/** An open raw driver: a pool and the transaction, ready to be timed. */
export interface RawDriver {
  /** Keeps `concurrency` transactions in flight for `seconds`, discarding the numbers. */
  warmUp(seconds: number): Promise<void>;
  /** Keeps `concurrency` transactions in flight for `seconds` and reports what completed. */
  measure(seconds: number): Promise<LoadResult>;
  close(): Promise<void>;
}

/** The query config node-postgres accepts; `queryMode` is missing from @types/pg 8.23.1. */
type ExtendedQuery = pg.QueryConfig & { readonly queryMode: 'extended' };

function extended(statement: SqlStatement): ExtendedQuery {
  return { text: statement.text, values: [...statement.values], queryMode: 'extended' };
}

/**
 * Prepares the server's transaction to run straight through node-postgres, as a program with
 * no GraphQL or HTTP would: a pool in pipeline mode, and per transaction BEGIN, the setup
 * statement, the statements and COMMIT written without waiting for each answer. Runs it once
 * and checks the answer before anything is timed. Latency runs from asking the pool for a
 * connection to the COMMIT's answer, so waiting for a free connection counts, as it does for
 * the server.
 */
export async function openRawDriver(options: RawDriverOptions): Promise<RawDriver> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    pipeline: true,
    application_name: 'fraiseql-ts-bench-raw',
  });
  pool.on('error', () => undefined);
  const queries = [options.setup, ...options.statements].map(extended);

  const transaction = async (): Promise<pg.QueryResult[]> => {
    const client = await pool.connect();
    const settled = await Promise.allSettled([
      client.query('BEGIN'),
      ...queries.map((query) => client.query(query)),
      client.query('COMMIT'),
    ]);
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    client.release(failure === undefined ? undefined : new Error('failed transaction'));
    if (failure !== undefined) throw failure.reason;
    return settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  };

  try {
    // A wrong transaction must fail loudly, not be timed.
    const first = await transaction();
    const rows = first[2]?.rows ?? [];
    if (rows.length === 0) {
      throw new Error('The raw transaction returned no rows; the setup is wrong.');
    }
    options.checkFirstRows?.(rows as Record<string, unknown>[]);
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    warmUp: (seconds) => drive(transaction, options.concurrency, seconds, undefined),
    async measure(seconds) {
      const samples: number[] = [];
      const failed = { count: 0 };
      const started = performance.now();
      await drive(transaction, options.concurrency, seconds, { samples, failed });
      const elapsed = (performance.now() - started) / 1000;
      samples.sort((a, b) => a - b);
      return {
        perSecond: samples.length / elapsed,
        p50Ms: quantile(samples, 0.5),
        p99Ms: quantile(samples, 0.99),
        completed: samples.length,
        failed: failed.count,
      };
    },
    close: () => pool.end(),
  };
}

/** Keeps `concurrency` transactions in flight for `seconds`, recording latencies when asked. */
async function drive(
  transaction: () => Promise<unknown>,
  concurrency: number,
  seconds: number,
  record: { samples: number[]; failed: { count: number } } | undefined,
): Promise<void> {
  const end = performance.now() + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await transaction();
        record?.samples.push(performance.now() - start);
      } catch {
        if (record !== undefined) record.failed.count += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}
