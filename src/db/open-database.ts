import type { Database } from './database.ts';
import { openEmbeddedDatabase } from './embedded-database.ts';
import { openPostgresDatabase } from './postgres-database.ts';

/** Options of `openDatabase`. */
export interface OpenDatabaseOptions {
  /** A PostgreSQL URL. When set, the server's database is used and `dataDir` is ignored. */
  readonly url?: string;
  /** The embedded database's directory when no URL is set. Default: in memory. */
  readonly dataDir?: string;
  /** Pool size for PostgreSQL. Default 10. */
  readonly poolMax?: number;
  /** Connection timeout for PostgreSQL, in ms. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Errors of idle pooled PostgreSQL connections (for the log). Default: ignored. */
  readonly onIdleConnectionError?: (error: Error) => void;
}

/** Opens PostgreSQL when `url` is set (non-empty), embedded PGlite otherwise. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url !== undefined && options.url !== '') {
    return openPostgresDatabase({
      url: options.url,
      ...(options.poolMax === undefined ? {} : { poolMax: options.poolMax }),
      ...(options.connectTimeoutMs === undefined
        ? {}
        : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.onIdleConnectionError === undefined
        ? {}
        : { onIdleConnectionError: options.onIdleConnectionError }),
    });
  }
  return openEmbeddedDatabase(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
}
