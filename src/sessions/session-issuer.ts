import { PublicError } from '../errors/public-error.ts';
import type { Logger } from '../log/logger.ts';
import type { AccessTokenMinter, MintedAccessToken } from './access-token-minter.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { hashRefreshToken, newRefreshToken } from './refresh-token.ts';
import type { SessionSettings } from './session-settings.ts';
import type { SessionStore } from './session-store.ts';
import type { UserStore } from './user-store.ts';

/** The body of a successful login or refresh (RFC 6749 §5.1 names). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  /** The granted scopes, space-separated. */
  readonly scope: string;
}

/** A login request, already checked for shape. */
export interface LoginRequest {
  readonly username: string;
  readonly password: string;
  /** Scopes asked for; undefined means every permission the user holds. */
  readonly scopes?: readonly string[];
}

export interface SessionIssuerParts {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly hasher: PasswordHasher;
  readonly minter: AccessTokenMinter;
  readonly settings: SessionSettings;
  readonly logger: Logger;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Login, refresh and renewal: the ways this server hands out tokens. Every refusal is a
 * catalogue error; causes that must not reach the client go to the log.
 */
export class SessionIssuer {
  readonly #now: () => number;

  constructor(private readonly parts: SessionIssuerParts) {
    this.#now = parts.now ?? Date.now;
  }

  /**
   * Checks the password with argon2id, then grants the scopes asked for (each must be one of
   * the user's permissions) or, when none are asked for, all of them. An unknown user, a user
   * without a password and a wrong password get the same answer after the same work; a
   * disabled user is told so only after giving the right password. The session starts only if
   * the user still has the password hash that was verified and is not disabled when it is
   * written (`SessionStore.start`): a password change or a disabling made while argon2id runs
   * refuses the login as if it had come first.
   */
  async login(request: LoginRequest): Promise<TokenResponse> {
    const { users, hasher, logger } = this.parts;
    const user = await users.findByUsername(request.username);
    if (user === undefined || user.passwordHash === null) {
      await hasher.verifyDummy(request.password);
      throw invalidCredentials(user === undefined ? 'no user has this username' : 'the user has no password');
    }
    let matches: boolean;
    try {
      matches = await hasher.verify(user.passwordHash, request.password);
    } catch (error) {
      logger.error(
        { err: error, userId: user.id },
        'A stored password hash is not an argon2 hash; the user cannot log in until its password is set again ' +
          '(fraiseql-ts users set-password).',
      );
      matches = false;
    }
    if (!matches) throw invalidCredentials('wrong password');
    if (user.disabled) {
      throw new PublicError('ACCOUNT_DISABLED', {
        extensions: { reason: 'ACCOUNT_DISABLED' },
        logDetail: { userId: user.id },
      });
    }

    const held = await users.permissionsOf(user.id);
    const scopes = request.scopes === undefined ? held : [...new Set(request.scopes)].sort();
    const notGranted = scopes.filter((scope) => !held.includes(scope));
    if (notGranted.length > 0) {
      throw new PublicError('SCOPE_NOT_GRANTED', {
        message: `Scopes not granted to this user: ${notGranted.join(', ')}`,
        extensions: { reason: 'SCOPE_NOT_GRANTED', notGranted },
      });
    }

    const refresh = newRefreshToken();
    const started = await this.parts.sessions.start({
      userId: user.id,
      scopes,
      refreshHash: refresh.hash,
      expiresAt: this.refreshExpiry(),
      verifiedPasswordHash: user.passwordHash,
    });
    if (!started.started) throw changedDuringLogin(started.refusal, user.id);
    const { sessionId } = started;
    const access = await this.parts.minter.mint({ subject: user.subject, scopes, sessionId });
    logger.info({ subject: user.subject, sessionId, scopes }, 'login: session started');
    return response(access, refresh.token, scopes);
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token; the old one is
   * spent. A spent token presented again revokes its whole session (every access and refresh
   * token descended from that login): either the client or a thief holds a copy, and this
   * server cannot tell which. The scopes are those of the login, less any the user has lost.
   */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const hash = hashRefreshToken(refreshToken);
    if (hash === undefined) throw refreshError('INVALID_REFRESH_TOKEN', 'not shaped like a refresh token');
    const next = newRefreshToken();
    const outcome = await this.parts.sessions.rotate(hash, next.hash, this.refreshExpiry());
    switch (outcome.outcome) {
      case 'unknown':
        throw refreshError('INVALID_REFRESH_TOKEN', 'no such refresh token (never issued, or cleaned up after expiry)');
      case 'expired':
        throw refreshError('REFRESH_TOKEN_EXPIRED', 'the refresh token expired');
      case 'revoked':
        throw refreshError('SESSION_REVOKED', 'the session was revoked (logout, revoke-all or earlier reuse)');
      case 'disabled':
        throw new PublicError('ACCOUNT_DISABLED', { extensions: { reason: 'ACCOUNT_DISABLED' } });
      case 'reused':
        this.parts.logger.warn(
          { subject: outcome.subject, sessionId: outcome.sessionId },
          'A refresh token was presented after it had been exchanged: it was probably stolen. Its whole ' +
            'session (every access and refresh token of that login) has been revoked; the user must log in again.',
        );
        throw refreshError('REFRESH_TOKEN_REUSED', 'refresh token reuse');
      case 'ok': {
        const scopes = await this.currentScopes(outcome.userId, outcome.scopes);
        const access = await this.parts.minter.mint({
          subject: outcome.subject,
          scopes,
          sessionId: outcome.sessionId,
        });
        return response(access, next.token, scopes);
      }
    }
  }

