import type { ConfigFile } from './config-schema.ts';

/** The configuration with absolute paths and the run mode decided. */
export interface ResolvedConfig extends ConfigFile {
  /** `NODE_ENV=production` or `FRAISEQL_ENV=production`. Tightens every default. */
  readonly production: boolean;
  /** The directory holding fraiseql.toml; relative paths resolve from here. */
  readonly projectDir: string;
  /** The fraiseql.toml that was read, if any. */
  readonly configPath?: string;
  readonly paths: {
    /** The schema source (schema.ts or schema.json), if one exists. */
    readonly schemaSource?: string;
    readonly compiled: string;
    readonly dataDir: string;
    readonly migrationsDir: string;
  };
}
