import type { Database } from '../db/database.ts';

/**
 * Revokes every API key of `owner` created until now (the database's clock), for a revoke-all
 * recorded outside PostgreSQL (the Redis revocation store). With the PostgreSQL store the
 * revoked_users trigger of the built-in migration does the same; running both is harmless.
 * The api_keys triggers notify every server's key cache. Resolves to how many were revoked.
 */
export async function revokeOwnerApiKeys(database: Database, owner: string): Promise<number> {
  const result = await database.query(
    `UPDATE fraiseql_auth.api_keys SET revoked = true, revoked_at = now()
      WHERE owner = $1 AND NOT revoked AND created_at <= now()
      RETURNING 1`,
    [owner],
  );
  return result.rows.length;
}