  /**
   * A fresh access token for the same session, when the session is still live; the scopes
   * are re-checked against the user's current permissions. Undefined when it cannot be
   * renewed (the caller then just keeps using the old token until it expires).
   */
  async renew(sessionId: string): Promise<MintedAccessToken | undefined> {
    const session = await this.parts.sessions.live(sessionId);
    if (session === undefined) return undefined;
    const scopes = await this.currentScopes(session.userId, session.scopes);
    return this.parts.minter.mint({ subject: session.subject, scopes, sessionId });
  }

  private async currentScopes(userId: string, granted: readonly string[]): Promise<string[]> {
    const held = new Set(await this.parts.users.permissionsOf(userId));
    return granted.filter((scope) => held.has(scope));
  }

  private refreshExpiry(): Date {
    return new Date(this.#now() + this.parts.settings.refreshTokenTtlSeconds * 1000);
  }
}

function response(access: MintedAccessToken, refreshToken: string, scopes: readonly string[]): TokenResponse {
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    refresh_token: refreshToken,
    scope: scopes.join(' '),
  };
}

function invalidCredentials(why: string): PublicError {
  return new PublicError('INVALID_CREDENTIALS', {
    extensions: { reason: 'INVALID_CREDENTIALS' },
    logDetail: { explanation: why },
  });
}

/**
 * The refusal of a login whose user changed after its password was checked: answered as if the
 * change had come first, since the password given is no longer the user's (401, as for a wrong
 * password), or the user is now disabled (403, and the password given was right).
 */
function changedDuringLogin(refusal: 'password_changed' | 'disabled' | 'user_gone', userId: string): PublicError {
  switch (refusal) {
    case 'password_changed':
      return invalidCredentials('the password was changed while the login was checking it');
    case 'user_gone':
      return invalidCredentials('the user was deleted while the login was checking its password');
    case 'disabled':
      return new PublicError('ACCOUNT_DISABLED', {
        extensions: { reason: 'ACCOUNT_DISABLED' },
        logDetail: { userId, explanation: 'the user was disabled while the login was checking its password' },
      });
  }
}

function refreshError(
  reason: 'INVALID_REFRESH_TOKEN' | 'REFRESH_TOKEN_EXPIRED' | 'SESSION_REVOKED' | 'REFRESH_TOKEN_REUSED',
  why: string,
): PublicError {
  return new PublicError(reason, { extensions: { reason }, logDetail: { explanation: why } });
}
