import { LRUCache } from 'lru-cache';

import { planOperation, type PlanOptions, type PlanResult } from './operation-plan.ts';

/**
 * Plans by document: the same text and operation name always give the same plan (or the same
 * errors), so both are kept. Bounded, so a client sending endless distinct documents only
 * evicts old entries.
 */
export class PlanCache {
  private readonly entries: LRUCache<string, PlanResult>;

  /** @param maxEntries Distinct documents kept. Default 1000. */
  constructor(
    private readonly options: PlanOptions,
    maxEntries = 1000,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  get(source: string, operationName: string | undefined): PlanResult {
    const key = `${operationName ?? ''}\u0000${source}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const result = planOperation(source, operationName, this.options);
    this.entries.set(key, result);
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}
