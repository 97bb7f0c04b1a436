import { randomUUID } from 'node:crypto';

import { SignJWT } from 'jose';

import { withGrantClaims } from '../auth/grant-claims.ts';
import type { SessionSettings } from './session-settings.ts';

/** Who an access token speaks for. */
export interface AccessTokenSubject {
  /** `sub`: users.subject. */
  readonly subject: string;
  /** Written as the `scopes` array (the spec page's form), or at `[auth] scopes_claim`. */
  readonly scopes: readonly string[];
  /** `sid`: the session (refresh token family) the token belongs to. */
  readonly sessionId: string;
}

/** A signed access token and the facts a response reports about it. */
export interface MintedAccessToken {
  readonly token: string;
  /** Its `jti`. */
  readonly tokenId: string;
  /** `exp`, epoch seconds. */
  readonly expiresAt: number;
  /** Seconds until `exp`. */
  readonly expiresIn: number;
}

/** Signs access tokens. */
export interface AccessTokenMinter {
  mint(subject: AccessTokenSubject): Promise<MintedAccessToken>;
}

/**
 * HS256 access tokens signed with the server's own `JWT_SECRET`, carrying `sub`, `jti`, `iat`,
 * `exp`, `iss`, `aud` (when the server expects one), the scopes (at the claim path the server
 * reads them from: `scopes`, or `[auth] scopes_claim`) and `sid`. The `sid` ties the
 * token to its login, so that logout and refresh-token theft revoke the access tokens of that
 * login as well; the random `jti` lets one token be revoked alone.
 *
 * @param now epoch milliseconds. Default `Date.now`.
 */
export function createAccessTokenMinter(
  settings: SessionSettings,
  now: () => number = Date.now,
): AccessTokenMinter {
  return {
    async mint({ subject, scopes, sessionId }) {
      const issuedAt = Math.floor(now() / 1000);
      const expiresAt = issuedAt + settings.accessTokenTtlSeconds;
      const tokenId = randomUUID();
      const claims = withGrantClaims(
        { sid: sessionId, ...(settings.audience === undefined ? {} : { aud: settings.audience }) },
        { scopes, roles: [] },
        settings.grantClaims,
      );
      const token = await new SignJWT(claims)
        .setProtectedHeader({
          alg: 'HS256',
          typ: 'JWT',
          ...(settings.keyId === undefined ? {} : { kid: settings.keyId }),
        })
        .setSubject(subject)
        .setJti(tokenId)
        .setIssuer(settings.issuer)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(settings.signingKey);
      return { token, tokenId, expiresAt, expiresIn: expiresAt - issuedAt };
    },
  };
}
