import type { Authenticator } from '../auth/authenticate-request.ts';
import { explanationOf } from '../auth/auth-failure.ts';
import { ConfigError } from '../config/load-config.ts';
import type { Database } from '../db/database.ts';
import { PublicError } from '../errors/public-error.ts';
import type { HttpRoutes } from '../http/create-http-server.ts';
import type { CompiledSchema } from '../schema/compiled-schema.ts';
import type { FeatureFactory, ServerFeature } from '../server/server-feature.ts';
import { createAccessTokenMinter, type AccessTokenMinter } from './access-token-minter.ts';
import { CachedRevocationCheck } from './cached-revocation-check.ts';
import { startCleanupJob } from './cleanup-job.ts';
import { createPasswordHasher } from './password-hasher.ts';
import { REFRESH_TOKEN_MUTATION, refreshTokenMutation, TOKEN_RESPONSE_TYPE } from './refresh-token-mutation.ts';
import { openRevocationStore } from './open-revocation-store.ts';
import { revocationLifetimeOf } from './revocation-lifetime.ts';
import { RevocationStore } from './revocation-store.ts';
import { SessionIssuer } from './session-issuer.ts';
import { sessionRoutes } from './session-routes.ts';
import { resolveSessionsMode } from './session-settings.ts';
import { SessionStore } from './session-store.ts';
import { slidingRenewal } from './sliding-renewal.ts';
import { TokenRevoker } from './token-revoker.ts';
import { userAdminRoutes } from './user-admin-routes.ts';
import { UserStore } from './user-store.ts';

/**
 * Sessions and revocation (`[sessions]`, `[revocation]`):
 * - `revocation`: every JWT is checked against the revocation store (`[revocation] store`:
 *   PostgreSQL, or Redis) behind a cache that LISTEN/NOTIFY (or Redis pub/sub) empties on
 *   every server (on by default);
 * - `routes`: `/auth/login`, `/auth/refresh`, `/auth/logout`, `/auth/revoke-all`, and the user
 *   administration under `/auth/users`;
 * - `graphqlFields`: the `refreshToken` mutation;
 * - `responseHeaders`: sliding renewal, when configured;
 * - a cleanup job deleting expired rows.
 * Login needs the HMAC secret the server verifies with; without one it is off and says why.
 * Start is refused when its tokens would not pass the server's own verification.
 */
export const sessionsFeature: FeatureFactory = async (context) => {
  const { config, database, logger } = context;
  const mode = resolveSessionsMode(config);
  const revocation = config.revocation;
  if (mode.kind === 'off' && mode.explicit && !revocation.enabled) return undefined;
  if (mode.kind === 'off' && !mode.explicit) logger.warn(`Login (/auth/login) is off: ${mode.reason}.`);
  await requireSessionTables(database);

  if (revocation.revoke_all_retention_seconds !== undefined) {
    logger.warn(
      '[revocation] revoke_all_retention_seconds is no longer used and can be removed: a revoke-all, ' +
        'and a revocation of a token whose expiry is unknown, are kept until every token they refuse ' +
        'has expired under [auth] max_token_lifetime_seconds, and for good when that is unset.',
    );
  }
  const users = new UserStore(database);
  const sessions = new SessionStore(database);
  const lifetime = revocationLifetimeOf(config);
  // Without revocation nothing reads the store; the cleanup job still ends expired sessions.
  const revocations = revocation.enabled
    ? await openRevocationStore(revocation, database, logger, lifetime)
    : new RevocationStore(database, lifetime);

  let check: CachedRevocationCheck | undefined;
  if (revocation.enabled) {
    check = new CachedRevocationCheck(
      revocations,
      { requireJti: revocation.require_jti, failOpen: revocation.fail_open, cacheSeconds: revocation.cache_seconds },
      logger,
    );
    try {
      await check.listen(revocations);
    } catch (error) {
      await revocations.close();
      throw error;
    }
  } else {
    logger.warn('Token revocation is off ([revocation] enabled = false): logout cannot end a token before it expires.');
  }
  const flush = (): void => check?.flush();
  const revoker = revocation.enabled
    ? new TokenRevoker({ revocations, sessions, onRevoked: flush })
    : undefined;
  const cleanup = revocation.cleanup_interval_seconds > 0
    ? startCleanupJob(revocations, revocation.cleanup_interval_seconds, logger)
    : undefined;

  const feature: ServerFeature = {
    name: 'sessions',
    ...(check === undefined ? {} : { revocation: check }),
    close: async () => {
      cleanup?.stop();
      await check?.close();
      await revocations.close();
    },
  };
  const common = {
    revoker: revoker ?? { off: '[revocation] enabled = false, so a logged-out token would stay valid until it expires' },
    adminScope: config.sessions.admin_scope,
    roleScopes: config.security.roles,
  };
  if (mode.kind === 'off') {
    return { ...feature, routes: sessionRoutes({ ...common, issuer: { off: mode.reason } }) };
  }

  const { settings } = mode;
  try {
    const minter = createAccessTokenMinter(settings);
    await verifyOwnToken(minter, context.jwt);
    if (settings.graphqlMutation) refuseNameClash(context.schema);
    const hasher = await createPasswordHasher();
    const issuer = new SessionIssuer({ users, sessions, hasher, minter, settings, logger });
    const routes: HttpRoutes[] = [sessionRoutes({ ...common, issuer })];
    if (settings.adminApi) {
      routes.push(
        userAdminRoutes({
          users,
          hasher,
          adminScope: common.adminScope,
          roleScopes: common.roleScopes,
          ...(revoker === undefined ? {} : { revoker }),
        }),
      );
    }
    return {
      ...feature,
      routes: async (app, routeContext) => {
        for (const register of routes) await register(app, routeContext);
      },
      ...(settings.graphqlMutation ? { graphqlFields: [refreshTokenMutation(issuer)] } : {}),
      ...(settings.slidingWindowSeconds === undefined
        ? {}
        : {
            responseHeaders: slidingRenewal(
              issuer,
              { windowSeconds: settings.slidingWindowSeconds, issuer: settings.issuer },
              logger,
            ),
          }),
    };
  } catch (error) {
    await feature.close?.();
    throw error;
  }
};

