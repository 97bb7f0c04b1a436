/**
 * What the authentication layer needs to know, filled by the config layer from fraiseql.toml
 * `[auth]` and the environment (`JWT_SECRET`, `JWT_ISSUER`, `JWT_AUDIENCE`, ...). Every option
 * documents its default; `resolveAuthOptions` applies them and `validateAuthOptions` lists the
 * problems that must stop the server at start.
 */

export { validateAuthOptions } from './validate-auth-options.ts';

/** The largest clock leeway accepted, in seconds: more would make `exp` nearly meaningless. */
export const MAX_LEEWAY_SECONDS = 300;

/** The shortest HMAC secret accepted in production, in bytes (RFC 7518 §3.2 for HS256). */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

/** An HMAC secret (HS256/384/512). */
export interface HmacSecretOption {
  /** The secret; a string is used as its UTF-8 bytes, as PyJWT and jose do. */
  readonly secret: string | Uint8Array;
  /**
   * The `kid` tokens signed with it carry. Default: none; such a secret is tried for tokens
   * whose `kid` matches no configured key, and for tokens without `kid`.
   */
  readonly kid?: string;
  /**
   * How messages and `token inspect` name this key. Default "JWT_SECRET"; the development
   * secret is named after its file, so a signature refusal points at the right place.
   */
  readonly label?: string;
}

/** A secret that signed tokens before the current one, accepted until a set time. */
export interface PreviousHmacSecretOption extends HmacSecretOption {
  /** Tokens signed with this secret are refused from this instant on. Required. */
  readonly acceptUntil: Date;
}

/** A PEM public key (SPKI, PKCS#1 RSA or an X.509 certificate) for RS/PS/ES/EdDSA tokens. */
export interface PublicKeyOption {
  readonly pem: string;
  /** The `kid` tokens signed with the matching private key carry. Default: none. */
  readonly kid?: string;
  /**
   * Algorithms this key verifies. Default: every algorithm its key type allows (RS* and PS*
   * for RSA, the one ES algorithm of an EC key's curve, EdDSA/Ed25519 for Ed25519).
   */
  readonly algorithms?: readonly string[];
}

/** How remote key sets (JWKS URL or OIDC discovery) are fetched and kept. */
export interface JwksOptions {
  /** Age after which cached keys are refreshed in the background, in seconds. Default 600. */
  readonly refreshIntervalSeconds?: number;
  /**
   * Least time between two fetches, in seconds, whatever triggers them (an unknown `kid`, a
   * failed fetch). Default 30. This is what prevents a fetch storm.
   */
  readonly cooldownSeconds?: number;
  /** Timeout of one fetch, in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** Largest JWKS or discovery document accepted, in bytes. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * How long keys are kept after the last successful fetch while the provider is down, in
   * seconds. Default 86400 (one day). Past it, tokens are refused rather than checked against
   * keys that may have been withdrawn.
   */
  readonly maxStaleSeconds?: number;
}

/** The cache of verified tokens, keyed by sha256(token). */
export interface TokenCacheOptions {
  /** Most tokens kept. Default 10000; 0 turns the cache off. */
  readonly maxEntries?: number;
  /** Longest a verified token is kept, in seconds; never past its `exp`. Default 300. */
  readonly maxTtlSeconds?: number;
}

