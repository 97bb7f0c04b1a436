import type { Database } from '../db/database.ts';
import {
  revokeAllRetentionSeconds,
  unknownExpiryRetentionSeconds,
  type RevocationEnd,
  type RevocationLifetime,
} from './revocation-lifetime.ts';

/** The NOTIFY channel built-in migration 006's triggers send on when anything is revoked. */
export const REVOCATION_CHANNEL = 'fraiseql_revocation';

/** What the store knows about one token. */
export interface RevocationState {
  /** Its `jti` is in revoked_tokens (and that row has not expired). */
  readonly tokenRevoked: boolean;
  /** True/false for a session this server knows (`sid`); null for any other token. */
  readonly sessionRevoked: boolean | null;
  /**
   * The subject of the user the `sid`'s session belongs to; null when `sessionRevoked` is
   * null. A token naming a session of another subject is refused.
   */
  readonly sessionSubject: string | null;
  /** Epoch seconds of the subject's revoke-all, or null when there is none. */
  readonly revokedBefore: number | null;
}

/** The facts of a token the store is asked about. */
export interface RevocationQuery {
  readonly tokenId?: string;
  readonly sessionId?: string;
  readonly subject: string;
}

/** Rows deleted by one cleanup run. */
export interface CleanupCounts {
  readonly revokedTokens: number;
  readonly revokedUsers: number;
  readonly refreshTokens: number;
  readonly sessions: number;
}

/** What the revocation check needs from a store (a seam for tests of store failures). */
export interface RevocationLookup {
  lookup(query: RevocationQuery): Promise<RevocationState>;
}

/**
 * Called when a revocation may have been made on any server. `missed` is true when
 * notifications may have been lost (a listening connection dropped), so caches must be emptied.
 */
export type RevocationListener = (missed: boolean) => void;

/**
 * One interface over both revocation stores, `[revocation] store = "postgres"` (this file's
 * `RevocationStore`) and `"redis"` (`RedisRevocationStore`). Sessions and refresh tokens live
 * in PostgreSQL with either store. The cache in front of it (`CachedRevocationCheck`), the
 * logout and revoke-all logic (`TokenRevoker`) and the CLI are the same for both.
 */
