/**
 * The authorization test project (test/authorization/fixture) served by the real server, with
 * what these tests need beyond test/support/test-server.ts: a chosen pool size (the
 * concurrency test runs on a small pool), a second server instance on the same database (to
 * see a grant made through one instance reach the other), and admin API calls.
 *
 *   const server = await startAuthzServer();
 *   try {
 *     const reply = await server.graphql('{ notes { title } }', { token: await server.userToken(ALICE) });
 *   } finally { await server.close(); }
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';

import { compileProjectSchema } from '../../../src/cli/project-schema.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { Database } from '../../../src/db/database.ts';
import { openPostgresDatabase } from '../../../src/db/postgres-database.ts';
import { createLogger, type Logger } from '../../../src/log/logger.ts';
import { prepareServer, type RunningServer } from '../../../src/server/start-server.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { TEST_JWT_SECRET } from '../../support/test-server.ts';

/** The fixture project, as an absolute path. */
export const FIXTURE_DIR = fileURLToPath(new URL('../fixture/', import.meta.url));

const AUDIENCE = 'fraiseql-api';

/** A seeded account of the fixture: its subject (`sub`) and organisation (`org.id`). */
export interface FixtureUser {
  readonly name: string;
  readonly sub: string;
  readonly org: number;
}

export const ALICE: FixtureUser = { name: 'Alice', sub: '00000000-0000-0000-0000-00000000000a', org: 1 };
export const BOB: FixtureUser = { name: 'Bob', sub: '00000000-0000-0000-0000-00000000000b', org: 1 };
export const CAROL: FixtureUser = { name: 'Carol', sub: '00000000-0000-0000-0000-00000000000c', org: 2 };
export const DAVE: FixtureUser = { name: 'Dave', sub: '00000000-0000-0000-0000-00000000000d', org: 2 };
export const USERS: readonly FixtureUser[] = [ALICE, BOB, CAROL, DAVE];

export interface AuthzServerOptions {
  /** Pool size on PostgreSQL (PGlite has one connection). Default 10. */
  readonly poolMax?: number;
  /** Extra environment for the configuration (FRAISEQL_PERMISSION_CACHE_SECONDS, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Serve a database another server already uses (a second instance); it is not closed here. */
  readonly shareWith?: AuthzServer;
  readonly logger?: Logger;
}

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly json: ReplyBody;
  readonly text: string;
}

export interface ReplyError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

export interface ReplyBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly ReplyError[];
  readonly [key: string]: unknown;
}

export interface TokenOptions {
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
  /** Further claims (replace the defaults, e.g. `{ org: undefined }`). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface AuthzServer {
  readonly app: FastifyInstance;
  readonly running: RunningServer;
  /** The database this instance serves. */
  readonly database: Database;
  /** The test database (its URL on PostgreSQL); owned by the first instance. */
  readonly testDatabase: TestDatabase;
  graphql(query: string, call?: { token?: string; variables?: Record<string, unknown> }): Promise<Reply>;
  /** Any HTTP request (the admin API), with an optional bearer token and JSON body. */
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, call?: { token?: string; body?: unknown }): Promise<Reply>;
  /** An HS256 token with `aud`, `iat`, `exp` and a random `jti` (revocation requires one). */
  token(claims: Record<string, unknown>): Promise<string>;
  /** A token for a seeded user: `sub`, `org: { id }`, and the scopes and roles given. */
  userToken(user: FixtureUser, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

/** Starts the fixture project on a fresh test database (or on `shareWith`'s). */
export async function startAuthzServer(options: AuthzServerOptions = {}): Promise<AuthzServer> {
  const owned = options.shareWith === undefined;
  const testDatabase =
    options.shareWith?.testDatabase ??
    (await createTestDatabase(options.poolMax === undefined ? {} : { poolMax: options.poolMax }));
  let database = options.shareWith?.database ?? testDatabase.db;
  // A second instance on PostgreSQL gets a pool of its own, as a second process would.
  const ownPool = !owned && testDatabase.url !== undefined;
  if (ownPool && testDatabase.url !== undefined) {
    database = await openPostgresDatabase({ url: testDatabase.url, poolMax: options.poolMax ?? 10 });
  }

  try {
    const env: Record<string, string | undefined> = { ...process.env, JWT_SECRET: TEST_JWT_SECRET, ...options.env };
    delete env.DATABASE_URL;
    const config = loadConfig({ dir: FIXTURE_DIR, env });
    const compiled = await compileProjectSchema(config);
    const logger = options.logger ?? createLogger({ level: 'silent' });
    const running = await prepareServer({ config, schema: compiled.schema, logger, database, migrate: owned });

    const inject = async (
      method: string,
      url: string,
      headers: Record<string, string>,
      payload: string | undefined,
    ): Promise<Reply> => {
      const response = await running.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload === undefined ? {} : { payload }),
      });
      let json: ReplyBody = {};
      try {
        json = JSON.parse(response.body) as ReplyBody;
      } catch {
        json = {};
      }
      return { status: response.statusCode, headers: response.headers, json, text: response.body };
    };
    const auth = (token: string | undefined): Record<string, string> =>
      token === undefined ? {} : { authorization: `Bearer ${token}` };

    const server: AuthzServer = {
      app: running.app,
      running,
      database,
      testDatabase,
      graphql: (query, call = {}) =>
        inject(
          'POST',
          '/graphql',
          { 'content-type': 'application/json', ...auth(call.token) },
          JSON.stringify({ query, ...(call.variables === undefined ? {} : { variables: call.variables }) }),
        ),
      request: (method, url, call = {}) =>
        inject(
          method,
          url,
          { ...auth(call.token), ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
          call.body === undefined ? undefined : JSON.stringify(call.body),
        ),
      token: async (claims) =>
        new SignJWT({ aud: AUDIENCE, ...claims })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt()
          .setJti(randomUUID())
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(TEST_JWT_SECRET)),
      userToken: async (user, tokenOptions = {}) =>
        server.token(
          withoutUndefined({
            sub: user.sub,
            org: { id: user.org },
            ...(tokenOptions.scopes === undefined ? {} : { scopes: [...tokenOptions.scopes] }),
            ...(tokenOptions.roles === undefined ? {} : { roles: [...tokenOptions.roles] }),
            ...tokenOptions.claims,
          }),
        ),
      close: async () => {
        await running.close();
        if (ownPool) await database.close();
        if (owned) await testDatabase.close();
      },
    };
    return server;
  } catch (error) {
    if (ownPool) await database.close();
    if (owned) await testDatabase.close();
    throw error;
  }
}

function withoutUndefined(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}
