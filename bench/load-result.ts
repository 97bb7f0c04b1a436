/** What one load run measured. */
export interface LoadResult {
  /** Completed requests (or transactions) per second over the measured window. */
  readonly perSecond: number;
  /** Median latency, in milliseconds. */
  readonly p50Ms: number;
  /** 99th percentile latency, in milliseconds. */
  readonly p99Ms: number;
  /** Completed requests (or transactions) in the measured window. */
  readonly completed: number;
  /** Failed requests: non-2xx answers, socket errors or database errors. */
  readonly failed: number;
}

/**
 * The `fraction` quantile (0.5, 0.99) of `sorted` (ascending), by the nearest-rank method:
 * the smallest sample with at least that fraction of samples at or below it.
 */
export function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
