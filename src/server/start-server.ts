import type { FastifyInstance } from 'fastify';

import { createAuthenticator, type Authenticator } from '../auth/authenticate-request.ts';
import { createRequestAuthenticator } from '../auth/request-authenticator.ts';
import type { Caller } from '../auth/principal.ts';
import { wwwAuthenticateFor } from '../auth/www-authenticate.ts';
import { authSetupFromConfig } from '../config/auth-options-from-config.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Database } from '../db/database.ts';
import { toPublicError } from '../db/map-database-error.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { checkRequestRoles } from '../db/request-roles.ts';
import { VisibleSchemas } from '../graphql/access/visible-schema.ts';
import { buildGraphQLSchema } from '../graphql/build-graphql-schema.ts';
import type { ExecutorContext } from '../graphql/execute-operation.ts';
import { PlanCache } from '../graphql/plan-cache.ts';
import { createRuntimeCatalog } from '../graphql/runtime-catalog.ts';
import { DEFAULT_DOCUMENT_LIMITS, validationRules } from '../graphql/validation-rules.ts';
import { createHttpServer } from '../http/create-http-server.ts';
import type { Logger } from '../log/logger.ts';
import { checkSchemaAgainstDatabase, loadCatalogForSchema } from '../schema/check-against-database.ts';
import type { CompiledSchema } from '../schema/compiled-schema.ts';
import { FEATURES } from './features.ts';
import { forgetServerAddress, recordServerAddress, urlOfAddress } from './server-address-file.ts';
import type { ServerFeature } from './server-feature.ts';

/** Refused start: the message lists what to fix. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface StartOptions {
  readonly config: ResolvedConfig;
  readonly schema: CompiledSchema;
  readonly logger: Logger;
  /** Apply pending migrations before serving. Default true. */
  readonly migrate?: boolean;
  /** An already open database (tests); otherwise one is opened from the configuration. */
  readonly database?: Database;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly authenticator: Authenticator;
  /** Stops accepting requests, then closes the database. */
  close(): Promise<void>;
}

/**
 * Builds everything a request needs, once: the authenticator (keys imported, secrets checked),
 * the database (migrated, roles checked, catalogue read), the GraphQL schema and plan cache,
 * and the HTTP server. Any problem stops the start with a message saying what to change.
 * Does not listen; the caller decides where.
 */
