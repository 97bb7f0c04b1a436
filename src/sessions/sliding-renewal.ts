import { LRUCache } from 'lru-cache';

import type { Caller } from '../auth/principal.ts';
import type { Logger } from '../log/logger.ts';
import type { SessionIssuer } from './session-issuer.ts';

/** The response header carrying a renewed access token. */
export const RENEWED_TOKEN_HEADER = 'X-Renewed-Access-Token';

export interface SlidingRenewalOptions {
  /** Renew tokens used within this many seconds of their `exp`. */
  readonly windowSeconds: number;
  /** Only tokens from this issuer (the server's own) are renewed. */
  readonly issuer: string;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Sliding renewal: a session token (one this server issued, with a `sid`) used in its last
 * `windowSeconds` gets a fresh token for the same session in `X-Renewed-Access-Token`, exposed
 * to browsers through `Access-Control-Expose-Headers`. The same old token always gets the same
 * renewal, so parallel requests do not mint a token each. A failure is logged and the response
 * goes out without the header: the old token still works until it expires.
 */
export function slidingRenewal(issuer: SessionIssuer, options: SlidingRenewalOptions, logger: Logger) {
  const now = options.now ?? Date.now;
  const renewed = new LRUCache<string, { token: string; until: number }>({ max: 10_000 });

  return async (caller: Caller): Promise<Readonly<Record<string, string>> | undefined> => {
    if (caller.kind !== 'authenticated') return undefined;
    const { principal } = caller;
    const sessionId = principal.claims['sid'];
    if (
      principal.method !== 'jwt' ||
      typeof sessionId !== 'string' ||
      principal.claims['iss'] !== options.issuer ||
      principal.tokenId === undefined ||
      principal.expiresAt === undefined
    ) {
      return undefined;
    }
    const nowMs = now();
    if (principal.expiresAt * 1000 - nowMs > options.windowSeconds * 1000) return undefined;

    const key = principal.tokenId;
    let entry = renewed.get(key);
    if (entry === undefined || entry.until <= nowMs) {
      try {
        const minted = await issuer.renew(sessionId);
        if (minted === undefined) return undefined;
        entry = { token: minted.token, until: principal.expiresAt * 1000 };
        renewed.set(key, entry);
      } catch (error) {
        logger.error({ err: error, sessionId }, 'Sliding renewal failed; the response goes out without a renewed token.');
        return undefined;
      }
    }
    return { [RENEWED_TOKEN_HEADER]: entry.token, 'Access-Control-Expose-Headers': RENEWED_TOKEN_HEADER };
  };
}
