import { createHash } from 'node:crypto';

import { LRUCache } from 'lru-cache';

import type { Principal } from './principal.ts';

/**
 * Verified tokens, keyed by sha256(token) so the cache never holds a usable token. An entry
 * lives until the earliest of the token's `exp`, its key's retirement and `maxTtlSeconds`, and
 * is checked against the clock on every read. The whole cache is flushed when keys change.
 */
export class VerifiedTokenCache {
  readonly #entries: LRUCache<string, { principal: Principal; until: number }> | undefined;
  readonly #maxTtlMs: number;
  readonly #now: () => number;

  /** `maxEntries` 0 turns the cache off. `now` gives epoch milliseconds. */
  constructor(maxEntries: number, maxTtlSeconds: number, now: () => number) {
    this.#entries = maxEntries > 0 ? new LRUCache({ max: maxEntries }) : undefined;
    this.#maxTtlMs = maxTtlSeconds * 1000;
    this.#now = now;
  }

  /** The principal of a token verified before and still valid, or undefined. */
  get(key: string): Principal | undefined {
    const entry = this.#entries?.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.until) {
      this.#entries?.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  /** Remembers a verified token until `validUntilMs` (capped by the maximum TTL). */
  set(key: string, principal: Principal, validUntilMs: number | undefined): void {
    if (this.#entries === undefined) return;
    const now = this.#now();
    const until = Math.min(validUntilMs ?? Number.POSITIVE_INFINITY, now + this.#maxTtlMs);
    if (until > now) this.#entries.set(key, { principal, until });
  }

  /** Forgets every token (keys rotated, configuration reloaded). */
  clear(): void {
    this.#entries?.clear();
  }

  /** How many tokens are cached. */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** The cache key of a token: its SHA-256, hex. */
  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }
}
