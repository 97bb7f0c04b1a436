import type { Database } from '../db/database.ts';

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
  /** Revokes one token by `jti` until `expiresAt`; an earlier expiry never shortens a revocation. */
  revokeToken(tokenId: string, expiresAt: Date, subject: string | undefined, reason: string): Promise<void>;
  /**
   * Revokes every token of `subject` issued until now, and its sessions; kept for
   * `retentionSeconds`. Returns the instant tokens must be issued after to be accepted.
   */
  revokeSubject(subject: string, retentionSeconds: number, reason: string): Promise<Date>;
  /** Deletes what has expired and is not deleted on its own (rows; Redis keys expire by TTL). */
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

  constructor(private readonly database: Database) {}

  /** LISTEN on `fraiseql_revocation`, which the migration's triggers notify on every change. */
  subscribe(listener: RevocationListener): Promise<() => Promise<void>> {
    return this.database.listen(REVOCATION_CHANNEL, (payload) => listener(payload === undefined));
  }

  /** Nothing to release: the database belongs to the server. */
  async close(): Promise<void> {}

  /** One statement answers all three questions, so a cache miss costs one round trip. */
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
           WHERE r.subject = $3 AND r.expires_at > now()) AS revoked_before`,
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

  /** Revokes one token by `jti` until `expiresAt` (when it would have expired anyway). */
  async revokeToken(tokenId: string, expiresAt: Date, subject: string | undefined, reason: string): Promise<void> {
    await this.database.query(
      `INSERT INTO fraiseql_auth.revoked_tokens AS r (token_id, expires_at, subject, reason)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (token_id) DO UPDATE SET expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)`,
      [tokenId, expiresAt.toISOString(), subject ?? null, reason],
    );
  }

  /**
   * Revokes every token of `subject` issued until now, and its sessions; kept for
   * `retentionSeconds`. Returns the instant tokens must be issued after to be accepted.
   */
  async revokeSubject(subject: string, retentionSeconds: number, reason: string): Promise<Date> {
    const result = await this.database.query<{ revoked_before: string | Date }>(
      `SELECT fraiseql_auth.revoke_subject($1, make_interval(secs => $2), $3) AS revoked_before`,
      [subject, retentionSeconds, reason],
    );
    const value = result.rows[0]?.revoked_before;
    if (value === undefined) throw new Error('revoke_subject returned no row.');
    return value instanceof Date ? value : new Date(value);
  }

  /** Deletes expired rows: revocations of tokens that expired, spent refresh tokens, ended sessions. */
  async cleanup(): Promise<CleanupCounts> {
    const result = await this.database.query<Record<string, string | number>>(
      'SELECT * FROM fraiseql_auth.cleanup_expired_sessions()',
    );
    const row = result.rows[0] ?? {};
    return {
      revokedTokens: Number(row['revoked_tokens'] ?? 0),
      revokedUsers: Number(row['revoked_users'] ?? 0),
      refreshTokens: Number(row['refresh_tokens'] ?? 0),
      sessions: Number(row['sessions'] ?? 0),
    };
  }
}
