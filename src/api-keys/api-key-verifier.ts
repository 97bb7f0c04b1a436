import type { ApiKeyAuthenticator } from '../auth/request-authenticator.ts';
import type { Principal } from '../auth/principal.ts';
import { PublicError } from '../errors/public-error.ts';
import { scopeGrantsMatcher } from '../graphql/access/scope-grants.ts';
import type { ApiKeyCache } from './api-key-cache.ts';
import { loggablePrefix, parseApiKey } from './api-key-format.ts';
import { hashApiKey, keyHashMatches } from './api-key-hash.ts';
import { apiKeyStatus, isUsable, usableUntil, type ApiKeyRecord, type ApiKeyStatus } from './api-key-record.ts';
import type { ApiKeySecret } from './api-key-secret.ts';
import type { ApiKeyStore } from './api-key-store.ts';

/** What is known about a presented key. */
export type KeyInspection =
  /** Not shaped like a key, or its checksum is wrong: never looked up. */
  | { readonly kind: 'malformed' }
  /** Well formed, but no stored key has this prefix and hash. */
  | { readonly kind: 'unknown'; readonly prefix: string; readonly prefixKnown: boolean }
  | { readonly kind: 'found'; readonly record: ApiKeyRecord; readonly status: ApiKeyStatus };

/** Options of `ApiKeyVerifier`. */
export interface ApiKeyVerifierOptions {
  readonly store: Pick<ApiKeyStore, 'findByPrefix'>;
  readonly secret: ApiKeySecret;
  /** Reuses recent lookups; default: every lookup queries the database. */
  readonly cache?: ApiKeyCache;
  /** Told about each successful use (last_used_at). Default: nothing recorded. */
  readonly onUse?: (id: string, at: number) => void;
  /** Clock in epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
}

/**
 * Checks presented API keys: format and checksum first (a random string costs no query), then
 * the row with the key's prefix, then the HMAC of the whole key against the stored hash in
 * constant time (also when no row exists), then revocation, expiry and rotation grace.
 * Implements the server's ApiKeyAuthenticator seam.
 */
export class ApiKeyVerifier implements ApiKeyAuthenticator {
  readonly #now: () => number;

  constructor(private readonly options: ApiKeyVerifierOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** Where `key` stands, without side effects (used by `keys scan` too). */
  async inspect(key: string): Promise<KeyInspection> {
    const parts = parseApiKey(key);
    if (parts === undefined) return { kind: 'malformed' };
    // The hash is computed before the lookup and compared whatever the lookup found, so an
    // unknown prefix and a wrong secret part take the same path.
    const presented = hashApiKey(this.options.secret.bytes(), parts.key);
    const load = (): Promise<ApiKeyRecord | undefined> => this.options.store.findByPrefix(parts.prefix);
    const record = this.options.cache === undefined ? await load() : await this.options.cache.lookup(parts.prefix, load);
    const matches = keyHashMatches(presented, record?.keyHash);
    if (record === undefined || !matches) {
      return { kind: 'unknown', prefix: parts.prefix, prefixKnown: record !== undefined };
    }
    return { kind: 'found', record, status: apiKeyStatus(record, this.#now()) };
  }

  /**
   * The principal a valid key stands for: the key's owner as subject (and `sub` claim, so
   * `inject: { user_id: 'jwt:sub' }` gets the owner), the key's effective scopes (see
   * `effectiveScopes`), no roles.
   *
   * @throws PublicError INVALID_API_KEY for a malformed, unknown, revoked, expired or replaced
   *   key, or one whose owner is a disabled user (the log detail says which, with the prefix
   *   only); SERVICE_UNAVAILABLE when the
   *   database cannot be asked.
   */
  async authenticate(key: string): Promise<Principal> {
    let inspection: KeyInspection;
    try {
      inspection = await this.inspect(key);
    } catch (error) {
      throw new PublicError('SERVICE_UNAVAILABLE', {
        message: 'API keys cannot be checked right now. Try again shortly.',
        logDetail: {
          why: 'the API key lookup failed',
          keyPrefix: loggablePrefix(key),
          error: error instanceof Error ? error.message : String(error),
        },
        cause: error,
      });
    }
    switch (inspection.kind) {
      case 'malformed':
        throw invalid('malformed: not sk_ + 38 base62 characters with a valid checksum', loggablePrefix(key));
      case 'unknown':
        throw invalid(
          inspection.prefixKnown ? 'unknown: the prefix exists but the rest of the key does not match' : 'unknown: no key has this prefix',
          inspection.prefix,
        );
      case 'found':
        break;
    }
    const { record, status } = inspection;
    if (!isUsable(status)) throw invalid(status, record.prefix, record.id);
    // A key acts as its owner: a disabled user's keys stop with their logins. (Revoke-all, a
    // password change and disabling also revoke the owner's keys in the database.)
    if (record.ownerDisabled === true) throw invalid('owner disabled', record.prefix, record.id);

    const now = this.#now();
    this.options.onUse?.(record.id, now);
    const until = usableUntil(record);
    return {
      subject: record.owner,
      scopes: new Set(effectiveScopes(record)),
      roles: new Set(),
      claims: Object.freeze({ sub: record.owner, api_key_id: record.id }),
      ...(until === undefined ? {} : { expiresAt: Math.floor(until / 1000) }),
      method: 'api_key',
    };
  }
}

/**
 * The scopes a key grants now. A key is a narrowed copy of its owner: when the owner is a user
 * of fraiseql_auth.users, only the key scopes the owner still holds as database permissions
 * count (matched as role grants are: exactly or by a `prefix:*` permission), so taking a role
 * away from the owner takes it away from the owner's keys too. A key owned by a named service
 * (not a user) has nothing to compare with and keeps its scopes.
 */
export function effectiveScopes(record: ApiKeyRecord): readonly string[] {
  if (record.ownerPermissions === undefined) return record.scopes;
  const ownerHolds = scopeGrantsMatcher(record.ownerPermissions);
  return record.scopes.filter(ownerHolds);
}

function invalid(why: string, keyPrefix: string, keyId?: string): PublicError {
  return new PublicError('INVALID_API_KEY', {
    extensions: { reason: 'INVALID_API_KEY' },
    logDetail: { why, keyPrefix, ...(keyId === undefined ? {} : { keyId }) },
  });
}
