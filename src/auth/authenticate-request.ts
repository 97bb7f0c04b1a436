import { AuthConfigurationError } from './auth-configuration-error.ts';
import { SILENT_AUTH_LOGGER, type AuthLogger } from './auth-logger.ts';
import { resolveAuthOptions, type AuthOptions } from './auth-options.ts';
import { readBearerToken, type RequestHeaders } from './bearer-token-header.ts';
import type { FetchFunction } from './fetch-key-document.ts';
import { logAuthRefusal } from './log-auth-refusal.ts';
import { ANONYMOUS, type Caller } from './principal.ts';
import { fingerprintOfHash } from './token-fingerprint.ts';
import { createTokenVerifier } from './token-verifier.ts';
import { validateAuthOptions } from './validate-auth-options.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

export type { RequestHeaders } from './bearer-token-header.ts';

/** The one authentication seam every transport calls. */
export interface Authenticator {
  /**
   * Turns request headers into a `Caller`. No `Authorization` header gives `ANONYMOUS` (the
   * GraphQL layer decides whether the operation is public, and throws MISSING_TOKEN if not).
   * Anything else is a verified principal or a `PublicError` (401, `extensions.reason`).
   *
   * `rawHeaders` (Node's `request.rawHeaders`) lets a repeated Authorization header be seen:
   * `request.headers` keeps only the first one.
   */
  authenticate(headers: RequestHeaders, rawHeaders?: readonly string[]): Promise<Caller>;
  /** Fetches a remote key set now, so the first request does not wait (optional at start). */
  warmUp(): Promise<void>;
  /** Forgets every verified token, e.g. after a configuration reload. */
  flush(): void;
  /** Stops fetches in flight and empties the cache. */
  close(): void;
}

/** Test seams: the clock and the fetch used for JWKS and discovery. */
export interface AuthenticatorDependencies {
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Default the global `fetch`. */
  readonly fetch?: FetchFunction;
}

/**
 * Builds the authenticator for one configuration. Throws `AuthConfigurationError` listing
 * every problem `validateAuthOptions` finds: the server must not start with them.
 *
 * Verified tokens are cached by sha256(token) until they expire, and the cache is flushed when
 * a remote key set rotates. Every refusal is logged at debug level with its exact cause
 * (expected vs actual issuer or audience, seconds since expiry, kid, alg) and a short
 * fingerprint of the token, never the token itself or a secret.
 */
export function createAuthenticator(
  options: AuthOptions,
  logger: AuthLogger = SILENT_AUTH_LOGGER,
  dependencies: AuthenticatorDependencies = {},
): Authenticator {
  const problems = validateAuthOptions(options);
  if (problems.length > 0) throw new AuthConfigurationError(problems);

  const resolved = resolveAuthOptions(options);
  const now = dependencies.now ?? Date.now;
  const cache = new VerifiedTokenCache(
    resolved.tokenCache.maxEntries,
    resolved.tokenCache.maxTtlSeconds,
    now,
  );
  // Bumped on every flush, so a verification that straddles a key rotation is not cached.
  let generation = 0;
  const flush = (): void => {
    generation += 1;
    cache.clear();
  };
  const verifier = createTokenVerifier(resolved, {
    logger,
    now,
    fetch: dependencies.fetch ?? ((url, init) => fetch(url, init)),
    onKeysChanged: flush,
  });

  async function authenticate(
    headers: RequestHeaders,
    rawHeaders?: readonly string[],
  ): Promise<Caller> {
    let token: string | undefined;
    try {
      token = readBearerToken(headers, rawHeaders);
    } catch (error) {
      logRefusal(error, undefined);
      throw error;
    }
    if (token === undefined) return ANONYMOUS;

    const cacheKey = VerifiedTokenCache.keyOf(token);
    const cached = cache.get(cacheKey);
    if (cached !== undefined) return { kind: 'authenticated', principal: cached };

    const startedIn = generation;
    try {
      const verified = await verifier.verify(token);
      if (generation === startedIn) cache.set(cacheKey, verified.principal, verified.validUntilMs);
      logger.debug(
        { key: verified.key.label, fingerprint: fingerprintOfHash(cacheKey) },
        'Token accepted',
      );
      return { kind: 'authenticated', principal: verified.principal };
    } catch (error) {
      logRefusal(error, cacheKey);
      throw error;
    }
  }

  function logRefusal(error: unknown, cacheKey: string | undefined): void {
    logAuthRefusal(logger, error, cacheKey === undefined ? undefined : fingerprintOfHash(cacheKey));
  }

  return {
    authenticate,
    warmUp: () => verifier.warmUp(),
    flush,
    close: () => {
      verifier.close();
      flush();
    },
  };
}
