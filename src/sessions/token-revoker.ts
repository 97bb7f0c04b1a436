import type { Principal } from '../auth/principal.ts';
import { PublicError } from '../errors/public-error.ts';
import { hashRefreshToken } from './refresh-token.ts';
import { endAfterExpiry, endOfUnknownExpiry, type RevocationEnd } from './revocation-lifetime.ts';
import type { RevocationBackend } from './revocation-store.ts';
import type { SessionStore } from './session-store.ts';

/** What a logout revoked. */
export interface LogoutResult {
  readonly revoked: true;
  /** The access token's `jti`, when it had one. */
  readonly token_id?: string;
  /** The session ended with it, when the token or refresh token belonged to one. */
  readonly session_revoked: boolean;
}

/** What a revoke-all recorded. */
export interface RevokeAllResult {
  readonly revoked: true;
  readonly sub: string;
  /** Tokens of `sub` issued at or before this instant are refused (ISO 8601). */
  readonly revoked_before: string;
}

export interface TokenRevokerParts {
  readonly revocations: RevocationBackend;
  readonly sessions: SessionStore;
  /** Called after every revocation, so this server's cache forgets at once. */
  readonly onRevoked: () => void;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Logout and revoke-all, shared by the HTTP routes and the CLI. Writes go to the store, which
 * notifies every server (PostgreSQL triggers, or a Redis PUBLISH); `onRevoked` also empties
 * this server's cache without waiting.
 *
 * A revocation lasts as long as the token it revokes could still be accepted: until its `exp`
 * plus the largest clock leeway when the expiry is known; otherwise for the longest lifetime
 * the server accepts (`[auth] max_token_lifetime_seconds`, the store's `lifetime`), and for
 * good without one (see revocation-lifetime.ts).
 */
export class TokenRevoker {
  readonly #now: () => number;

  constructor(private readonly parts: TokenRevokerParts) {
    this.#now = parts.now ?? Date.now;
  }

  /**
   * Revokes the caller's access token (by `jti`, until its `exp`; a token without `exp`, which
   * development accepts, as long as the store's lifetime bound allows, or for good) and the
   * session it belongs to (its refresh token and every other access token of that login).
   */
  async logout(principal: Principal): Promise<LogoutResult> {
    const sessionId = typeof principal.claims['sid'] === 'string' ? principal.claims['sid'] : undefined;
    if (principal.tokenId === undefined && sessionId === undefined) {
      throw new PublicError('TOKEN_NOT_REVOCABLE', {
        message:
          'This token has no jti claim, so it cannot be revoked on its own; use POST /auth/revoke-all ' +
          'to revoke every token of its subject.',
        extensions: { reason: 'TOKEN_NOT_REVOCABLE' },
      });
    }
    if (principal.tokenId !== undefined) {
      const end =
        principal.expiresAt === undefined
          ? endOfUnknownExpiry(this.#now(), this.parts.revocations.lifetime)
          : endAfterExpiry(principal.expiresAt);
      await this.parts.revocations.revokeToken(principal.tokenId, end, principal.subject, 'logout');
    }
    const sessionRevoked =
      sessionId !== undefined && isUuid(sessionId) ? await this.parts.sessions.revoke(sessionId, 'logout', principal.subject) : false;
    this.parts.onRevoked();
    return {
      revoked: true,
      ...(principal.tokenId === undefined ? {} : { token_id: principal.tokenId }),
      session_revoked: sessionRevoked,
    };
  }

  /**
   * Ends the session of a refresh token: a client whose access token has expired can still
   * log out. Refused like a failed refresh when the token is unknown.
   */
  async logoutWithRefreshToken(refreshToken: string): Promise<LogoutResult> {
    const hash = hashRefreshToken(refreshToken);
    const session = hash === undefined ? undefined : await this.parts.sessions.sessionOfRefreshToken(hash);
    if (session === undefined) {
      throw new PublicError('INVALID_REFRESH_TOKEN', { extensions: { reason: 'INVALID_REFRESH_TOKEN' } });
    }
    const revoked = await this.parts.sessions.revoke(session.sessionId, 'logout');
    this.parts.onRevoked();
    return { revoked: true, session_revoked: revoked };
  }

  /**
   * Revokes every token of `subject` issued until now, and all of its sessions; kept until every
   * such token must have expired under the store's lifetime bound, or for good without one.
   */
  async revokeAll(subject: string, reason: string): Promise<RevokeAllResult> {
    const before = await this.parts.revocations.revokeSubject(subject, reason);
    this.parts.onRevoked();
    return { revoked: true, sub: subject, revoked_before: before.toISOString() };
  }

  /**
   * Revokes one token by `jti` (the CLI, which has no token in hand, passes the expiry it
   * knows). Resolves to when the revocation may be forgotten: the token's `exp` plus the largest
   * leeway; with no expiry known, the longest lifetime the server accepts plus twice that
   * leeway from now, or `never` when no lifetime bound is configured.
   */
  async revokeTokenId(
    tokenId: string,
    expiresAt: Date | undefined,
    subject: string | undefined,
    reason: string,
  ): Promise<RevocationEnd> {
    const end =
      expiresAt === undefined
        ? endOfUnknownExpiry(this.#now(), this.parts.revocations.lifetime)
        : endAfterExpiry(expiresAt.getTime() / 1000);
    await this.parts.revocations.revokeToken(tokenId, end, subject, reason);
    this.parts.onRevoked();
    return end;
  }
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
