import { relative } from 'node:path';

import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open-database.ts';

/**
 * Opens the database a project's configuration names: PostgreSQL when `DATABASE_URL` (or
 * `[database] url`) is set, the embedded one in its data directory otherwise.
 *
 * With `noteEmbedded`, a command that changes data says on stderr when it acts on the embedded
 * database: a server running on PostgreSQL would never see the change if the command was run
 * without the server's DATABASE_URL.
 */
export async function openProjectDatabase(
  config: ResolvedConfig,
  options: { readonly poolMax?: number; readonly noteEmbedded?: boolean } = {},
): Promise<Database> {
  const url = config.database.url;
  if (url !== undefined) {
    return openDatabase({ url, ...(options.poolMax === undefined ? {} : { poolMax: options.poolMax }) });
  }
  const database = await openDatabase({ dataDir: config.paths.dataDir });
  if (options.noteEmbedded === true) {
    process.stderr.write(
      `Using the embedded database in ${relative(process.cwd(), config.paths.dataDir) || '.'} ` +
        '(DATABASE_URL is not set). If your server runs on PostgreSQL, set DATABASE_URL as it has it.\n',
    );
  }
  return database;
}
