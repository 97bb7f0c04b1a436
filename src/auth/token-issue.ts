import { randomUUID } from 'node:crypto';

import { SignJWT } from 'jose';

import { PublicError } from '../errors/public-error.ts';
import { explanationOf } from './auth-failure.ts';
import { SILENT_AUTH_LOGGER } from './auth-logger.ts';
import { resolveAuthOptions, secretBytes, type AuthOptions } from './auth-options.ts';
import { grantClaimPaths, withGrantClaims } from './grant-claims.ts';
import { readClaimPath } from './read-token-identity.ts';
import { createTokenVerifier } from './token-verifier.ts';
import { validateAuthOptions } from './validate-auth-options.ts';

/** What a development token says. */
export interface DevelopmentTokenRequest {
  /** The `sub` claim: the user the token speaks for. Required. */
  readonly subject: string;
  /**
   * Written where the server reads scopes: the `scopes` array, as in the spec page's examples,
   * or the configured `[auth] scopes_claim` (see `withGrantClaims`). Default: none.
   */
  readonly scopes?: readonly string[];
  /** Written as the `roles` array, or at the configured `[auth] roles_claim`. Default: none. */
  readonly roles?: readonly string[];
  /** `aud`. Default: the first configured audience, or none. */
  readonly audience?: string | readonly string[];
  /** `iss`. Default: the configured issuer, or none. */
  readonly issuer?: string;
  /** Seconds until `exp`. Default 3600 (one hour, as the spec page suggests). */
  readonly lifetimeSeconds?: number;
  /** Further claims, e.g. `{ org_id: 7 }`; they may not replace the claims above. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** A minted token, with what it contains. */
export interface DevelopmentToken {
  readonly token: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Switches for `issueDevelopmentToken`. */
export interface IssueSwitches {
  /** Issue even in production (see `issueDevelopmentToken`). Default false. */
  readonly force?: boolean;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** Claims set from the request's own fields; `claims` may not override them. */
const RESERVED = ['sub', 'iat', 'exp', 'nbf', 'jti', 'iss', 'aud', 'scopes', 'roles'];

/**
 * Mints an HS256 token signed with the configured `JWT_SECRET`, for development and tests,
 * then checks it with the server's own verifier so a token is never printed that the server
 * would refuse (an allow-list without HS256, a maximum lifetime, ...). It carries a random
 * `jti`, so it can be revoked like any other token.
 *
 * Refused in production unless `force` is set: production tokens should come from the
 * identity provider, and minting one here means holding the shared secret that can
 * impersonate every user, outside any audit trail. Only HMAC is supported: the server never
 * holds a private key.
 */
export async function issueDevelopmentToken(
  request: DevelopmentTokenRequest,
  options: AuthOptions,
  switches: IssueSwitches = {},
): Promise<DevelopmentToken> {
  const problems = validateAuthOptions(options);
  if (problems.length > 0) {
    throw new Error(`fix the authentication configuration first: ${problems.join('; ')}`);
  }
  if (options.secret === undefined) {
    throw new Error(
      'no JWT_SECRET is configured: development tokens are HS256 tokens signed with it ' +
        '(tokens for a JWKS or OIDC setup come from the identity provider)',
    );
  }
  if (options.production === true && switches.force !== true) {
    throw new Error(
      'refusing to issue a development token in production: real tokens should come from ' +
        'your identity provider, and this one would be signed with the shared secret that can ' +
        'impersonate any user. Pass --force if you really mean it.',
    );
  }
  if (request.subject.trim() === '') throw new Error('a subject (--sub) is required');
  const lifetime = request.lifetimeSeconds ?? 3600;
  if (!Number.isInteger(lifetime) || lifetime <= 0) {
    throw new Error(`the lifetime must be a positive whole number of seconds, not ${lifetime}`);
  }
  const resolved = resolveAuthOptions(options);
  const paths = grantClaimPaths(resolved);
  const extra = request.claims ?? {};
  const overridden = [
    ...Object.keys(extra).filter((key) => RESERVED.includes(key)),
    ...[paths.scopes, paths.roles].filter(
      (path) => !RESERVED.includes(path) && readClaimPath(extra, path) !== undefined,
    ),
  ];
  if (overridden.length > 0) {
    throw new Error(`extra claims may not set ${overridden.join(', ')}; use the matching option`);
  }

  const now = switches.now ?? Date.now;
  const iat = Math.floor(now() / 1000);
  const audience = request.audience ?? resolved.audiences[0];
  const issuer = request.issuer ?? resolved.issuer;
  const claims = withGrantClaims(
    {
      ...extra,
      sub: request.subject,
      iat,
      exp: iat + lifetime,
      jti: randomUUID(),
      ...(issuer === undefined ? {} : { iss: issuer }),
      ...(audience === undefined ? {} : { aud: audience }),
    },
    { scopes: request.scopes ?? [], roles: request.roles ?? [] },
    paths,
  );
  const kid = options.secret.kid;
  const header = { alg: 'HS256', typ: 'JWT', ...(kid === undefined ? {} : { kid }) };
  const token = await new SignJWT(claims)
    .setProtectedHeader(header)
    .sign(secretBytes(options.secret.secret));

  const verifier = createTokenVerifier(resolved, {
    logger: SILENT_AUTH_LOGGER,
    now,
    fetch: () => Promise.reject(new Error('no fetch while issuing a development token')),
    onKeysChanged: () => undefined,
  });
  try {
    await verifier.verify(token);
  } catch (error) {
    const why = error instanceof PublicError ? explanationOf(error) : String(error);
    throw new Error(
      `the server would refuse this token (${why}); change the request or the configuration`,
    );
  } finally {
    verifier.close();
  }
  return { token, header, claims };
}
