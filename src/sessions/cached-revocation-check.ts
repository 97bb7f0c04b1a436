import { LRUCache } from 'lru-cache';

import { logAuthRefusal } from '../auth/log-auth-refusal.ts';
import type { Principal } from '../auth/principal.ts';
import type { RevocationCheck } from '../auth/request-authenticator.ts';
import { PublicError } from '../errors/public-error.ts';
import type { Logger } from '../log/logger.ts';
import type { RevocationBackend, RevocationLookup, RevocationState } from './revocation-store.ts';

/** How the revocation check behaves. */
export interface RevocationCheckOptions {
  /** Refuse tokens without `jti`. */
  readonly requireJti: boolean;
  /** Accept tokens when the store fails (logged as an error) instead of refusing them. */
  readonly failOpen: boolean;
  /** Longest time an answer is reused, in seconds; 0 asks the store every time. */
  readonly cacheSeconds: number;
  /** Most answers kept. Default 10000. */
  readonly maxEntries?: number;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** Longest `jti` the store can hold (revoked_tokens.token_id is varchar(255)). */
const MAX_TOKEN_ID_LENGTH = 255;

/** Least time between two error lines about a failing store, in ms: an outage is one story. */
const FAILURE_LOG_INTERVAL_MS = 5000;

/**
 * Decides from the store's answer whether a token is revoked:
 * - its `jti` was revoked (logout, `token revoke`);
 * - its `sid` names one of this server's sessions: the session decides (logout, refresh token
 *   reuse, revoke-all, a disabled user all revoke the session). A revoke-all therefore does not
 *   refuse a session that began after it, even within the same second. A session of another
 *   subject than the token's `sub` refuses it: a token cannot borrow a session it was not
 *   issued for (to escape a revoke-all of its own subject);
 * - otherwise a revoke-all of its subject refuses it when it was issued at or before that
 *   instant, or when it has no `iat` to tell.
 */
export function isRevoked(state: RevocationState, principal: Principal): boolean {
  if (state.tokenRevoked) return true;
  if (state.sessionRevoked !== null) return state.sessionRevoked || state.sessionSubject !== principal.subject;
  if (state.revokedBefore === null) return false;
  return principal.issuedAt === undefined || principal.issuedAt <= state.revokedBefore;
}

/**
 * The `RevocationCheck` every JWT-authenticated request goes through: the store's answer for
 * each token, kept in a small in-process cache for at most `cacheSeconds` (and never past the
 * token's `exp`). Every revocation, on any server, notifies channel `fraiseql_revocation` (a
 * PostgreSQL NOTIFY, or a Redis PUBLISH with the Redis store, whose session changes still come
 * through PostgreSQL), and each server empties its cache on the notification, so a revocation
 * holds everywhere within the notification's delivery time. When notifications may have been
 * missed (a listening connection was lost), the cache is emptied too.
 */
export class CachedRevocationCheck implements RevocationCheck {
  readonly #cache: LRUCache<string, { revoked: boolean; until: number }>;
  readonly #now: () => number;
  /** Bumped by every flush: an answer fetched across a flush may be stale and is not kept. */
  #generation = 0;
  #unlisten: (() => Promise<void>) | undefined;
  #lastFailureLog = 0;
  #suppressedFailures = 0;

  constructor(
    private readonly store: RevocationLookup,
    private readonly options: RevocationCheckOptions,
    private readonly logger: Logger,
  ) {
    this.#cache = new LRUCache({ max: options.maxEntries ?? 10_000 });
    this.#now = options.now ?? Date.now;
  }