/** The tables of built-in migration 006, or a start refused with the command that adds them. */
async function requireSessionTables(database: Database): Promise<void> {
  const result = await database.query<{ present: boolean }>(
    "SELECT to_regclass('fraiseql_auth.revoked_tokens') IS NOT NULL AS present",
  );
  if (result.rows[0]?.present !== true) {
    throw new ConfigError(
      'The sessions and revocation tables are missing from the database (built-in migration ' +
        '006_sessions.sql). Run `fraiseql-ts migrate`, or serve without --no-migrate.',
    );
  }
}

/**
 * Mints a token and hands it to the server's own JWT authenticator: an algorithm allow-list
 * without HS256, a maximum token lifetime below ACCESS_TOKEN_TTL or a mismatched issuer would
 * otherwise make every login hand out tokens the server then refuses.
 */
async function verifyOwnToken(minter: AccessTokenMinter, jwt: Authenticator): Promise<void> {
  const probe = await minter.mint({
    subject: 'fraiseql-ts-start-up-check',
    scopes: [],
    sessionId: '00000000-0000-0000-0000-000000000000',
  });
  try {
    await jwt.authenticate({ authorization: `Bearer ${probe.token}` });
  } catch (error) {
    const why = error instanceof PublicError ? explanationOf(error) : String(error);
    throw new ConfigError(
      `The server would refuse the tokens /auth/login issues (${why}). Align [sessions] with [auth] ` +
        '(algorithms must allow HS256; max_token_lifetime_seconds must allow ACCESS_TOKEN_TTL), ' +
        'or turn login off with [sessions] enabled = false.',
    );
  }
}

function refuseNameClash(schema: CompiledSchema): void {
  const clashes = [
    ...(schema.mutations[REFRESH_TOKEN_MUTATION] === undefined ? [] : [`mutation ${REFRESH_TOKEN_MUTATION}`]),
    ...(TOKEN_RESPONSE_TYPE in schema.types || TOKEN_RESPONSE_TYPE in schema.inputTypes || TOKEN_RESPONSE_TYPE in schema.enums
      ? [`type ${TOKEN_RESPONSE_TYPE}`]
      : []),
  ];
  if (clashes.length > 0) {
    throw new ConfigError(
      `The schema declares ${clashes.join(' and ')}, which the sessions feature adds to GraphQL itself. ` +
        'Rename yours, or set [sessions] graphql_mutation = false (POST /auth/refresh still works).',
    );
  }
}
