import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import type { AuthOptions } from '../auth/auth-options.ts';
import type { TokenIdRule } from '../auth/token-id-rule.ts';
import { readOrCreateDevelopmentSecret, DEVELOPMENT_SECRET_FILE } from './development-secret.ts';
import { ConfigError } from './load-config.ts';
import type { ResolvedConfig } from './resolved-config.ts';

export interface AuthSetup {
  readonly options: AuthOptions;
  /** Set when the development secret stands in for JWT_SECRET; the caller logs it. */
  readonly developmentSecretFile?: string;
}

/**
 * Maps `[auth]` (and JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, ...) onto the authentication
 * layer's options. In development, with no key configured at all, a generated secret kept in
 * `.fraiseql/dev-jwt-secret` is used so that `serve` and `token issue` agree.
 */
export function authSetupFromConfig(config: ResolvedConfig): AuthSetup {
  const auth = config.auth;
  const hasKeys =
    auth.jwt_secret !== undefined ||
    auth.public_keys.length > 0 ||
    auth.jwks_url !== undefined ||
    auth.oidc_issuer !== undefined;
  const useDevelopmentSecret = !hasKeys && !config.production;
  const secret = auth.jwt_secret ?? (useDevelopmentSecret ? readOrCreateDevelopmentSecret(config.projectDir) : undefined);

  const options: AuthOptions = {
    ...(secret === undefined
      ? {}
      : {
          secret: {
            secret,
            ...(auth.jwt_secret_kid === undefined ? {} : { kid: auth.jwt_secret_kid }),
            ...(auth.jwt_secret === undefined
              ? { label: `the development secret (${join(config.projectDir, DEVELOPMENT_SECRET_FILE)})` }
              : {}),
          },
        }),
    previousSecrets: auth.previous_secrets.map((previous) => ({
      secret: previous.secret,
      ...(previous.kid === undefined ? {} : { kid: previous.kid }),
      acceptUntil: new Date(previous.accept_until),
    })),
    publicKeys: auth.public_keys.map((key, index) => ({
      pem: readPem(config, key.pem, key.file, index),
      ...(key.kid === undefined ? {} : { kid: key.kid }),
      algorithms: [key.algorithm],
    })),
    ...(auth.algorithms === undefined ? {} : { algorithms: auth.algorithms }),
    ...(auth.jwks_url === undefined ? {} : { jwksUrl: auth.jwks_url }),
    ...(auth.oidc_issuer === undefined ? {} : { oidcIssuer: auth.oidc_issuer }),
    ...(auth.issuer === undefined ? {} : { issuer: auth.issuer }),
    ...(auth.audience === undefined ? {} : { audience: auth.audience }),
    leewaySeconds: auth.leeway_seconds,
    ...(auth.max_token_lifetime_seconds === undefined
      ? {}
      : { maxTokenLifetimeSeconds: auth.max_token_lifetime_seconds }),
    ...(auth.require_exp === undefined ? {} : { requireExp: auth.require_exp }),
    ...(auth.roles_claim === undefined ? {} : { roleClaims: [auth.roles_claim] }),
    ...(auth.scopes_claim === undefined ? {} : { scopeClaims: [auth.scopes_claim] }),
    jwks: {
      ...(auth.jwks_refresh_seconds === undefined ? {} : { refreshIntervalSeconds: auth.jwks_refresh_seconds }),
      ...(auth.jwks_cooldown_seconds === undefined ? {} : { cooldownSeconds: auth.jwks_cooldown_seconds }),
    },
    production: config.production,
    allowHttpLoopback: !config.production,
  };
  return useDevelopmentSecret
    ? { options, developmentSecretFile: join(config.projectDir, DEVELOPMENT_SECRET_FILE) }
    : { options };
}

/**
 * What `[revocation]` demands of a token's `jti`, for `token inspect`: the same `enabled` and
 * `require_jti` the server's revocation check reads, so both give one verdict.
 */
export function tokenIdRuleFromConfig(config: ResolvedConfig): TokenIdRule {
  return {
    revocationEnabled: config.revocation.enabled,
    requireTokenId: config.revocation.require_jti,
  };
}

function readPem(config: ResolvedConfig, pem: string | undefined, file: string | undefined, index: number): string {
  if (pem !== undefined && file !== undefined) {
    throw new ConfigError(`[[auth.public_keys]] #${index + 1} gives both pem and file; keep one.`);
  }
  if (pem !== undefined) return pem;
  if (file === undefined) {
    throw new ConfigError(`[[auth.public_keys]] #${index + 1} needs pem (the key text) or file (a path to it).`);
  }
  const path = isAbsolute(file) ? file : join(config.projectDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`[[auth.public_keys]] #${index + 1}: cannot read ${path}. Check the path.`);
  }
}
