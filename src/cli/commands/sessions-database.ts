import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { DataDirLockedError } from '../../db/data-dir-lock.ts';
import type { Database } from '../../db/database.ts';
import { createLogger } from '../../log/logger.ts';
import { openRevocationStore } from '../../sessions/open-revocation-store.ts';
import { revocationLifetimeOf } from '../../sessions/revocation-lifetime.ts';
import type { RevocationBackend } from '../../sessions/revocation-store.ts';
import { SessionStore } from '../../sessions/session-store.ts';
import { TokenRevoker } from '../../sessions/token-revoker.ts';
import { openProjectDatabase } from '../project-database.ts';
import { CommandError } from '../run-command.ts';

/** A database opened for the user and token commands, with what they need. */
export interface SessionsDatabase {
  readonly database: Database;
  readonly revoker: TokenRevoker;
  /** The configured `[revocation] store`. */
  readonly revocations: RevocationBackend;
  close(): Promise<void>;
}

/**
 * Opens the project's database for `users` and `token revoke|cleanup`, and checks that the
 * tables they use exist. With the embedded database this only works while no server holds its
 * data directory: these commands are the offline path (the HTTP API is the online one).
 */
export async function openSessionsDatabase(config: ResolvedConfig): Promise<SessionsDatabase> {
  const database = await openProjectDatabase(config, { noteEmbedded: true }).catch((error: unknown) => {
    if (!(error instanceof DataDirLockedError)) throw error;
    throw new CommandError(
      `${error.message} While the server runs, do the same through its HTTP API with an admin token: ` +
        'POST /auth/users (users add), POST /auth/users/<username>/password|disable|enable, ' +
        'POST /auth/revoke-all {"sub": "..."} (token revoke --user), POST /auth/logout (one token).',
    );
  });
  try {
    await requireTables(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  let revocations: RevocationBackend;
  try {
    // Connection trouble with Redis goes to stderr, so stdout stays the command's answer.
    revocations = await openRevocationStore(
      config.revocation,
      database,
      createLogger({ level: 'warn', destination: process.stderr }),
      revocationLifetimeOf(config),
    );
  } catch (error) {
    await database.close();
    throw error;
  }
  const revoker = new TokenRevoker({
    revocations,
    sessions: new SessionStore(database),
    // The store notifies running servers (triggers, or a Redis PUBLISH); this process keeps no cache.
    onRevoked: () => undefined,
  });
  const close = async (): Promise<void> => {
    await revocations.close();
    await database.close();
  };
  return { database, revoker, revocations, close };
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
