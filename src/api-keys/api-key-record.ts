/** One row of `fraiseql_auth.api_keys`, as the server reads it. Never holds the key itself. */
export interface ApiKeyRecord {
  readonly id: string;
  /** A user's subject or a named service; requests made with the key act as it. */
  readonly owner: string;
  readonly name: string;
  /** The first 12 characters of the key. */
  readonly prefix: string;
  readonly last4: string;
  /** HMAC-SHA256 of the key, hex. */
  readonly keyHash: string;
  readonly scopes: readonly string[];
  /** Epoch milliseconds; undefined: never expires. */
  readonly expiresAt: number | undefined;
  readonly revoked: boolean;
  readonly revokedAt: number | undefined;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastUsedAt: number | undefined;
  /** The key that replaced this one at rotation. */
  readonly replacedBy: string | undefined;
  /** After rotation, this key works until then (epoch milliseconds). */
  readonly graceUntil: number | undefined;
  /**
   * True when the owner is a user of fraiseql_auth.users who is disabled. Read only by the
   * lookup the verifier uses (`findByPrefix`); absent from other reads.
   */
  readonly ownerDisabled?: boolean;
  /**
   * The owner's database permissions (`fraiseql_auth.user_permissions`) when the owner is a
   * user of fraiseql_auth.users; absent when the owner is not a user (a named service) and from
   * reads other than `findByPrefix`. The verifier keeps only the key scopes these still grant.
   */
  readonly ownerPermissions?: readonly string[];
}

/**
 * Where a key stands: `active`; `grace` (rotated, still accepted until `graceUntil`);
 * `revoked`; `expired`; `replaced` (rotated and its grace time is over). Only `active` and
 * `grace` authenticate.
 */
export type ApiKeyStatus = 'active' | 'grace' | 'revoked' | 'expired' | 'replaced';

/** The status of `record` at `now` (epoch milliseconds). Revocation wins over everything. */
export function apiKeyStatus(record: ApiKeyRecord, now: number): ApiKeyStatus {
  if (record.revoked) return 'revoked';
  if (record.expiresAt !== undefined && record.expiresAt <= now) return 'expired';
  if (record.replacedBy !== undefined || record.graceUntil !== undefined) {
    return record.graceUntil !== undefined && record.graceUntil > now ? 'grace' : 'replaced';
  }
  return 'active';
}

/** True for the statuses that authenticate. */
export function isUsable(status: ApiKeyStatus): boolean {
  switch (status) {
    case 'active':
    case 'grace':
      return true;
    case 'revoked':
    case 'expired':
    case 'replaced':
      return false;
  }
}

/** The last moment `record` authenticates (epoch milliseconds), or undefined for never-ending. */
export function usableUntil(record: ApiKeyRecord): number | undefined {
  const limits = [record.expiresAt, record.graceUntil].filter((value): value is number => value !== undefined);
  return limits.length === 0 ? undefined : Math.min(...limits);
}

/** A record as the HTTP API and `keys list --json` show it: times in ISO 8601, no hash. */
export function describeApiKey(record: ApiKeyRecord, now: number): Record<string, unknown> {
  const iso = (value: number | undefined): string | null =>
    value === undefined ? null : new Date(value).toISOString();
  return {
    id: record.id,
    name: record.name,
    owner: record.owner,
    prefix: record.prefix,
    last4: record.last4,
    scopes: [...record.scopes],
    status: apiKeyStatus(record, now),
    expires_at: iso(record.expiresAt),
    revoked: record.revoked,
    revoked_at: iso(record.revokedAt),
    created_at: iso(record.createdAt),
    created_by: record.createdBy,
    last_used_at: iso(record.lastUsedAt),
    replaced_by: record.replacedBy ?? null,
    grace_until: iso(record.graceUntil),
  };
}
