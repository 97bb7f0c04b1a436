/**
 * Two fraiseql-ts servers on one test database, as two instances behind a load balancer:
 * with embedded PGlite they share the one Database object (one process, one connection);
 * with PostgreSQL (FRAISEQL_TEST_DATABASE_URL) the second opens its own pool and its own
 * LISTEN connection on the same database.
 *
 *   const pair = await startServerPair({ projectDir: 'examples/blog' });
 *   try { ... pair.a.app ... pair.b.app ... } finally { await pair.close(); }
 */
import { loadConfig } from '../../../src/config/load-config.ts';
import { compileProjectSchema } from '../../../src/cli/project-schema.ts';
import type { Database } from '../../../src/db/database.ts';
import { openPostgresDatabase } from '../../../src/db/postgres-database.ts';
import { createLogger, type Logger } from '../../../src/log/logger.ts';
import { prepareServer, type RunningServer } from '../../../src/server/start-server.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { TEST_JWT_SECRET } from '../../support/test-server.ts';

export interface ServerPair {
  readonly a: RunningServer;
  readonly b: RunningServer;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export async function startServerPair(options: {
  readonly projectDir: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
}): Promise<ServerPair> {
  const database = await createTestDatabase();
  const opened: RunningServer[] = [];
  let second: Database | undefined;
  try {
    const env: Record<string, string | undefined> = { ...process.env, JWT_SECRET: TEST_JWT_SECRET, ...options.env };
    delete env.DATABASE_URL;
    const config = loadConfig({ dir: options.projectDir, env });
    const { schema } = await compileProjectSchema(config);
    const logger = options.logger ?? createLogger({ level: 'silent' });
    const a = await prepareServer({ config, schema, logger, database: database.db });
    opened.push(a);
    second = database.url === undefined ? database.db : await openPostgresDatabase({ url: database.url, poolMax: 4 });
    const b = await prepareServer({ config, schema, logger, database: second });
    opened.push(b);
    const separate = second !== database.db ? second : undefined;
    return {
      a,
      b,
      database,
      close: async () => {
        await b.close();
        await a.close();
        await separate?.close();
        await database.close();
      },
    };
  } catch (error) {
    for (const server of opened.reverse()) await server.close().catch(() => undefined);
    if (second !== undefined && second !== database.db) await second.close().catch(() => undefined);
    await database.close();
    throw error;
  }
}
