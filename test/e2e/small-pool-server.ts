/**
 * A real server like test/support/test-server.ts, but on a database with a chosen pool size, so
 * that concurrent requests share (and reuse) a few connections. PGlite has one connection
 * whatever the size; on PostgreSQL (`FRAISEQL_TEST_DATABASE_URL`) the pool holds `poolMax`.
 */
import { randomUUID } from 'node:crypto';

import { SignJWT } from 'jose';

import { compileProjectSchema } from '../../src/cli/project-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/log/logger.ts';
import { prepareServer, type RunningServer } from '../../src/server/start-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TEST_JWT_SECRET } from '../support/test-server.ts';

export interface SmallPoolServer {
  readonly running: RunningServer;
  readonly database: TestDatabase;
  /** An HS256 token for `sub` with these scopes, for the project's audience. */
  token(sub: string, scopes: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/** Starts the project's server on a fresh test database whose pool holds `poolMax` connections. */
export async function startSmallPoolServer(
  projectDir: string,
  poolMax: number,
): Promise<SmallPoolServer> {
  const database = await createTestDatabase({ poolMax });
  try {
    const env: Record<string, string | undefined> = { ...process.env, JWT_SECRET: TEST_JWT_SECRET };
    delete env.DATABASE_URL;
    const config = loadConfig({ dir: projectDir, env });
    const compiled = await compileProjectSchema(config);
    const running = await prepareServer({
      config,
      schema: compiled.schema,
      logger: createLogger({ level: 'silent' }),
      database: database.db,
    });
    const audience = config.auth.audience;
    const aud = typeof audience === 'string' ? audience : audience?.[0];
    return {
      running,
      database,
      token: (sub, scopes) =>
        new SignJWT({ sub, scopes: [...scopes], ...(aud === undefined ? {} : { aud }) })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt()
          .setJti(randomUUID())
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(TEST_JWT_SECRET)),
      close: async () => {
        await running.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
