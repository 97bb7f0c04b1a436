import type { Database } from '../db/database.ts';
import type { ApiKeyRecord } from './api-key-record.ts';
import type { CreatingCredential } from './creating-credential.ts';

/** What a new key row needs; the key itself is not part of it. */
export interface NewApiKeyRow {
  readonly owner: string;
  readonly name: string;
  readonly prefix: string;
  readonly last4: string;
  readonly keyHash: string;
  readonly scopes: readonly string[];
  /** Epoch milliseconds, or undefined for a key that does not expire. */
  readonly expiresAt: number | undefined;
  readonly createdBy: string;
}

/** The replacement row of a rotation: a fresh key in the old key's name, owner and scopes. */
export interface RotationRow {
  readonly prefix: string;
  readonly last4: string;
  readonly keyHash: string;
  readonly createdBy: string;
  /** When the old key stops working (epoch milliseconds). */
  readonly graceUntil: number;
  /** The new key's expiry: `keep` copies the old key's; a number or undefined sets it. */
  readonly expiresAt: number | undefined | 'keep';
}

/**
 * Why the database refused to write a key (built-in migration 010): the creating credential is
 * revoked, or the key's owner is a disabled user.
 */
export type CredentialRefusal = 'credential_revoked' | 'owner_disabled';

/** What `ApiKeyStore.insert` did. */
export type InsertOutcome =
  | { readonly inserted: true; readonly record: ApiKeyRecord }
  | { readonly inserted: false; readonly refusal: CredentialRefusal };

/**
 * What `ApiKeyStore.rotate` did; `not_rotatable` when the key does not exist, is revoked,
 * expired or already rotated (the caller tells these apart with `findById`).
 */
export type RotateOutcome =
  | { readonly rotated: true; readonly replacement: ApiKeyRecord; readonly previous: ApiKeyRecord }
  | { readonly rotated: false; readonly refusal: CredentialRefusal | 'not_rotatable' };

/** SQL reading one row in the shape `toRecord` expects; times as float epoch milliseconds. */
const COLUMNS = `id::text AS id, owner, name, prefix, last4, key_hash, scopes,
  (extract(epoch FROM expires_at) * 1000)::float8 AS expires_at, revoked,
  (extract(epoch FROM revoked_at) * 1000)::float8 AS revoked_at,
  (extract(epoch FROM created_at) * 1000)::float8 AS created_at, created_by,
  (extract(epoch FROM last_used_at) * 1000)::float8 AS last_used_at,
  replaced_by::text AS replaced_by,
  (extract(epoch FROM grace_until) * 1000)::float8 AS grace_until`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `text` can be an API key id (a UUID); other text never reaches the database. */
export function isApiKeyId(text: string): boolean {
  return UUID.test(text);
}

/**
 * Reads and writes `fraiseql_auth.api_keys` as the server's login role (request roles have no
 * access). Every statement is a single parameterised statement, so each is atomic on its own.
 */
export class ApiKeyStore {
  constructor(private readonly database: Database) {}

  /**
   * Inserts a key unless its creating credential is revoked or its owner is a disabled user,
   * checked in the same transaction under a lock per subject that every revoke-all also takes
   * (`fraiseql_auth.create_api_key`, built-in migration 010): a revoke-all committed first
   * refuses the key, and one committed after revokes it. `credential` undefined checks no
   * credential (the CLI working on the database itself). A prefix collision surfaces as the
   * database's unique violation (23505).
   */
  async insert(row: NewApiKeyRow, credential: CreatingCredential | undefined): Promise<InsertOutcome> {
    const result = await this.database.query<{ outcome: string; key_id: string | null }>(
      `SELECT outcome, key_id::text AS key_id FROM fraiseql_auth.create_api_key(
         $1, $2, $3, $4, $5, $6::text[], to_timestamp($7::float8 / 1000), $8,
         $9, to_timestamp($10::float8), $11, $12::uuid)`,
      [
        row.owner,
        row.name,
        row.prefix,
        row.last4,
        row.keyHash,
        [...row.scopes],
        row.expiresAt ?? null,
        row.createdBy,
        ...credentialValues(credential),
      ],
    );
    const outcome = result.rows[0];
    if (outcome === undefined) throw new Error('fraiseql_auth.create_api_key returned no row');
    switch (outcome.outcome) {
      case 'credential_revoked':
      case 'owner_disabled':
        return { inserted: false, refusal: outcome.outcome };
      case 'created': {
        const record = outcome.key_id === null ? undefined : await this.findById(outcome.key_id);
        if (record === undefined) throw new Error('API key insert committed, but its row could not be read back');
        return { inserted: true, record };
      }
      default:
        throw new Error(`fraiseql_auth.create_api_key returned an unexpected outcome "${outcome.outcome}"`);
    }
  }

