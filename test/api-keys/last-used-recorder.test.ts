/**
 * `last_used_at` is written in batches: one entry per key (the latest use), one statement per
 * flush, kept for the next flush when the write fails, and written at close.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LastUsedRecorder } from '../../src/api-keys/last-used-recorder.ts';
import { createLogger } from '../../src/log/logger.ts';

function fakeStore(failures = 0) {
  const writes: Map<string, number>[] = [];
  let failing = failures;
  return {
    writes,
    async recordUse(uses: ReadonlyMap<string, number>): Promise<void> {
      if (failing > 0) {
        failing -= 1;
        throw new Error('database down');
      }
      writes.push(new Map(uses));
    },
  };
}

describe('last_used_at recording', () => {
  test('uses are batched per key with the latest time, one write per flush', async () => {
    const store = fakeStore();
    const recorder = new LastUsedRecorder({ store, logger: createLogger({ level: 'silent' }), flushIntervalMs: 60_000 });
    recorder.record('a', 10);
    recorder.record('a', 30);
    recorder.record('a', 20);
    recorder.record('b', 5);
    await recorder.flush();
    await recorder.flush();
    assert.deepEqual(store.writes, [new Map([['a', 30], ['b', 5]])]);
    await recorder.close();
  });

  test('a failed write is retried at the next flush; close writes what is pending', async () => {
    const store = fakeStore(1);
    const recorder = new LastUsedRecorder({ store, logger: createLogger({ level: 'silent' }), flushIntervalMs: 60_000 });
    recorder.record('a', 10);
    await recorder.flush();
    assert.deepEqual(store.writes, []);
    recorder.record('c', 7);
    await recorder.close();
    assert.deepEqual(store.writes, [new Map([['c', 7], ['a', 10]])]);
  });
});
