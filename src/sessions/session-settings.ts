import { resolveAuthOptions, secretBytes } from '../auth/auth-options.ts';
import { grantClaimPaths, type GrantClaimPaths } from '../auth/grant-claims.ts';
import { authSetupFromConfig } from '../config/auth-options-from-config.ts';
import { ConfigError } from '../config/load-config.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';

/** The issuer sessions tokens carry when no `[auth] issuer` or `[sessions] issuer` is set. */
export const DEFAULT_SESSION_ISSUER = 'fraiseql-ts';

/** Everything login, refresh and renewal need, decided once at start. */
export interface SessionSettings {
  /** The HMAC key tokens are signed with: the one the server verifies with. */
  readonly signingKey: Uint8Array;
  /** Written as the header `kid` when the secret has one. */
  readonly keyId?: string;
  readonly issuer: string;
  /** Absent when the server expects no audience (it would then refuse tokens carrying one). */
  readonly audience?: string;
  /** Where tokens carry scopes: where this server reads them (`[auth] scopes_claim`). */
  readonly grantClaims: GrantClaimPaths;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly adminScope: string;
  readonly adminApi: boolean;
  readonly graphqlMutation: boolean;
  /** Seconds before expiry within which a used token is renewed; undefined when off. */
  readonly slidingWindowSeconds?: number;
}

/** Whether login is on, and if not, why. */
export type SessionsMode =
  | { readonly kind: 'on'; readonly settings: SessionSettings }
  | { readonly kind: 'off'; readonly reason: string; readonly explicit: boolean };

/**
 * Decides from the configuration whether this server issues its own tokens, and with what
 * claims. Tokens must pass the server's own verification, so the issuer and audience follow
 * `[auth]`; a `[sessions]` value that contradicts it stops the start with the fix, as does
 * `enabled = true` on a server that holds no HMAC secret.
 */
export function resolveSessionsMode(config: ResolvedConfig): SessionsMode {
  const sessions = config.sessions;
  if (sessions.enabled === false) {
    return { kind: 'off', reason: '[sessions] enabled = false', explicit: true };
  }
  const auth = resolveAuthOptions(authSetupFromConfig(config).options);
  if (auth.secret === undefined) {
    const reason =
      'this server verifies tokens with public keys only (JWKS, OIDC or PEM) and holds no HMAC ' +
      'secret to sign its own. Set JWT_SECRET (32 bytes or more) to turn login on';
    if (sessions.enabled === true) {
      throw new ConfigError(`[sessions] enabled = true, but ${reason}, or remove the key.`);
    }
    return { kind: 'off', reason, explicit: false };
  }

  return {
    kind: 'on',
    settings: {
      signingKey: secretBytes(auth.secret.secret),
      ...(auth.secret.kid === undefined ? {} : { keyId: auth.secret.kid }),
      issuer: issuerOf(sessions.issuer, auth.issuer),
      ...audienceOf(sessions.audience, auth.audiences),
      grantClaims: grantClaimPaths(auth),
      accessTokenTtlSeconds: sessions.access_token_ttl_seconds,
      refreshTokenTtlSeconds: sessions.refresh_token_ttl_seconds,
      adminScope: sessions.admin_scope,
      adminApi: sessions.admin_api,
      graphqlMutation: sessions.graphql_mutation,
      ...(sessions.sliding_renewal ? { slidingWindowSeconds: sessions.sliding_window_seconds } : {}),
    },
  };
}

function issuerOf(configured: string | undefined, expected: string | undefined): string {
  if (expected === undefined) return configured ?? DEFAULT_SESSION_ISSUER;
  if (configured !== undefined && configured !== expected) {
    throw new ConfigError(
      `[sessions] issuer is "${configured}", but the server only accepts tokens from "${expected}" ` +
        '([auth] issuer / JWT_ISSUER), so it would refuse its own tokens. Remove [sessions] issuer.',
    );
  }
  return expected;
}

function audienceOf(configured: string | undefined, accepted: readonly string[]): { audience?: string } {
  if (configured === undefined) return accepted[0] === undefined ? {} : { audience: accepted[0] };
  if (!accepted.includes(configured)) {
    const expected = accepted.length === 0 ? 'no audience (JWT_AUDIENCE is unset)' : accepted.join(', ');
    throw new ConfigError(
      `[sessions] audience is "${configured}", but the server accepts ${expected}, so it would ` +
        'refuse its own tokens. Add it to [auth] audience (JWT_AUDIENCE) or remove [sessions] audience.',
    );
  }
  return { audience: configured };
}
