import { loadConfig } from '../../config/load-config.ts';
import { migrate } from '../../db/migrate.ts';
import { openProjectDatabase } from '../project-database.ts';

/**
 * `fraiseql-ts migrate`: applies fraiseql-ts's built-in migrations, then the project's SQL
 * files in name order, each once, and prints what it applied.
 */
export async function runMigrate(options: { dir: string }): Promise<number> {
  const config = loadConfig({ dir: options.dir });
  const database = await openProjectDatabase(config);
  try {
    const result = await migrate(database, {
      migrationsDir: config.paths.migrationsDir,
      roles: { anon: config.database.anon_role, authenticated: config.database.authenticated_role },
    });
    for (const name of result.applied) process.stdout.write(`applied ${name}\n`);
    process.stdout.write(
      result.applied.length === 0
        ? `Nothing to apply: all ${result.alreadyApplied.length} migrations were already applied.\n`
        : `Applied ${result.applied.length} migration(s); ${result.alreadyApplied.length} were already applied.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
