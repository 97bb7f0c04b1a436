import type { LoadResult } from './load-result.ts';

/** One of the two things compared: it can be warmed up and measured for some seconds. */
export interface BenchSide {
  warmUp(seconds: number): Promise<void>;
  measure(seconds: number): Promise<LoadResult>;
}

/** One side over every round. */
export interface SideSummary {
  /** Mean of the rounds' rates (the rounds are equally long, so this is the overall rate). */
  readonly perSecond: number;
  /** Median of the rounds' p50 latencies, in ms. */
  readonly p50Ms: number;
  /** Median of the rounds' p99 latencies, in ms. */
  readonly p99Ms: number;
  /** Failures over all rounds. */
  readonly failed: number;
  readonly rounds: readonly LoadResult[];
}

/** How long and how often. */
export interface RoundOptions {
  readonly rounds: number;
  readonly roundSeconds: number;
  /** Warm-up of each side before the first round; not measured. */
  readonly warmupSeconds: number;
}

/**
 * Measures two sides in alternating rounds (A B, B A, A B, ...) rather than one long run
 * each: the machine is shared and its load drifts over a minute, and interleaving spreads
 * that drift over both sides instead of charging it to whichever ran second.
 */
export async function measureInAlternateRounds(
  first: BenchSide,
  second: BenchSide,
  options: RoundOptions,
): Promise<[SideSummary, SideSummary]> {
  if (options.warmupSeconds > 0) {
    await first.warmUp(options.warmupSeconds);
    await second.warmUp(options.warmupSeconds);
  }
  const results: [LoadResult[], LoadResult[]] = [[], []];
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    for (const index of order) {
      const side = index === 0 ? first : second;
      results[index].push(await side.measure(options.roundSeconds));
    }
  }
  return [summarise(results[0]), summarise(results[1])];
}

function summarise(rounds: readonly LoadResult[]): SideSummary {
  const mean = rounds.reduce((sum, round) => sum + round.perSecond, 0) / rounds.length;
  return {
    perSecond: mean,
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
    rounds,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}
