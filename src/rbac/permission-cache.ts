import { LRUCache } from 'lru-cache';

import type { Database } from '../db/database.ts';
import type { SubjectGrants, SubjectPermissions } from '../graphql/access/subject-permissions.ts';

/** The channel built-in migration 004 notifies on when users, roles or grants change. */
export const AUTH_CHANGED_CHANNEL = 'fraiseql_auth_changed';

/** Options of `PermissionCache`. */
export interface PermissionCacheOptions {
  /** How long a subject's permissions are reused, in ms. 0 reads them on every request. */
  readonly ttlMs: number;
  /** Most subjects kept at once (least recently used leave first). Default 10 000. */
  readonly maxSubjects?: number;
}

/**
 * One row per permission of the subject's user (one row with a NULL permission for a user
 * holding none), or no row when the subject is not in the users table.
 */
const GRANTS_QUERY = `
SELECT u.disabled, up.permission
  FROM fraiseql_auth.users u
  LEFT JOIN fraiseql_auth.user_permissions up ON up.user_id = u.id
 WHERE u.subject = $1`;

const EMPTY: ReadonlySet<string> = Object.freeze(new Set<string>());

const NOT_A_USER: SubjectGrants = Object.freeze({ isUser: false, permissions: EMPTY });

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
  readonly #entries: LRUCache<string, SubjectGrants> | undefined;
  readonly #reading = new Map<string, Promise<SubjectGrants>>();
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
    return (await this.grantsOf(subject)).permissions;
  }

  /** Whether `subject` is a database user, and its permissions now (the same cache). */
  async grantsOf(subject: string): Promise<SubjectGrants> {
    const cached = this.#entries?.get(subject);
    if (cached !== undefined) return cached;
    const pending = this.#reading.get(subject);
    if (pending !== undefined) return pending;

    const generation = this.#generation;
    const read = this.read(subject).finally(() => {
      if (this.#reading.get(subject) === read) this.#reading.delete(subject);
    });
    this.#reading.set(subject, read);
    const grants = await read;
    if (generation === this.#generation) this.#entries?.set(subject, grants);
    return grants;
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

  private async read(subject: string): Promise<SubjectGrants> {
    const result = await this.#database.query<{ disabled: boolean; permission: string | null }>(GRANTS_QUERY, [subject]);
    const [first] = result.rows;
    if (first === undefined) return NOT_A_USER;
    if (first.disabled) return Object.freeze({ isUser: true, permissions: EMPTY });
    const names = result.rows.flatMap((row) => (row.permission === null ? [] : [row.permission]));
    return Object.freeze({ isUser: true, permissions: names.length === 0 ? EMPTY : Object.freeze(new Set(names)) });
  }
}
