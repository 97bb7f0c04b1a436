import type { Database } from '../db/database.ts';
import type { ApiKeyRecord } from './api-key-record.ts';

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

  /** Inserts a key; a prefix collision surfaces as the database's unique violation (23505). */
  async insert(row: NewApiKeyRow): Promise<ApiKeyRecord> {
    const result = await this.database.query(
      `INSERT INTO fraiseql_auth.api_keys (owner, name, prefix, last4, key_hash, scopes, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::text[], to_timestamp($7::float8 / 1000), $8)
       RETURNING ${COLUMNS}`,
      [row.owner, row.name, row.prefix, row.last4, row.keyHash, [...row.scopes], row.expiresAt ?? null, row.createdBy],
    );
    return this.only(result.rows, 'insert');
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
   * Rotates a key in one statement: inserts the replacement (same owner, name and scopes) and
   * marks the old key replaced with its grace time. The old row is locked first, so of two
   * concurrent rotations only one succeeds. Undefined when the key does not exist, is revoked
   * or was already rotated (the caller tells these apart with `findById`).
   */
  async rotate(oldId: string, row: RotationRow): Promise<{ replacement: ApiKeyRecord; previous: ApiKeyRecord } | undefined> {
    if (!isApiKeyId(oldId)) return undefined;
    const keepExpiry = row.expiresAt === 'keep';
    const result = await this.database.query(
      `WITH old AS (
         SELECT * FROM fraiseql_auth.api_keys
         WHERE id = $1::uuid AND NOT revoked AND replaced_by IS NULL AND grace_until IS NULL
           AND (expires_at IS NULL OR expires_at > now())
         FOR UPDATE
       ), fresh AS (
         INSERT INTO fraiseql_auth.api_keys (owner, name, prefix, last4, key_hash, scopes, expires_at, created_by)
         SELECT owner, name, $2, $3, $4, scopes,
                CASE WHEN $5::boolean THEN expires_at ELSE to_timestamp($6::float8 / 1000) END, $7
         FROM old
         RETURNING id
       ), retired AS (
         UPDATE fraiseql_auth.api_keys k
         SET replaced_by = fresh.id, grace_until = to_timestamp($8::float8 / 1000)
         FROM fresh WHERE k.id = $1::uuid
         RETURNING k.id
       )
       SELECT fresh.id::text AS fresh_id FROM fresh, retired`,
      [
        oldId,
        row.prefix,
        row.last4,
        row.keyHash,
        keepExpiry,
        keepExpiry || row.expiresAt === undefined ? null : row.expiresAt,
        row.createdBy,
        row.graceUntil,
      ],
    );
    const freshId = result.rows[0]?.['fresh_id'];
    if (typeof freshId !== 'string') return undefined;
    const [replacement, previous] = await Promise.all([this.findById(freshId), this.findById(oldId)]);
    if (replacement === undefined || previous === undefined) {
      throw new Error(`API key rotation of ${oldId} committed, but its rows could not be read back`);
    }
    return { replacement, previous };
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

  private only(rows: readonly Record<string, unknown>[], what: string): ApiKeyRecord {
    const row = rows[0];
    if (row === undefined) throw new Error(`API key ${what} returned no row`);
    return toRecord(row);
  }
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