  /**
   * The key with this prefix, if any, with whether its owner is a disabled user (the verifier
   * refuses those keys; a change of `users.disabled` notifies the key cache, migration 008) and,
   * when the owner is a user, the owner's database permissions now (`user_permissions`; the
   * verifier narrows the key's scopes to them; a grant change notifies `fraiseql_auth_changed`,
   * migration 004). One statement, so the record is one consistent snapshot.
   */
  async findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.database.query(
      `SELECT ${COLUMNS},
         EXISTS (SELECT 1 FROM fraiseql_auth.users u WHERE u.subject = k.owner AND u.disabled) AS owner_disabled,
         CASE WHEN EXISTS (SELECT 1 FROM fraiseql_auth.users u WHERE u.subject = k.owner)
           THEN ARRAY(SELECT DISTINCT up.permission FROM fraiseql_auth.user_permissions up
                       WHERE up.subject = k.owner ORDER BY up.permission)
         END AS owner_permissions
       FROM fraiseql_auth.api_keys k WHERE prefix = $1`,
      [prefix],
    );
    return result.rows[0] === undefined ? undefined : toRecord(result.rows[0]);
  }

  /** The key with this id, if any (undefined for text that is not a UUID). */
  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    if (!isApiKeyId(id)) return undefined;
    const result = await this.database.query(
      `SELECT ${COLUMNS} FROM fraiseql_auth.api_keys WHERE id = $1::uuid`,
      [id],
    );
    return result.rows[0] === undefined ? undefined : toRecord(result.rows[0]);
  }

  /** Keys of one owner, or of everyone when `owner` is undefined, newest first. */
  async list(owner: string | undefined): Promise<ApiKeyRecord[]> {
    const result =
      owner === undefined
        ? await this.database.query(`SELECT ${COLUMNS} FROM fraiseql_auth.api_keys ORDER BY created_at DESC, id`)
        : await this.database.query(
            `SELECT ${COLUMNS} FROM fraiseql_auth.api_keys WHERE owner = $1 ORDER BY created_at DESC, id`,
            [owner],
          );
    return result.rows.map(toRecord);
  }

  /**
   * Revokes a key now and returns it; a key already revoked is returned unchanged. Undefined
   * when no key has this id.
   */
  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    if (!isApiKeyId(id)) return undefined;
    const result = await this.database.query(
      `UPDATE fraiseql_auth.api_keys SET revoked = true, revoked_at = now()
       WHERE id = $1::uuid AND NOT revoked RETURNING ${COLUMNS}`,
      [id],
    );
    return result.rows[0] === undefined ? this.findById(id) : toRecord(result.rows[0]);
  }

  /**
   * Rotates a key in one transaction (`fraiseql_auth.rotate_api_key`, built-in migration 010):
   * with the same checks and lock as `insert`, inserts the replacement (same owner, name and
   * scopes) and marks the old key replaced with its grace time. The old row is locked first, so
   * of two concurrent rotations only one succeeds.
   */
  async rotate(oldId: string, row: RotationRow, credential: CreatingCredential | undefined): Promise<RotateOutcome> {
    if (!isApiKeyId(oldId)) return { rotated: false, refusal: 'not_rotatable' };
    const keepExpiry = row.expiresAt === 'keep';
    const result = await this.database.query<{ outcome: string; key_id: string | null }>(
      `SELECT outcome, key_id::text AS key_id FROM fraiseql_auth.rotate_api_key(
         $1::uuid, $2, $3, $4, $5::boolean, to_timestamp($6::float8 / 1000), $7,
         to_timestamp($8::float8 / 1000), $9, to_timestamp($10::float8), $11, $12::uuid)`,
      [
        oldId,
        row.prefix,
        row.last4,
        row.keyHash,
        keepExpiry,
        keepExpiry || row.expiresAt === undefined ? null : row.expiresAt,
        row.createdBy,
        row.graceUntil,
        ...credentialValues(credential),
      ],
    );
    const outcome = result.rows[0];
    if (outcome === undefined) throw new Error('fraiseql_auth.rotate_api_key returned no row');
    switch (outcome.outcome) {
      case 'credential_revoked':
      case 'owner_disabled':
      case 'not_rotatable':
        return { rotated: false, refusal: outcome.outcome };
      case 'rotated':
        break;
      default:
        throw new Error(`fraiseql_auth.rotate_api_key returned an unexpected outcome "${outcome.outcome}"`);
    }
    const [replacement, previous] = await Promise.all([
      outcome.key_id === null ? undefined : this.findById(outcome.key_id),
      this.findById(oldId),
    ]);
    if (replacement === undefined || previous === undefined) {
      throw new Error(`API key rotation of ${oldId} committed, but its rows could not be read back`);
    }
    return { rotated: true, replacement, previous };
  }

  /** Records when keys were last used, in one statement; a later time never goes backwards. */
  async recordUse(uses: ReadonlyMap<string, number>): Promise<void> {
    if (uses.size === 0) return;
    await this.database.query(
      `UPDATE fraiseql_auth.api_keys k
       SET last_used_at = greatest(k.last_used_at, to_timestamp(u.at / 1000))
       FROM unnest($1::uuid[], $2::float8[]) AS u(id, at)
       WHERE k.id = u.id`,
      [[...uses.keys()], [...uses.values()]],
    );
  }
}

