import { createHash } from 'node:crypto';

import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

import { planOperation, type PlanOptions, type PlanResult } from './operation-plan.ts';

/** Distinct documents kept. */
export const DEFAULT_PLAN_CACHE_ENTRIES = 1000;

/** The accounted size of every kept plan together, in bytes (see `PlanCache`). */
export const DEFAULT_PLAN_CACHE_SIZE = 64 * 1024 * 1024;

/**
 * Accounted bytes per lexical token of a parsed document: its token, AST node and location
 * objects. Measured on graphql-js 16 at 250 to 850 bytes a token, by the shape of the document.
 */
const BYTES_PER_TOKEN = 512;
/** Accounted bytes per error kept with a refused document besides its message (its stack text). */
const BYTES_PER_ERROR = 2048;

/**
 * Plans by document: the same text and operation name always give the same plan (or the same
 * errors), so both are kept. Bounded by count and by size, so that a client sending endless
 * distinct documents, or large ones, only evicts old entries: each plan is accounted at its
 * source text (two bytes a character) plus, for a parsed document, `BYTES_PER_TOKEN` per token,
 * or, for a refused one, its messages. A document bigger than the whole budget is planned for
 * every request and never kept. The key is a SHA-256 digest of the operation name and the text,
 * so the text is held once, by the plan.
 */
export class PlanCache {
  private readonly entries: LRUCache<string, PlanResult>;

  /**
   * @param maxEntries Distinct documents kept. Default 1000.
   * @param maxSize Accounted size of every kept plan together, in bytes. Default 64 MiB.
   */
  constructor(
    private readonly options: PlanOptions,
    maxEntries = DEFAULT_PLAN_CACHE_ENTRIES,
    maxSize = DEFAULT_PLAN_CACHE_SIZE,
  ) {
    this.entries = new LRUCache({ max: maxEntries, maxSize });
  }

  get(source: string, operationName: string | undefined): PlanResult {
    const key = createHash('sha256')
      .update(operationName ?? '')
      .update('\u0000')
      .update(source)
      .digest('base64url');
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const result = planOperation(source, operationName, this.options);
    const size = accountedSize(source, operationName, result);
    this.entries.set(key, result, { size });
    return result;
  }

  /** Distinct documents kept. */
  get size(): number {
    return this.entries.size;
  }

  /** The accounted size of every kept plan, in bytes: at most the cache's `maxSize`. */
  get accountedSize(): number {
    return this.entries.calculatedSize;
  }
}

function accountedSize(
  source: string,
  operationName: string | undefined,
  result: PlanResult,
): number {
  const text = 2 * (source.length + (operationName?.length ?? 0));
  if (result.ok) return text + BYTES_PER_TOKEN * tokenCount(result.plan.document, source);
  switch (result.failure.kind) {
    case 'parse':
    case 'validation':
      return result.failure.errors.reduce(
        (size, error) => size + BYTES_PER_ERROR + 2 * error.message.length,
        text,
      );
    case 'operation':
      return text + BYTES_PER_ERROR + 2 * result.failure.message.length;
  }
}

/** The tokens the parser kept for `document` (they stay reachable from its locations). */
function tokenCount(document: DocumentNode, source: string): number {
  let token = document.loc?.startToken ?? null;
  // Without locations, one token for every character is an upper bound.
  if (token === null) return source.length;
  let count = 0;
  for (; token !== null; token = token.next) count += 1;
  return count;
}
