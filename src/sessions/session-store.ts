import type { Database } from '../db/database.ts';

/** What exchanging a refresh token did (see fraiseql_auth.rotate_refresh_token). */
export type RotateOutcome =
  | { readonly outcome: 'unknown' }
  | {
      readonly outcome: 'ok' | 'expired' | 'revoked' | 'reused' | 'disabled';
      readonly sessionId: string;
      readonly userId: string;
      readonly subject: string;
      /** Scopes granted at login. */
      readonly scopes: readonly string[];
    };

/** A session that may still be renewed. */
export interface LiveSession {
  readonly userId: string;
  readonly subject: string;
  readonly scopes: readonly string[];
}

interface RotateRow {
  outcome: string;
  family_id: string | null;
  user_id: string | null;
  subject: string | null;
  scopes: string[] | null;
}

/**
 * Sessions (one per login: a refresh token family) and their refresh tokens, of which only
 * sha256 hashes are stored. Each exchange is one statement calling a function of built-in
 * migration 006, so two servers handed the same token at once cannot both succeed.
 */
export class SessionStore {
  constructor(private readonly database: Database) {}

  /** Starts a session with its first refresh token; returns the session id (`sid`). */
  async start(userId: string, scopes: readonly string[], refreshHash: string, expiresAt: Date): Promise<string> {
    const result = await this.database.query<{ family_id: string }>(
      `WITH session AS (
         INSERT INTO fraiseql_auth.sessions (user_id, scopes, expires_at)
         VALUES ($1::bigint, $2::text[], $4) RETURNING family_id)
       INSERT INTO fraiseql_auth.refresh_tokens (token_hash, family_id, expires_at)
       SELECT $3, family_id, $4 FROM session RETURNING family_id::text AS family_id`,
      [userId, [...scopes], refreshHash, expiresAt.toISOString()],
    );
    const row = result.rows[0];
    if (row === undefined) throw new Error('The session was not created.');
    return row.family_id;
  }

  /** Marks `hash` used and stores `newHash` in its place, or says why it cannot. */
  async rotate(hash: string, newHash: string, newExpiresAt: Date): Promise<RotateOutcome> {
    const result = await this.database.query<RotateRow>(
      `SELECT outcome, family_id::text AS family_id, user_id::text AS user_id, subject, scopes
         FROM fraiseql_auth.rotate_refresh_token($1, $2, $3)`,
      [hash, newHash, newExpiresAt.toISOString()],
    );
    const row = result.rows[0];
    if (row === undefined) throw new Error('rotate_refresh_token returned no row.');
    const outcome = row.outcome;
    if (outcome === 'unknown') return { outcome };
    if (
      (outcome === 'ok' || outcome === 'expired' || outcome === 'revoked' || outcome === 'reused' || outcome === 'disabled') &&
      row.family_id !== null &&
      row.user_id !== null &&
      row.subject !== null
    ) {
      return { outcome, sessionId: row.family_id, userId: row.user_id, subject: row.subject, scopes: row.scopes ?? [] };
    }
    throw new Error(`rotate_refresh_token returned an unexpected outcome "${outcome}".`);
  }

  /**
   * Revokes a session (and thereby its refresh and access tokens); with `subject`, only when
   * the session is that subject's. False when unknown, someone else's or already revoked.
   */
  async revoke(sessionId: string, reason: string, subject?: string): Promise<boolean> {
    const result = await this.database.query(
      `UPDATE fraiseql_auth.sessions s SET revoked_at = now(), revoked_reason = $2
        WHERE s.family_id = $1::uuid AND s.revoked_at IS NULL
          AND ($3::text IS NULL OR EXISTS (
            SELECT 1 FROM fraiseql_auth.users u WHERE u.id = s.user_id AND u.subject = $3))
        RETURNING 1`,
      [sessionId, reason, subject ?? null],
    );
    return result.rows.length > 0;
  }

  /**
   * Whether a session was revoked, and whose it is (its user's subject): for a session of this
   * server; null when `sessionId` (a UUID) names none. The Redis revocation store asks this;
   * the PostgreSQL one answers it in its own statement.
   */
  async revokedState(sessionId: string): Promise<{ revoked: boolean; subject: string } | null> {
    const result = await this.database.query<{ revoked: boolean; subject: string }>(
      `SELECT s.revoked_at IS NOT NULL AS revoked, u.subject
         FROM fraiseql_auth.sessions s JOIN fraiseql_auth.users u ON u.id = s.user_id
        WHERE s.family_id = $1::uuid`,
      [sessionId],
    );
    return result.rows[0] ?? null;
  }

  /**
   * Revokes every session of `subject` that began at or before `before` (a revoke-all made in
   * the Redis store; with the PostgreSQL store a trigger of migration 006 does this). Returns
   * how many were revoked.
   */
  async revokeSubjectSessions(subject: string, before: Date, reason: string): Promise<number> {
    const result = await this.database.query(
      `UPDATE fraiseql_auth.sessions s SET revoked_at = now(), revoked_reason = $3
         FROM fraiseql_auth.users u
        WHERE u.id = s.user_id AND u.subject = $1 AND s.revoked_at IS NULL AND s.created_at <= $2
        RETURNING 1`,
      [subject, before.toISOString(), reason],
    );
    return result.rows.length;
  }

  /** The session a refresh token belongs to, with its user's subject. */
  async sessionOfRefreshToken(hash: string): Promise<{ sessionId: string; subject: string } | undefined> {
    const result = await this.database.query<{ sessionId: string; subject: string }>(
      `SELECT s.family_id::text AS "sessionId", u.subject
         FROM fraiseql_auth.refresh_tokens t
         JOIN fraiseql_auth.sessions s ON s.family_id = t.family_id
         JOIN fraiseql_auth.users u ON u.id = s.user_id
        WHERE t.token_hash = $1`,
      [hash],
    );
    return result.rows[0];
  }

  /** The session when it is neither revoked nor expired and its user is enabled. */
  async live(sessionId: string): Promise<LiveSession | undefined> {
    const result = await this.database.query<LiveSession>(
      `SELECT s.user_id::text AS "userId", u.subject, s.scopes
         FROM fraiseql_auth.sessions s JOIN fraiseql_auth.users u ON u.id = s.user_id
        WHERE s.family_id = $1::uuid AND s.revoked_at IS NULL AND s.expires_at > now()
          AND NOT u.disabled`,
      [sessionId],
    );
    return result.rows[0];
  }
}