  /**
   * Subscribes to the store's revocation notifications (LISTEN/NOTIFY, or Redis pub/sub with
   * the Redis store); call before serving.
   */
  async listen(store: Pick<RevocationBackend, 'subscribe'>): Promise<void> {
    this.#unlisten = await store.subscribe((missed) => {
      if (missed) {
        this.logger.warn('Revocation notifications may have been missed (connection lost); cache emptied.');
      }
      this.flush();
    });
  }

  /** Forgets every cached answer (a revocation was made). */
  flush(): void {
    this.#generation += 1;
    this.#cache.clear();
  }

  async close(): Promise<void> {
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    await unlisten?.().catch(() => undefined);
    this.flush();
  }

  /**
   * Refuses a revoked token (TOKEN_REVOKED), one without the `jti` revocation needs
   * (JTI_REQUIRED), or any token while the store cannot answer (REVOCATION_UNAVAILABLE, unless
   * `failOpen`). Each refusal is logged at debug level like the verifier's, with the token's
   * fingerprint.
   */
  async assertNotRevoked(principal: Principal): Promise<void> {
    try {
      await this.#check(principal);
    } catch (error) {
      logAuthRefusal(this.logger, error, principal.tokenFingerprint);
      throw error;
    }
  }

  async #check(principal: Principal): Promise<void> {
    const tokenId = principal.tokenId;
    if (tokenId === undefined && this.options.requireJti) {
      throw new PublicError('JTI_REQUIRED', {
        extensions: { reason: 'JTI_REQUIRED' },
        logDetail: {
          explanation:
            'revocation is on and the token has no jti claim (an empty one counts as none), so it ' +
            'could not be revoked; issue tokens with a jti or set [revocation] require_jti = false',
          subject: principal.subject,
        },
      });
    }
    if (tokenId !== undefined && tokenId.length > MAX_TOKEN_ID_LENGTH) {
      throw new PublicError('MALFORMED_TOKEN', {
        extensions: { reason: 'MALFORMED_TOKEN' },
        logDetail: { explanation: `the jti has ${tokenId.length} characters; at most ${MAX_TOKEN_ID_LENGTH} can be revoked` },
      });
    }

    const sessionId = typeof principal.claims['sid'] === 'string' ? principal.claims['sid'] : undefined;
    const key = JSON.stringify([tokenId ?? null, sessionId ?? null, principal.subject, principal.issuedAt ?? null]);
    const now = this.#now();
    const cached = this.#cache.get(key);
    let revoked: boolean;
    if (cached !== undefined && cached.until > now) {
      revoked = cached.revoked;
    } else {
      const generation = this.#generation;
      let state: RevocationState;
      try {
        state = await this.store.lookup({
          ...(tokenId === undefined ? {} : { tokenId }),
          ...(sessionId === undefined ? {} : { sessionId }),
          subject: principal.subject,
        });
      } catch (error) {
        this.logFailure(error);
        if (this.options.failOpen) return;
        throw new PublicError('REVOCATION_UNAVAILABLE', {
          extensions: { reason: 'REVOCATION_UNAVAILABLE' },
          logDetail: { explanation: 'the revocation store did not answer; see the error logged before' },
        });
      }
      revoked = isRevoked(state, principal);
      const expiresAtMs = principal.expiresAt === undefined ? Infinity : principal.expiresAt * 1000;
      const until = Math.min(now + this.options.cacheSeconds * 1000, expiresAtMs);
      if (generation === this.#generation && until > now) this.#cache.set(key, { revoked, until });
    }
    if (revoked) {
      throw new PublicError('TOKEN_REVOKED', {
        extensions: { reason: 'TOKEN_REVOKED' },
        logDetail: {
          explanation: 'the token, its session or every token of its subject was revoked',
          subject: principal.subject,
          ...(tokenId === undefined ? {} : { tokenId }),
        },
      });
    }
  }

  private logFailure(error: unknown): void {
    const now = this.#now();
    if (now - this.#lastFailureLog < FAILURE_LOG_INTERVAL_MS) {
      this.#suppressedFailures += 1;
      return;
    }
    this.logger.error(
      {
        err: error,
        ...(this.#suppressedFailures === 0 ? {} : { similarFailuresNotLogged: this.#suppressedFailures }),
      },
      this.options.failOpen
        ? 'The revocation store cannot be reached; tokens are ACCEPTED unchecked ([revocation] fail_open = true).'
        : 'The revocation store cannot be reached; authenticated requests are refused until it answers ' +
            '(set [revocation] fail_open = true to accept them unchecked instead).',
    );
    this.#lastFailureLog = now;
    this.#suppressedFailures = 0;
  }
}