/** Everything the authentication layer reads. All fields are optional; see each default. */
export interface AuthOptions {
  /** The current HMAC secret (`JWT_SECRET`). Default: none. */
  readonly secret?: HmacSecretOption;
  /** Earlier secrets still accepted during a rotation. Default: none. */
  readonly previousSecrets?: readonly PreviousHmacSecretOption[];
  /**
   * Global algorithm allow-list, intersected with what each key allows. Default: every
   * algorithm of the configured keys' types (HS256/384/512 for a secret). `none` is never
   * accepted.
   */
  readonly algorithms?: readonly string[];
  /** PEM public keys. Default: none. */
  readonly publicKeys?: readonly PublicKeyOption[];
  /** A JWKS URL (`JWT_JWKS_URL`); https only. Default: none. */
  readonly jwksUrl?: string;
  /**
   * An OIDC issuer; its `/.well-known/openid-configuration` names the JWKS (`OIDC_ISSUER`).
   * Ignored for key discovery when `jwksUrl` is set. Also the expected `iss` unless `issuer`
   * is given. Default: none.
   */
  readonly oidcIssuer?: string;
  /** Expected `iss` (`JWT_ISSUER`), compared exactly. Default: `oidcIssuer`, else not checked. */
  readonly issuer?: string;
  /**
   * Expected `aud` (`JWT_AUDIENCE`): the token's `aud` must contain one of these. Default: none,
   * and then a token that carries an `aud` is refused (RFC 7519 §4.1.3).
   */
  readonly audience?: string | readonly string[];
  /** One clock leeway for `exp`, `nbf` and `iat`, in seconds. Default 30, at most 300. */
  readonly leewaySeconds?: number;
  /** Refuse tokens valid for longer than this (`exp - iat`), in seconds. Default: no limit. */
  readonly maxTokenLifetimeSeconds?: number;
  /** Refuse tokens without `exp`. Default: true in production, false in development. */
  readonly requireExp?: boolean;
  /**
   * Claim paths read for roles, dotted for nesting (`realm_access.roles`); a key that itself
   * contains dots (`https://example.com/roles`) is matched whole first. Default `roles`, `role`.
   */
  readonly roleClaims?: readonly string[];
  /** Claim paths read for scopes. Default `scope`, `scopes`, `scp`, `permissions`. */
  readonly scopeClaims?: readonly string[];
  /**
   * Accepted values of the header `typ`, compared case-insensitively without `application/`.
   * A token without `typ` is accepted. Default `JWT`, `at+jwt` (RFC 9068), so that other
   * JWT kinds (DPoP proofs, logout tokens) cannot be replayed as access tokens.
   */
  readonly acceptedTokenTypes?: readonly string[];
  /** Longest token accepted, in bytes. Default 8192. */
  readonly maxTokenBytes?: number;
  /** Remote key set behaviour. Defaults: see `JwksOptions`. */
  readonly jwks?: JwksOptions;
  /** Verified-token cache. Defaults: see `TokenCacheOptions`. */
  readonly tokenCache?: TokenCacheOptions;
  /** Production mode: stricter start-up checks. Default false. */
  readonly production?: boolean;
  /**
   * Allow `http://` JWKS and issuer URLs on loopback hosts (a local identity provider).
   * Development only; refused in production. Default false.
   */
  readonly allowHttpLoopback?: boolean;
}

/** `AuthOptions` with every default applied. */
export interface ResolvedAuthOptions {
  readonly secret: HmacSecretOption | undefined;
  readonly previousSecrets: readonly PreviousHmacSecretOption[];
  readonly algorithms: readonly string[] | undefined;
  readonly publicKeys: readonly PublicKeyOption[];
  readonly jwksUrl: string | undefined;
  readonly oidcIssuer: string | undefined;
  readonly issuer: string | undefined;
  readonly audiences: readonly string[];
  readonly leewaySeconds: number;
  readonly maxTokenLifetimeSeconds: number | undefined;
  readonly requireExp: boolean;
  readonly roleClaims: readonly string[];
  readonly scopeClaims: readonly string[];
  readonly acceptedTokenTypes: readonly string[];
  readonly maxTokenBytes: number;
  readonly jwks: Required<JwksOptions>;
  readonly tokenCache: Required<TokenCacheOptions>;
  readonly production: boolean;
  readonly allowHttpLoopback: boolean;
}

/** Applies every default. Does not validate: call `validateAuthOptions` first. */
export function resolveAuthOptions(options: AuthOptions): ResolvedAuthOptions {
  const production = options.production ?? false;
  const audience = options.audience;
  return Object.freeze({
    secret: options.secret,
    previousSecrets: options.previousSecrets ?? [],
    algorithms: options.algorithms,
    publicKeys: options.publicKeys ?? [],
    jwksUrl: options.jwksUrl,
    oidcIssuer: options.oidcIssuer,
    issuer: options.issuer ?? options.oidcIssuer,
    audiences: audience === undefined ? [] : typeof audience === 'string' ? [audience] : audience,
    // Clamped as well as validated: a leeway past the cap would make expiry meaningless.
    leewaySeconds: Math.min(Math.max(options.leewaySeconds ?? 30, 0), MAX_LEEWAY_SECONDS),
    maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds,
    requireExp: options.requireExp ?? production,
    roleClaims: options.roleClaims ?? ['roles', 'role'],
    scopeClaims: options.scopeClaims ?? ['scope', 'scopes', 'scp', 'permissions'],
    acceptedTokenTypes: options.acceptedTokenTypes ?? ['JWT', 'at+jwt'],
    maxTokenBytes: options.maxTokenBytes ?? 8192,
    jwks: {
      refreshIntervalSeconds: options.jwks?.refreshIntervalSeconds ?? 600,
      cooldownSeconds: options.jwks?.cooldownSeconds ?? 30,
      timeoutMs: options.jwks?.timeoutMs ?? 5000,
      maxResponseBytes: options.jwks?.maxResponseBytes ?? 1_048_576,
      maxStaleSeconds: options.jwks?.maxStaleSeconds ?? 86_400,
    },
    tokenCache: {
      maxEntries: options.tokenCache?.maxEntries ?? 10_000,
      maxTtlSeconds: options.tokenCache?.maxTtlSeconds ?? 300,
    },
    production,
    allowHttpLoopback: options.allowHttpLoopback ?? false,
  });
}

/** The bytes of an HMAC secret: strings are UTF-8, as every JWT library encodes them. */
export function secretBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}