export interface RevocationBackend extends RevocationLookup {
  /** `postgres` or `redis`: which `[revocation] store` this is. */
  readonly kind: 'postgres' | 'redis';
  /** The bound on token lifetimes that decides how long revocations are kept. */
  readonly lifetime: RevocationLifetime;
  /**
   * Revokes one token by `jti` until `end` (`never`: kept for good); an earlier end never
   * shortens a revocation.
   */
  revokeToken(tokenId: string, end: RevocationEnd, subject: string | undefined, reason: string): Promise<void>;
  /**
   * Revokes every token of `subject` issued until now, and its sessions. Kept while a token it
   * refuses could still be accepted: for good, unless `lifetime` bounds token lifetimes.
   * Returns the instant tokens must be issued after to be accepted.
   */
  revokeSubject(subject: string, reason: string): Promise<Date>;
  /**
   * Deletes what can no longer refuse anything and is not deleted on its own (rows; Redis keys
   * expire by TTL): see `RevocationStore.cleanup`.
   */
  cleanup(): Promise<CleanupCounts>;
  /** Calls `listener` after every revocation made on any server; resolves to an unsubscribe. */
  subscribe(listener: RevocationListener): Promise<() => Promise<void>>;
  /** Releases the store's own connections (not the project's database). */
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The query's `sid` when it can name one of this server's sessions, else null. A `sid` that
 * is not a UUID was not issued here (an identity provider's session id): it names no session
 * of ours, and casting it to uuid would fail the statement.
 */
export function ownSessionId(query: RevocationQuery): string | null {
  return query.sessionId !== undefined && UUID.test(query.sessionId) ? query.sessionId : null;
}

/**
 * fraiseql_auth.revoked_tokens / revoked_users / sessions (built-in migration 006). Writes
 * notify every server through the migration's triggers; nothing here has to remember to.
 */
export class RevocationStore implements RevocationBackend {
  readonly kind = 'postgres';

  /**
   * `lifetime` defaults to no bound on token lifetimes: revocations of unknown expiry and
   * revoke-alls are then kept for good.
   */
  constructor(
    private readonly database: Database,
    readonly lifetime: RevocationLifetime = { maxTokenLifetimeSeconds: undefined },
  ) {}

  /** LISTEN on `fraiseql_revocation`, which the migration's triggers notify on every change. */
  subscribe(listener: RevocationListener): Promise<() => Promise<void>> {
    return this.database.listen(REVOCATION_CHANNEL, (payload) => listener(payload === undefined));
  }

  /** Nothing to release: the database belongs to the server. */
  async close(): Promise<void> {}

  /**
   * One statement answers all three questions, so a cache miss costs one round trip. A
   * revoke-all counts for as long as its row exists, whatever its `expires_at` says: rows written
   * by earlier versions, and by the migration's trigger that disables a user, carry a one-day
   * `expires_at` that may end before the tokens they refuse; `cleanup` decides when it goes.
   */
  async lookup(query: RevocationQuery): Promise<RevocationState> {
    const sessionId = ownSessionId(query);
    const result = await this.database.query<{
      token_revoked: boolean;
      session_revoked: boolean | null;
      session_subject: string | null;
      revoked_before: number | string | null;
    }>(
      `SELECT
         EXISTS (SELECT 1 FROM fraiseql_auth.revoked_tokens
                  WHERE token_id = $1 AND expires_at > now()) AS token_revoked,
         (SELECT s.revoked_at IS NOT NULL FROM fraiseql_auth.sessions s
           WHERE s.family_id = $2::uuid) AS session_revoked,
         (SELECT u.subject FROM fraiseql_auth.sessions s JOIN fraiseql_auth.users u ON u.id = s.user_id
           WHERE s.family_id = $2::uuid) AS session_subject,
         (SELECT extract(epoch FROM r.revoked_before)::float8 FROM fraiseql_auth.revoked_users r
           WHERE r.subject = $3) AS revoked_before`,
      [query.tokenId ?? null, sessionId, query.subject],
    );
    const row = result.rows[0];
    if (row === undefined) throw new Error('The revocation lookup returned no row.');
    return {
      tokenRevoked: row.token_revoked,
      sessionRevoked: row.session_revoked,
      sessionSubject: row.session_subject,
      revokedBefore: row.revoked_before === null ? null : Number(row.revoked_before),
    };
  }

  /**
   * Revokes one token by `jti` until `end`; `never` is stored as `expires_at = 'infinity'`,
   * which `expires_at > now()` always keeps and cleanup deletes only under a lifetime bound.
   */
  async revokeToken(tokenId: string, end: RevocationEnd, subject: string | undefined, reason: string): Promise<void> {
    await this.database.query(
      `INSERT INTO fraiseql_auth.revoked_tokens AS r (token_id, expires_at, subject, reason)
       VALUES ($1, $2::timestamptz, $3, $4)
       ON CONFLICT (token_id) DO UPDATE SET expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)`,
      [tokenId, end === 'never' ? 'infinity' : end.toISOString(), subject ?? null, reason],
    );
  }

  /**
   * Revokes every token of `subject` issued until now: upserts its revoked_users row, whose
   * triggers (built-in migrations 006 and 008) revoke the subject's sessions and API keys and
   * notify every server. The row is written under the subject's lock, which API key creation
   * also takes (migration 010), and `now()` there becomes the moment the lock is held, so a key
   * committed before is revoked and one written after sees the revoke-all. `expires_at` records
   * when the row may go (`infinity` without a lifetime bound); `cleanup` decides from
   * `revoked_before`. Returns that instant.
   */
  async revokeSubject(subject: string, reason: string): Promise<Date> {
    const keepSeconds = revokeAllRetentionSeconds(this.lifetime);
    const result = await this.database.query<{ revoked_before: string | Date }>(
      `INSERT INTO fraiseql_auth.revoked_users AS r (subject, revoked_before, expires_at, reason)
       VALUES ($1, now(),
               CASE WHEN $2::float8 IS NULL THEN 'infinity'::timestamptz
                    ELSE now() + make_interval(secs => $2::float8) END,
               $3)
       ON CONFLICT (subject) DO UPDATE
         SET revoked_before = EXCLUDED.revoked_before,
             expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at),
             reason = EXCLUDED.reason
       RETURNING revoked_before`,
      [subject, keepSeconds ?? null, reason],
    );
    const value = result.rows[0]?.revoked_before;
    if (value === undefined) throw new Error('The revoke-all statement returned no row.');
    return value instanceof Date ? value : new Date(value);
  }

  /**
   * Deletes rows that can no longer refuse or refresh anything:
   * - a revoked token whose `expires_at` has passed (its `exp` plus the largest leeway, or the
   *   end written for it); one kept for good (`infinity`: its expiry was unknown) only when
   *   `lifetime` bounds token lifetimes and that bound (plus twice the largest leeway) has passed
   *   since it was revoked;
   * - a revoke-all only under such a bound, once every token it refuses has expired (its
   *   `revoked_before` plus the bound plus the largest leeway); never without one. Its
   *   `expires_at` is not trusted: earlier versions and the user-disabling trigger wrote a day;
   * - refresh tokens that expired, and sessions that ended more than a day and five minutes
   *   ago (the longest access token lifetime plus the largest leeway: a revoked session must be
   *   remembered while any of its access tokens could still be presented).
   * The server's login role runs these (the request roles have no access to the schema).
   */
  async cleanup(): Promise<CleanupCounts> {
    const unknownExpiry = unknownExpiryRetentionSeconds(this.lifetime) ?? null;
    const revokeAll = revokeAllRetentionSeconds(this.lifetime) ?? null;
    const revokedTokens = await this.deleted(
      `DELETE FROM fraiseql_auth.revoked_tokens
        WHERE expires_at < now()
           OR ($1::float8 IS NOT NULL AND expires_at = 'infinity'
               AND revoked_at < now() - make_interval(secs => $1::float8))`,
      [unknownExpiry],
    );
    const revokedUsers = await this.deleted(
      `DELETE FROM fraiseql_auth.revoked_users
        WHERE $1::float8 IS NOT NULL AND revoked_before < now() - make_interval(secs => $1::float8)`,
      [revokeAll],
    );
    const refreshTokens = await this.deleted('DELETE FROM fraiseql_auth.refresh_tokens WHERE expires_at < now()', []);
    const sessions = await this.deleted(
      `DELETE FROM fraiseql_auth.sessions WHERE expires_at < now() - interval '1 day 5 minutes'`,
      [],
    );
    return { revokedTokens, revokedUsers, refreshTokens, sessions };
  }

  /** Runs one DELETE and counts its rows. */
  private async deleted(statement: string, values: readonly unknown[]): Promise<number> {
    const result = await this.database.query<{ n: number }>(
      `WITH gone AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      values,
    );
    return Number(result.rows[0]?.n ?? 0);
  }
}
