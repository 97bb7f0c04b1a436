import { MAX_LEEWAY_SECONDS } from '../auth/auth-options.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';

/**
 * What decides how long the revocation store must remember a revocation: a revocation may be
 * forgotten only once no token it refuses could still be accepted.
 */
export interface RevocationLifetime {
  /**
   * `[auth] max_token_lifetime_seconds`: the longest `exp - iat` the server accepts (it then
   * also requires `exp`). Undefined when tokens may live any time, or for ever without `exp`
   * in development: a revocation whose token's expiry is unknown is then kept for good.
   */
  readonly maxTokenLifetimeSeconds: number | undefined;
}

/** When a revocation may be forgotten: an instant, or never. */
export type RevocationEnd = Date | 'never';

/** The configured bound on token lifetimes, read from `[auth]`. */
export function revocationLifetimeOf(config: ResolvedConfig): RevocationLifetime {
  return { maxTokenLifetimeSeconds: config.auth.max_token_lifetime_seconds };
}

/**
 * The end of the revocation of a token that expires at `exp` (epoch seconds): the JWT check
 * accepts a token up to its clock leeway past `exp` (RFC 7519 §4.1.4 allows "some small
 * leeway"), so the revocation must outlive the largest leeway that may be configured.
 */
export function endAfterExpiry(exp: number): Date {
  return new Date((exp + MAX_LEEWAY_SECONDS) * 1000);
}

/**
 * The end of the revocation of a token whose expiry is unknown (a token without `exp`, or a
 * bare `jti` given to `token revoke`), made at `nowMs`. The token existed then, so it was
 * issued at most one leeway later (a later `iat` is refused), expires at most
 * `max_token_lifetime_seconds` after that, and is accepted one leeway past its expiry. Without
 * a configured maximum nothing bounds it: never.
 */
export function endOfUnknownExpiry(nowMs: number, lifetime: RevocationLifetime): RevocationEnd {
  const max = lifetime.maxTokenLifetimeSeconds;
  return max === undefined ? 'never' : new Date(nowMs + (max + 2 * MAX_LEEWAY_SECONDS) * 1000);
}

/**
 * The end of a revoke-all made at `revokedBeforeMs`. It refuses the subject's tokens issued
 * (`iat`) until then; each expires at most `max_token_lifetime_seconds` after its `iat` and is
 * accepted one leeway longer. Without a configured maximum a token issued before it may live
 * any time (`token issue --ttl`, an identity provider's token): never.
 */
export function endOfRevokeAll(revokedBeforeMs: number, lifetime: RevocationLifetime): RevocationEnd {
  const max = lifetime.maxTokenLifetimeSeconds;
  return max === undefined ? 'never' : new Date(revokedBeforeMs + (max + MAX_LEEWAY_SECONDS) * 1000);
}

/**
 * How long after a revocation made without a known expiry (`revoked_at`) cleanup may delete it,
 * in seconds; undefined when it must be kept for good. See `endOfUnknownExpiry`.
 */
export function unknownExpiryRetentionSeconds(lifetime: RevocationLifetime): number | undefined {
  const max = lifetime.maxTokenLifetimeSeconds;
  return max === undefined ? undefined : max + 2 * MAX_LEEWAY_SECONDS;
}

/**
 * How long after a revoke-all's `revoked_before` cleanup may delete it, in seconds; undefined
 * when it must be kept for good. See `endOfRevokeAll`.
 */
export function revokeAllRetentionSeconds(lifetime: RevocationLifetime): number | undefined {
  const max = lifetime.maxTokenLifetimeSeconds;
  return max === undefined ? undefined : max + MAX_LEEWAY_SECONDS;
}
