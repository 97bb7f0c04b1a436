import type { Logger } from '../log/logger.ts';
import type { ApiKeyStore } from './api-key-store.ts';

/** Options of `LastUsedRecorder`. */
export interface LastUsedRecorderOptions {
  readonly store: Pick<ApiKeyStore, 'recordUse'>;
  readonly logger: Logger;
  /** How often pending uses are written, in milliseconds. */
  readonly flushIntervalMs: number;
}

/**
 * Keeps `last_used_at` current without a write per request: uses are collected in memory (one
 * entry per key, the latest time) and written in one statement per interval, and at close.
 * A failed write is logged and its uses are kept for the next attempt, unless newer ones came.
 */
export class LastUsedRecorder {
  #pending = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: LastUsedRecorderOptions) {
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    // A pending write must not keep the process alive; close() writes what is left.
    this.#timer.unref();
  }

  /** Notes that key `id` was used at `at` (epoch milliseconds). */
  record(id: string, at: number): void {
    const known = this.#pending.get(id);
    if (known === undefined || known < at) this.#pending.set(id, at);
  }

  /** Writes pending uses now (one statement); calls are serialised. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.write());
    return this.#flushing;
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.options.store.recordUse(batch);
    } catch (error) {
      this.options.logger.warn({ err: error, keys: batch.size }, 'could not record when API keys were last used; will retry');
      for (const [id, at] of batch) this.record(id, at);
    }
  }
}
