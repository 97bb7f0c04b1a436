import { userInfo } from 'node:os';

import { ApiKeyIssuer } from '../../api-keys/api-key-issuer.ts';
import { apiKeySecretFrom } from '../../api-keys/api-key-secret.ts';
import { ApiKeyStore } from '../../api-keys/api-key-store.ts';
import { ApiKeyVerifier } from '../../api-keys/api-key-verifier.ts';
import { directKeyAdministration } from '../../api-keys/direct-key-administration.ts';
import type { KeyAdministration } from '../../api-keys/key-administration.ts';
import {
  databaseStatusSource,
  noStatusSource,
  serverStatusSource,
  type KeyStatusSource,
} from '../../api-keys/key-status-source.ts';
import { serverKeyAdministration } from '../../api-keys/server-key-administration.ts';
import { issueDevelopmentToken } from '../../auth/token-issue.ts';
import { authSetupFromConfig } from '../../config/auth-options-from-config.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { DataDirLockedError } from '../../db/data-dir-lock.ts';
import type { Database } from '../../db/database.ts';
import { openProjectDatabase } from '../project-database.ts';
import type { ProjectNeed } from '../project-directory.ts';
import { CommandError } from '../run-command.ts';
import { explicitServerUrl, serverHoldingDataDir } from '../server-holding-data-dir.ts';

/** Where a `keys` command does its work, and how to let go of it. */
export interface KeysBackend {
  readonly administration: KeyAdministration;
  readonly status: KeyStatusSource;
  close(): Promise<void>;
}

/**
 * What the `keys` commands need when run outside a directory holding `fraiseql.toml`: the
 * project's database (`DATABASE_URL`) and the secret its keys are hashed with
 * (`API_KEY_SECRET`). Without them a command would create an empty embedded database and a
 * development secret in `./.fraiseql`, and report on those.
 */
export const KEYS_PROJECT_NEED: ProjectNeed = {
  settings: ['DATABASE_URL', 'API_KEY_SECRET'],
  without: 'there is no project database to manage or check API keys in',
};

/** Options shared by every `keys` subcommand. */
export interface KeysBackendOptions {
  /** `--server <url>`: the running server to use when it holds the embedded database. */
  readonly server?: string;
}

/**
 * Opens the project's database (PostgreSQL through DATABASE_URL, or the embedded one) and
 * works on `fraiseql_auth.api_keys` directly, as its operator. When a running server holds the
 * embedded database (its data directory is locked), works through that server's /api/keys
 * instead, with one-minute tokens signed with the project's JWT secret, so a revocation is
 * enforced by that server at once. Running servers on PostgreSQL hear of direct changes
 * through the table's NOTIFY triggers.
 *
 * @throws CommandError when API keys are off, or the tables are missing.
 */
export async function openKeysBackend(config: ResolvedConfig, options: KeysBackendOptions): Promise<KeysBackend> {
  if (!config.api_keys.enabled) {
    throw new CommandError('API keys are turned off in this project ([api_keys] enabled = false).');
  }
  if (options.server !== undefined) explicitServerUrl(options.server);
  let database: Database;
  try {
    database = await openProjectDatabase(config, { poolMax: 2, noteEmbedded: true });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    return throughServer(config, serverHoldingDataDir(config, error, options.server), error);
  }
  try {
    await requireApiKeyTable(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const secret = apiKeySecretFrom({
    hashSecret: config.api_keys.hash_secret,
    production: config.production,
    projectDir: config.projectDir,
  });
  const store = new ApiKeyStore(database);
  // This process keeps no cache; servers learn of changes from the table's triggers.
  const issuer = new ApiKeyIssuer(store, secret);
  const verifier = new ApiKeyVerifier({ store, secret });
  const where = config.database.url === undefined ? `embedded database ${config.paths.dataDir}` : 'database DATABASE_URL';
  return {
    administration: directKeyAdministration({
      store,
      issuer,
      verifier,
      rotationGraceSeconds: config.api_keys.rotation_grace_seconds,
      actor: cliActor(),
    }),
    status: databaseStatusSource(where, verifier, issuer),
    close: () => database.close(),
  };
}

/**
 * Where `keys scan` learns whether a found key is active: the database, else the server that
 * holds it, else nowhere (every key is then reported `unknown`, and the scan exits 2).
 */
export async function openKeyStatusSource(config: ResolvedConfig, options: KeysBackendOptions): Promise<KeysBackend> {
  try {
    return await openKeysBackend(config, options);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const status = noStatusSource(`the project's database cannot be read: ${why}`);
    return { administration: unavailable(why), status, close: async () => undefined };
  }
}

/**
 * `keys scan` outside a project: keys are still found by their checksum, but nothing is opened
 * or created to ask about them, so each is `unknown` (and the scan exits 2 when it finds one).
 */
export function noProjectStatusSource(): KeysBackend {
  const why = 'no project was found, so whether it is active could not be checked: pass --dir <project>';
  return {
    administration: unavailable(why),
    status: { ...noStatusSource(why), description: 'nowhere, no project was found' },
    close: async () => undefined,
  };
}

async function throughServer(config: ResolvedConfig, baseUrl: string, locked: DataDirLockedError): Promise<KeysBackend> {
  const auth = authSetupFromConfig(config).options;
  const adminScope = config.api_keys.admin_scope;
  const tokenFor = async (scopes: readonly string[]): Promise<string> => {
    try {
      const issued = await issueDevelopmentToken(
        { subject: cliActor(), scopes: [adminScope, ...scopes], lifetimeSeconds: 60 },
        auth,
      );
      return issued.token;
    } catch (error) {
      throw new CommandError(
        `${locked.message}\nThe server's /api/keys (${baseUrl}) could be used instead, but no token can be made ` +
          `for it here: ${error instanceof Error ? error.message : String(error)}. Stop the server, or call ` +
          `/api/keys with a token holding ${adminScope}.`,
      );
    }
  };
  return {
    administration: serverKeyAdministration(baseUrl, tokenFor),
    status: serverStatusSource(baseUrl),
    close: async () => undefined,
  };
}

async function requireApiKeyTable(database: Database): Promise<void> {
  const result = await database.query<{ present: boolean }>(
    "SELECT to_regclass('fraiseql_auth.api_keys') IS NOT NULL AS present",
  );
  if (result.rows[0]?.present !== true) {
    throw new CommandError(
      'This database has no fraiseql_auth.api_keys table yet: run "fraiseql-ts migrate" (or start the server once) first.',
    );
  }
}

function unavailable(why: string): KeyAdministration {
  const refuse = (): never => {
    throw new CommandError(why);
  };
  return { where: 'none', create: refuse, list: refuse, rotate: refuse, revoke: refuse };
}

/**
 * Who the CLI acts as, `cli:<os user>`: recorded as a key's `created_by` when the command writes
 * the table directly, and the subject of the one-minute tokens it sends to a running server,
 * which records its callers' subjects there, so both ways record the same. A label, not an
 * identity: whoever holds the database, or the JWT secret, can write any name.
 */
function cliActor(): string {
  return `cli:${osUser()}`;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
