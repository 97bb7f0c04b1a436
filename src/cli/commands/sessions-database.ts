import type { ResolvedConfig } from '../../config/resolved-config.ts';
import type { Database } from '../../db/database.ts';
import { openDatabase } from '../../db/open-database.ts';
import { RevocationStore } from '../../sessions/revocation-store.ts';
import { SessionStore } from '../../sessions/session-store.ts';
import { TokenRevoker } from '../../sessions/token-revoker.ts';
import { CommandError } from '../run-command.ts';

/** A database opened for the user and token commands, with what they need. */
export interface SessionsDatabase {
  readonly database: Database;
  readonly revoker: TokenRevoker;
  readonly revocations: RevocationStore;
  close(): Promise<void>;
}

/**
 * Opens the project's database for `users` and `token revoke|cleanup`, and checks that the
 * tables they use exist. With the embedded database this only works while no server holds its
 * data directory: these commands are the offline path (the HTTP API is the online one).
 */
export async function openSessionsDatabase(config: ResolvedConfig): Promise<SessionsDatabase> {
  const database = await openDatabase(
    config.database.url === undefined ? { dataDir: config.paths.dataDir } : { url: config.database.url },
  );
  try {
    await requireTables(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const revocations = new RevocationStore(database);
  const revoker = new TokenRevoker({
    revocations,
    sessions: new SessionStore(database),
    retentionSeconds: config.revocation.revoke_all_retention_seconds,
    // The triggers notify running servers; this process keeps no cache.
    onRevoked: () => undefined,
  });
  return { database, revoker, revocations, close: () => database.close() };
}

/** Refuses a database that has not had built-in migration 006 yet, naming the fix. */
async function requireTables(database: Database): Promise<void> {
  const result = await database.query<{ present: boolean }>(
    "SELECT to_regclass('fraiseql_auth.sessions') IS NOT NULL AS present",
  );
  if (result.rows[0]?.present !== true) {
    throw new CommandError(
      'The users and sessions tables are missing from this database. Run `fraiseql-ts migrate` ' +
        '(or start the server once), then try again.',
    );
  }
}