export async function prepareServer(options: StartOptions): Promise<RunningServer> {
  const { config, schema, logger } = options;
  const auth = authSetupFromConfig(config);
  if (auth.developmentSecretFile !== undefined) {
    logger.warn(
      { file: auth.developmentSecretFile },
      'JWT_SECRET is not set: tokens are checked with a development secret kept in this file. ' +
        'Set JWT_SECRET (32 bytes or more) before running in production.',
    );
  }
  const authenticator = createAuthenticator(auth.options, logger);

  const database = options.database ?? (await openConfiguredDatabase(config, logger));
  const features: ServerFeature[] = [];
  try {
    const roles = { anon: config.database.anon_role, authenticated: config.database.authenticated_role };
    if (options.migrate ?? true) {
      const result = await migrate(database, { migrationsDir: config.paths.migrationsDir, roles });
      if (result.applied.length > 0) logger.info({ applied: result.applied }, 'applied migrations');
    }
    await checkRequestRoles(database, roles);

    const catalog = await loadCatalogForSchema(database, schema, roles);
    const problems = checkSchemaAgainstDatabase(schema, catalog);
    for (const problem of problems.filter((item) => item.severity === 'warning')) {
      logger.warn({ operation: problem.operation }, problem.message);
    }
    const errors = problems.filter((item) => item.severity === 'error');
    if (errors.length > 0) {
      throw new StartupError(
        `The schema does not match the database (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n` +
          errors.map((problem) => `  - ${problem.operation}: ${problem.message}`).join('\n'),
      );
    }

    for (const factory of FEATURES) {
      const feature = await factory({ config, database, logger, schema, jwt: authenticator });
      if (feature !== undefined) features.push(feature);
    }
    const single = <K extends 'revocation' | 'apiKeys' | 'permissions'>(key: K): ServerFeature[K] => {
      const providers = features.filter((feature) => feature[key] !== undefined);
      if (providers.length > 1) throw new StartupError(`Several features provide ${key}: ${providers.map((f) => f.name).join(', ')}`);
      return providers[0]?.[key];
    };
    const revocation = single('revocation');
    const apiKeys = single('apiKeys');
    const permissions = single('permissions');
    const needingPermission = [...Object.values(schema.queries), ...Object.values(schema.mutations)]
      .filter((operation) => operation.access.requiresPermission.length > 0)
      .map((operation) => operation.name);
    if (permissions === undefined && needingPermission.length > 0) {
      throw new StartupError(
        `Operations ${needingPermission.join(', ')} require database permissions, but no feature ` +
          'provides them, so every call would be refused. Enable the rbac feature (src/server/features.ts).',
      );
    }

    const builtinFields = features.flatMap((feature) => feature.graphqlFields ?? []);
    const graphqlSchema = buildGraphQLSchema(schema, builtinFields);
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, ...documentLimits(config) };
    const executor: ExecutorContext = {
      compiled: schema,
      schema: graphqlSchema,
      plans: new PlanCache({ schema: graphqlSchema, rules: validationRules(limits), maxTokens: limits.maxTokens }),
      database,
      catalog: createRuntimeCatalog(catalog, schema),
      roles: { anonymous: roles.anon, authenticated: roles.authenticated },
      statementTimeoutMs: config.database.statement_timeout_ms,
      maxPageSize: config.limits.max_page_size,
      maxPatternLength: config.limits.max_pattern_length,
      filterBudget: {
        maxConditions: config.limits.max_filter_conditions,
        maxPatternCharacters: config.limits.max_pattern_budget,
      },
      introspection: config.server.introspection ?? !config.production,
      roleScopes: config.security.roles,
      visibleSchemas: new VisibleSchemas(schema, builtinFields),
      ...(permissions === undefined ? {} : { permissions }),
      mapDatabaseError: (error) => toPublicError(error, { production: config.production }),
    };
    const app = await createHttpServer({
      executor,
      authenticator: createRequestAuthenticator({
        jwt: authenticator,
        ...(revocation === undefined ? {} : { revocation }),
        ...(apiKeys === undefined ? {} : { apiKeys }),
      }),
      routes: features.flatMap((feature) => (feature.routes === undefined ? [] : [feature.routes])),
      wwwAuthenticate: (error) => wwwAuthenticateFor(error),
      logger,
      maxBodyBytes: config.server.max_body_bytes,
      readiness: () => database.ping(),
      responseHeaders: responseHeadersOf(features),
    });

    // A server on its own embedded database says where it listens, for the CLI (see the file).
    const embeddedDataDir =
      options.database === undefined && config.database.url === undefined ? config.paths.dataDir : undefined;
    if (embeddedDataDir !== undefined) {
      app.server.on('listening', () => {
        const address = app.server.address();
        if (address !== null && typeof address === 'object') {
          recordServerAddress(embeddedDataDir, urlOfAddress(address));
        }
      });
    }

    return {
      app,
      database,
      authenticator,
      close: async () => {
        if (embeddedDataDir !== undefined) forgetServerAddress(embeddedDataDir);
        await app.close();
        for (const feature of features) await feature.close?.();
        authenticator.close();
        if (options.database === undefined) await database.close();
      },
    };
  } catch (error) {
    for (const feature of features) await feature.close?.().catch(() => undefined);
    authenticator.close();
    if (options.database === undefined) await database.close();
    throw error;
  }
}

/** Every feature's extra /graphql response headers for a caller, merged in feature order. */
function responseHeadersOf(features: readonly ServerFeature[]) {
  const hooks = features.flatMap((feature) => (feature.responseHeaders === undefined ? [] : [feature]));
  return async (caller: Caller): Promise<Readonly<Record<string, string>> | undefined> => {
    if (hooks.length === 0) return undefined;
    const parts = await Promise.all(hooks.map((feature) => feature.responseHeaders?.(caller)));
    return Object.assign({}, ...parts) as Record<string, string>;
  };
}

async function openConfiguredDatabase(config: ResolvedConfig, logger: Logger): Promise<Database> {
  const url = config.database.url;
  if (url === undefined && config.production && !config.database.dangerously_allow_embedded_in_production) {
    throw new StartupError(
      'Production needs PostgreSQL: set DATABASE_URL. The embedded database cannot stop a slow ' +
        'statement (statement_timeout_ms is not enforced there, and a statement blocks every other ' +
        'request while it runs). To serve from it anyway, set [database] ' +
        'dangerously_allow_embedded_in_production = true in fraiseql.toml.',
    );
  }
  if (url === undefined) {
    logger.info({ dataDir: config.paths.dataDir }, 'using the embedded database (set DATABASE_URL for PostgreSQL)');
  }
  return openDatabase({
    ...(url === undefined ? { dataDir: config.paths.dataDir } : { url }),
    poolMax: config.database.pool_max,
    onIdleConnectionError: (error) => logger.warn({ err: error }, 'an idle database connection failed'),
  });
}

function documentLimits(config: ResolvedConfig) {
  return {
    maxDepth: config.limits.max_depth,
    maxAliases: config.limits.max_aliases,
    maxDirectives: config.limits.max_directives,
    maxTokens: config.limits.max_tokens,
  };
}