/** The creating credential as the last four arguments of create_api_key and rotate_api_key. */
function credentialValues(credential: CreatingCredential | undefined): unknown[] {
  if (credential === undefined) return [null, null, null, null];
  return [credential.subject, credential.issuedAt ?? null, credential.tokenId ?? null, credential.sessionId ?? null];
}

function toRecord(row: Record<string, unknown>): ApiKeyRecord {
  return {
    id: text(row, 'id'),
    owner: text(row, 'owner'),
    name: text(row, 'name'),
    prefix: text(row, 'prefix'),
    last4: text(row, 'last4'),
    keyHash: text(row, 'key_hash'),
    scopes: textArray(row['scopes'], 'scopes'),
    expiresAt: time(row['expires_at']),
    revoked: row['revoked'] === true,
    revokedAt: time(row['revoked_at']),
    createdAt: time(row['created_at']) ?? 0,
    createdBy: text(row, 'created_by'),
    lastUsedAt: time(row['last_used_at']),
    replacedBy: typeof row['replaced_by'] === 'string' ? row['replaced_by'] : undefined,
    graceUntil: time(row['grace_until']),
    ...(typeof row['owner_disabled'] === 'boolean' ? { ownerDisabled: row['owner_disabled'] } : {}),
    ...(Array.isArray(row['owner_permissions']) ? { ownerPermissions: textArray(row['owner_permissions'], 'owner_permissions') } : {}),
  };
}

function text(row: Record<string, unknown>, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`fraiseql_auth.api_keys.${column} is not text`);
  return value;
}

function textArray(value: unknown, column: string): string[] {
  if (!Array.isArray(value)) throw new Error(`fraiseql_auth.api_keys.${column} is not an array`);
  return value.filter((item): item is string => typeof item === 'string');
}

function time(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? Math.round(number) : undefined;
}
