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

/** What starting a session takes. */
export interface SessionStart {
  readonly userId: string;
  /** Scopes granted by the login. */
  readonly scopes: readonly string[];
  /** sha256 of the first refresh token. */
  readonly refreshHash: string;
  readonly expiresAt: Date;
  /** The password hash the login verified the password against. */
  readonly verifiedPasswordHash: string;
}

/**
 * Whether a session was started, or why not: the user's password hash is no longer the one the
 * login verified, the user was disabled, or the user row is gone.
 */
export type StartOutcome =
  | { readonly started: true; readonly sessionId: string }
  | { readonly started: false; readonly refusal: 'password_changed' | 'disabled' | 'user_gone' };

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

  /**
   * Starts a session with its first refresh token, when the user still holds the password hash
   * the login verified and is not disabled. The check and the insert are one statement that
   * locks the user's row FOR SHARE: a password change or a disabling (an UPDATE of the row)
   * either committed before, and the check sees it, or waits until the session is committed, and
   * its revoke-all (the disabling trigger of built-in migration 006, or the revoke-all that
   * setting a password makes) then ends the session too. A login in flight cannot outlive either.
   */
  async start(login: SessionStart): Promise<StartOutcome> {
    const result = await this.database.query<{
      family_id: string | null;
      same_password: boolean | null;
      disabled: boolean | null;
    }>(
      `WITH login_user AS (
         SELECT id, coalesce(password_hash = $5, false) AS same_password, disabled
           FROM fraiseql_auth.users WHERE id = $1::bigint
            FOR SHARE
       ), session AS (
         INSERT INTO fraiseql_auth.sessions (user_id, scopes, expires_at)
         SELECT id, $2::text[], $4 FROM login_user WHERE same_password AND NOT disabled
         RETURNING family_id
       ), first_token AS (
         INSERT INTO fraiseql_auth.refresh_tokens (token_hash, family_id, expires_at)
         SELECT $3, family_id, $4 FROM session RETURNING family_id
       )
       SELECT (SELECT family_id::text FROM first_token) AS family_id,
              (SELECT same_password FROM login_user) AS same_password,
              (SELECT disabled FROM login_user) AS disabled`,
      [login.userId, [...login.scopes], login.refreshHash, login.expiresAt.toISOString(), login.verifiedPasswordHash],
    );
    const row = result.rows[0];
    if (row === undefined) throw new Error('The session statement returned no row.');
    if (row.family_id !== null) return { started: true, sessionId: row.family_id };
    if (row.same_password === null) return { started: false, refusal: 'user_gone' };
    if (!row.same_password) return { started: false, refusal: 'password_changed' };
    if (row.disabled === true) return { started: false, refusal: 'disabled' };
    throw new Error('The session was not created, and the user row gives no reason.');
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
