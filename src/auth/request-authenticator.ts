import { PublicError } from '../errors/public-error.ts';
import type { Authenticator, RequestHeaders } from './authenticate-request.ts';
import type { Caller, Principal } from './principal.ts';

/**
 * Decides whether a verified token has been revoked (logout, revoke-all). Runs on every
 * authenticated request, after signature and claims are verified (the verified-token cache
 * sits inside the JWT authenticator, so a revocation is never hidden by it).
 */
export interface RevocationCheck {
  /** @throws PublicError TOKEN_REVOKED, or a refusal when the store cannot be consulted. */
  assertNotRevoked(principal: Principal): Promise<void>;
}

/** Verifies an API key (`X-API-Key: sk_...` or `Authorization: Bearer sk_...`). */
export interface ApiKeyAuthenticator {
  /** @throws PublicError INVALID_API_KEY for an unknown, malformed, revoked or expired key. */
  authenticate(key: string): Promise<Principal>;
}

export interface RequestAuthenticatorParts {
  readonly jwt: Authenticator;
  readonly revocation?: RevocationCheck;
  readonly apiKeys?: ApiKeyAuthenticator;
}

/** The one authentication seam every transport calls (HTTP today, WebSocket later). */
export interface RequestAuthenticator {
  /** `rawHeaders` lets it see a repeated Authorization header, which Node folds away. */
  authenticate(headers: RequestHeaders, rawHeaders?: readonly string[]): Promise<Caller>;
}

const API_KEY_BEARER = /^\s*bearer\s+(sk_\S*)\s*$/i;

/**
 * Composes the ways a caller proves who it is: a JWT (then the revocation check) or an API
 * key. A request carrying both a bearer token and an `X-API-Key` is refused as ambiguous:
 * guessing which one counts would let a weaker credential ride along a stronger one.
 */
export function createRequestAuthenticator(parts: RequestAuthenticatorParts): RequestAuthenticator {
  return {
    async authenticate(headers, rawHeaders) {
      const apiKeyHeader = headers['x-api-key'];
      const authorization = headers.authorization;
      const keyInBearer = typeof authorization === 'string' ? API_KEY_BEARER.exec(authorization)?.[1] : undefined;
      // Node keeps only the first Authorization header in `headers`; a key in any of several
      // (next to a JWT, or another key) is as ambiguous as a key beside a token.
      const authorizations = authorizationValues(rawHeaders);
      const keyInSeveral = authorizations.length > 1 && authorizations.some((value) => API_KEY_BEARER.test(value));

      if ((apiKeyHeader !== undefined && authorization !== undefined) || keyInSeveral) {
        throw new PublicError('AMBIGUOUS_CREDENTIALS', { extensions: { reason: 'AMBIGUOUS_CREDENTIALS' } });
      }
      if (apiKeyHeader !== undefined || keyInBearer !== undefined) {
        const key = keyInBearer ?? (typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : undefined);
        if (key === undefined || parts.apiKeys === undefined) {
          throw new PublicError('INVALID_API_KEY', {
            extensions: { reason: 'INVALID_API_KEY' },
            logDetail: {
              why: parts.apiKeys === undefined ? 'API keys are not enabled' : 'X-API-Key given more than once',
            },
          });
        }
        // No token revocation check: a key has no jti or iat to compare. What ends a subject's
        // tokens (revoke-all, a password change, disabling) revokes its keys in the database
        // (built-in migration 008), and the verifier refuses keys of a disabled owner.
        return { kind: 'authenticated', principal: await parts.apiKeys.authenticate(key) };
      }

      const caller = await parts.jwt.authenticate(headers, rawHeaders);
      if (caller.kind === 'authenticated' && parts.revocation !== undefined) {
        await parts.revocation.assertNotRevoked(caller.principal);
      }
      return caller;
    },
  };
}

/** Every `Authorization` value of Node's flat `[name, value, name, value, ...]` list. */
function authorizationValues(rawHeaders: readonly string[] | undefined): string[] {
  const values: string[] = [];
  if (rawHeaders === undefined) return values;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'authorization') values.push(rawHeaders[index + 1] ?? '');
  }
  return values;
}
