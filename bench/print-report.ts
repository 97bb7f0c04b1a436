import type { SqlStatement } from '../src/db/database.ts';
import type { SideSummary } from './alternate-rounds.ts';

/** What the report's heading states about the run. */
export interface RunDescription {
  readonly serverVersion: string;
  readonly connections: number;
  readonly poolMax: number;
  readonly rounds: number;
  readonly roundSeconds: number;
  readonly warmupSeconds: number;
}

/** Prints the transaction both sides run, with its bound values. */
export function printTransaction(setup: SqlStatement, statements: readonly SqlStatement[]): void {
  console.log('The transaction measured on both sides (pipelined, one round trip):');
  console.log('  BEGIN');
  for (const statement of [setup, ...statements]) {
    console.log(`  ${statement.text.replaceAll('\n', '\n  ')}`);
    console.log(`    -- values: ${JSON.stringify(statement.values)}`);
  }
  console.log('  COMMIT\n');
}

const LABEL_WIDTH = 40;

function line(label: string, cells: readonly string[]): string {
  return label.padEnd(LABEL_WIDTH) + cells.map((cell) => cell.padStart(10)).join('');
}

function row(label: string, side: SideSummary): string {
  return line(label, [
    side.perSecond.toFixed(0),
    side.p50Ms.toFixed(2),
    side.p99Ms.toFixed(2),
    String(side.failed),
  ]);
}

/**
 * Prints requests/s and latency of both sides, each round's rates, and the ratio
 * server / raw driver (overall, and the lowest and highest of the rounds).
 */
export function printResults(run: RunDescription, server: SideSummary, raw: SideSummary): void {
  console.log(
    `PostgreSQL ${run.serverVersion}; ${String(run.connections)} requests in flight; pool ` +
      `${String(run.poolMax)}; ${String(run.rounds)} alternating rounds of ` +
      `${String(run.roundSeconds)} s per side after ${String(run.warmupSeconds)} s warm-up`,
  );
  console.log(line('', ['req/s', 'p50 ms', 'p99 ms', 'failed']));
  console.log(row('fraiseql-ts serve (HTTP, wrk)', server));
  console.log(row('raw pg, same transaction, pipelined', raw));
  const rates = (side: SideSummary): string =>
    side.rounds.map((round) => round.perSecond.toFixed(0)).join(', ');
  console.log(`req/s per round: server ${rates(server)}; raw ${rates(raw)}`);

  const ratios = server.rounds.map((round, index) => {
    const other = raw.rounds[index];
    return other === undefined ? Number.NaN : round.perSecond / other.perSecond;
  });
  console.log(
    `ratio server / raw driver: ${(server.perSecond / raw.perSecond).toFixed(2)} ` +
      `(rounds from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`,
  );
}
