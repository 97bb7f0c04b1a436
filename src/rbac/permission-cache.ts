import { LRUCache } from 'lru-cache';

import type { Database } from '../db/database.ts';
import type { SubjectPermissions } from '../graphql/access/subject-permissions.ts';

/** The channel built-in migration 004 notifies on when users, roles or grants change. */
export const AUTH_CHANGED_CHANNEL = 'fraiseql_auth_changed';

/** Options of `PermissionCache`. */
export interface PermissionCacheOptions {
  /** How long a subject's permissions are reused, in ms. 0 reads them on every request. */
  readonly ttlMs: number;
  /** Most subjects kept at once (least recently used leave first). Default 10 000. */
  readonly maxSubjects?: number;
}

/** A disabled user, or one unknown to the users table, holds nothing. */
const PERMISSIONS_QUERY = `
SELECT DISTINCT up.permission
  FROM fraiseql_auth.user_permissions up
  JOIN fraiseql_auth.users u ON u.id = up.user_id
 WHERE up.subject = $1 AND NOT u.disabled`;

const EMPTY: ReadonlySet<string> = Object.freeze(new Set<string>());

/**
 * Each subject's database permissions, read as the server's login role and kept briefly.
 *
 * Freshness: every change to the grant tables notifies `fraiseql_auth_changed` on commit
 * (built-in migration 004) and `start` subscribes to it, so every instance forgets all entries
 * and a grant applies to the next request. `ttlMs` bounds the staleness when a notification
 * is lost; a lost listening connection flushes the cache when it comes back.
 *
 * Races: a read that started before an invalidation is answered to its own callers but never
 * stored, so a notification can never be overtaken by the rows it made stale.
 */
export class PermissionCache implements SubjectPermissions {
  readonly #database: Database;
  readonly #entries: LRUCache<string, ReadonlySet<string>> | undefined;
  readonly #reading = new Map<string, Promise<ReadonlySet<string>>>();
  #generation = 0;
  #unlisten: (() => Promise<void>) | undefined;

  constructor(database: Database, options: PermissionCacheOptions) {
    this.#database = database;
    this.#entries =
      options.ttlMs > 0
        ? new LRUCache({ max: options.maxSubjects ?? 10_000, ttl: options.ttlMs, ttlAutopurge: false })
        : undefined;
  }

  /** Subscribes to grant changes. Call once before serving; `close` unsubscribes. */
  async start(): Promise<void> {
    if (this.#unlisten !== undefined) return;
    this.#unlisten = await this.#database.listen(AUTH_CHANGED_CHANNEL, () => this.invalidate());
  }

  async permissionsOf(subject: string): Promise<ReadonlySet<string>> {
    const cached = this.#entries?.get(subject);
    if (cached !== undefined) return cached;
    const pending = this.#reading.get(subject);
    if (pending !== undefined) return pending;

    const generation = this.#generation;
    const read = this.read(subject).finally(() => {
      if (this.#reading.get(subject) === read) this.#reading.delete(subject);
    });
    this.#reading.set(subject, read);
    const permissions = await read;
    if (generation === this.#generation) this.#entries?.set(subject, permissions);
    return permissions;
  }

  /** Forgets every subject (a grant changed, or notifications may have been missed). */
  invalidate(): void {
    this.#generation += 1;
    this.#entries?.clear();
    this.#reading.clear();
  }

  async close(): Promise<void> {
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    this.invalidate();
    await unlisten?.();
  }

  private async read(subject: string): Promise<ReadonlySet<string>> {
    const result = await this.#database.query<{ permission: string }>(PERMISSIONS_QUERY, [subject]);
    if (result.rows.length === 0) return EMPTY;
    return Object.freeze(new Set(result.rows.map((row) => row.permission)));
  }
}
