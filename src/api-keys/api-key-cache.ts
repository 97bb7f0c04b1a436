import { LRUCache } from 'lru-cache';

import type { Database } from '../db/database.ts';
import { AUTH_CHANGED_CHANNEL } from '../rbac/permission-cache.ts';
import type { ApiKeyRecord } from './api-key-record.ts';

/** The NOTIFY channel the api_keys triggers send on (payload: a key prefix, or '' for all). */
export const API_KEY_CHANNEL = 'fraiseql_api_keys';

/** Options of `ApiKeyCache`. */
export interface ApiKeyCacheOptions {
  /** How long a looked-up key is reused, in milliseconds; 0 turns caching off. */
  readonly ttlMs: number;
  /** Most keys kept. Default 10 000. */
  readonly maxEntries?: number;
}

/**
 * Looked-up key rows by prefix, kept briefly so that a busy key does not cost a query per
 * request. Entries are dropped when the database says the row changed (NOTIFY on
 * `fraiseql_api_keys`, sent by triggers on commit), all of them when a grant changed (NOTIFY
 * on `fraiseql_auth_changed`: each entry holds its owner's database permissions), all of them
 * when notifications may have been missed, and otherwise after `ttlMs` as a safety net. Unknown prefixes are never cached.
 *
 * A lookup that started before an invalidation does not store its (possibly stale) result:
 * every invalidation bumps a generation number that the lookup checks before storing.
 */
export class ApiKeyCache {
  readonly #entries: LRUCache<string, ApiKeyRecord> | undefined;
  #generation = 0;

  constructor(options: ApiKeyCacheOptions) {
    this.#entries =
      options.ttlMs > 0
        ? new LRUCache<string, ApiKeyRecord>({ max: options.maxEntries ?? 10_000, ttl: options.ttlMs })
        : undefined;
  }

  /** The cached row for `prefix`, or the result of `load` (stored when still current). */
  async lookup(prefix: string, load: () => Promise<ApiKeyRecord | undefined>): Promise<ApiKeyRecord | undefined> {
    const cached = this.#entries?.get(prefix);
    if (cached !== undefined) return cached;
    const generation = this.#generation;
    const loaded = await load();
    if (loaded !== undefined && generation === this.#generation) this.#entries?.set(prefix, loaded);
    return loaded;
  }

  /** Drops one prefix (a key changed), or everything when `prefix` is undefined or empty. */
  invalidate(prefix?: string): void {
    this.#generation += 1;
    if (prefix === undefined || prefix === '') this.#entries?.clear();
    else this.#entries?.delete(prefix);
  }

  /** Number of cached keys (for tests). */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /**
   * Subscribes to the api_keys notifications of `database` and to its grant changes
   * (`fraiseql_auth_changed`, built-in migration 004). Resolves to the unsubscribe function. Throws when the subscription fails: without it a revocation made elsewhere
   * would go unnoticed for up to `ttlMs`, so the server must not start.
   */
  async follow(database: Database): Promise<() => Promise<void>> {
    const stopKeys = await database.listen(API_KEY_CHANNEL, (payload) => this.invalidate(payload));
    let stopGrants: () => Promise<void>;
    try {
      // Cached rows hold their owner's database permissions: any grant change drops them all.
      stopGrants = await database.listen(AUTH_CHANGED_CHANNEL, () => this.invalidate());
    } catch (error) {
      await stopKeys();
      throw error;
    }
    return async () => {
      await Promise.all([stopKeys(), stopGrants()]);
    };
  }
}
