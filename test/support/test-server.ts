/**
 * A real fraiseql-ts server for HTTP tests, on a fresh test database.
 *
 *   const server = await startTestServer({ projectDir: 'examples/blog' });
 *   try {
 *     const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
 *     const response = await server.graphql('{ posts { id } }', { token });
 *   } finally { await server.close(); }
 *
 * The project's fraiseql.toml and schema are used as they are; the database comes from
 * test/support/test-database.ts (embedded PGlite, or PostgreSQL when FRAISEQL_TEST_DATABASE_URL
 * is set), with the project's migrations applied by the server start. Tokens are HS256 with a
 * test secret (JWT_SECRET), made with jose here, each with a random `jti`; tests that need an
 * independent minter use python3-jwt themselves.
 */
import { randomUUID } from 'node:crypto';

import { SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';

import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger, type Logger } from '../../src/log/logger.ts';
import { compileProjectSchema } from '../../src/cli/project-schema.ts';
import { prepareServer, type RunningServer } from '../../src/server/start-server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** The HS256 secret every test server verifies with. */
export const TEST_JWT_SECRET = 'test-secret-for-fraiseql-ts-only-0123456789abcdef';

export interface TestServerOptions {
  readonly projectDir: string;
  /** Extra environment for loadConfig (JWT_AUDIENCE, FRAISEQL_ENV, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Log destination; default: silent. */
  readonly logger?: Logger;
}

export interface GraphQLCall {
  readonly token?: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
  readonly headers?: Record<string, string>;
}

export interface GraphQLResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  readonly text: string;
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly running: RunningServer;
  readonly database: TestDatabase;
  /** POST /graphql through fastify.inject (no socket). */
  graphql(query: string, call?: GraphQLCall): Promise<GraphQLResponse>;
  /** An HS256 token signed with TEST_JWT_SECRET; `aud` defaults to the project's audience. */
  token(claims: Record<string, unknown>, options?: { expiresInSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const database = await createTestDatabase();
  try {
    const env: Record<string, string | undefined> = { ...process.env, JWT_SECRET: TEST_JWT_SECRET, ...options.env };
    delete env.DATABASE_URL;
    const config = loadConfig({ dir: options.projectDir, env });
    const compiled = await compileProjectSchema(config);
    const logger = options.logger ?? createLogger({ level: 'silent' });
    const running = await prepareServer({ config, schema: compiled.schema, logger, database: database.db });
    const audience = config.auth.audience;
    const defaultAudience = typeof audience === 'string' ? audience : audience?.[0];

    return {
      app: running.app,
      running,
      database,
      async graphql(query, call = {}) {
        const response = await running.app.inject({
          method: 'POST',
          url: '/graphql',
          headers: {
            'content-type': 'application/json',
            ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
            ...call.headers,
          },
          payload: JSON.stringify({
            query,
            ...(call.variables === undefined ? {} : { variables: call.variables }),
            ...(call.operationName === undefined ? {} : { operationName: call.operationName }),
          }),
        });
        return {
          status: response.statusCode,
          headers: response.headers as Record<string, string | string[] | undefined>,
          body: JSON.parse(response.body) as GraphQLResponse['body'],
          text: response.body,
        };
      },
      async token(claims, tokenOptions = {}) {
        // A random jti unless the test sets one: revocation is on by default and refuses
        // tokens without it.
        const jwt = new SignJWT({
          ...(defaultAudience === undefined ? {} : { aud: defaultAudience }),
          jti: randomUUID(),
          ...claims,
        })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt()
          .setExpirationTime(`${tokenOptions.expiresInSeconds ?? 3600}s`);
        return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
      },
      async close() {
        await running.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
