import { z } from 'zod';

import { redisUrlProblem } from './redis-url.ts';

/**
 * `[sessions]` and `[revocation]` in fraiseql.toml, imported by src/config/config-schema.ts.
 * Both are strict: a misspelt key stops the server rather than leaving a default in force.
 */

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);
const scope = z.string().regex(/^[^\s]+$/, 'must be one scope, without spaces (e.g. fraiseql:admin)');

export const sessionsSection = z
  .object({
    /**
     * Login, refresh and logout (`/auth/*`, the `refreshToken` mutation). Default: on whenever
     * the server holds an HMAC secret to sign its tokens (JWT_SECRET, or the development
     * secret); off, with a warning, when it verifies with public keys only. `true` without a
     * secret stops the server (env `FRAISEQL_SESSIONS_ENABLED`).
     */
    enabled: z.boolean().optional(),
    /** Lifetime of an access token, in seconds (env `ACCESS_TOKEN_TTL`). Default 3600. */
    access_token_ttl_seconds: seconds(60, 86_400).default(3600),
    /** Lifetime of each refresh token, in seconds (env `REFRESH_TOKEN_TTL`). Default 14 days. */
    refresh_token_ttl_seconds: seconds(300, 31_536_000).default(1_209_600),
    /** `iss` of the tokens it issues. Default: `[auth] issuer` when set, else "fraiseql-ts". */
    issuer: z.string().min(1).optional(),
    /** `aud` of the tokens it issues. Default: the first `[auth] audience`, else none. */
    audience: z.string().min(1).optional(),
    /**
     * Scope that may create users, set passwords and revoke other users' tokens. It may come
     * from the token or from a role in `[security.roles]`. Default "fraiseql:admin".
     */
    admin_scope: scope.default('fraiseql:admin'),
    /** Serve the user administration API under /auth/users. Default true. */
    admin_api: z.boolean().default(true),
    /** Add the `refreshToken(refresh_token: String!)` mutation to the GraphQL schema. Default true. */
    graphql_mutation: z.boolean().default(true),
    /**
     * Sliding renewal: a session token used within its last `sliding_window_seconds` gets a
     * fresh one in the `X-Renewed-Access-Token` response header (env
     * `SESSION_SLIDING_RENEWAL`). Default false.
     */
    sliding_renewal: z.boolean().default(false),
    /** How close to expiry a token must be to get renewed, in seconds. Default 300 (5 minutes). */
    sliding_window_seconds: seconds(10, 3600).default(300),
  })
  .strict();

export const revocationSection = z
  .object({
    /**
     * Check every JWT against the revocation store (logout, revoke-all, `token revoke`).
     * Default true (env `FRAISEQL_REVOCATION_ENABLED`).
     */
    enabled: z.boolean().default(true),
    /**
     * Where revocations live: "postgres" (the project's database, embedded or external) or
     * "redis" (`redis_url`). Sessions and refresh tokens stay in PostgreSQL either way. Default
     * "postgres" (env `FRAISEQL_REVOCATION_STORE`).
     */
    store: z
      .enum(['postgres', 'redis'], {
        error: () =>
          'must be "postgres" (the project\'s database) or "redis" (with redis_url or REDIS_URL).',
      })
      .default('postgres'),
    /**
     * The Redis server of `store = "redis"`, e.g. `redis://:password@127.0.0.1:6379/0`
     * (`rediss://` for TLS; env `REDIS_URL`). Required with that store, ignored (and not
     * checked) otherwise. Its password is never logged.
     */
    redis_url: z.string().optional(),
    /** Refuse tokens without `jti` (they could never be revoked one by one). Default true. */
    require_jti: z.boolean().default(true),
    /**
     * Accept tokens when the store cannot be reached (logged as an error). Default false:
     * such requests are refused with 503 (env `REVOCATION_FAIL_OPEN`).
     */
    fail_open: z.boolean().default(false),
    /**
     * How long a "not revoked" answer is reused, in seconds. Revocations flush it at once on
     * every instance (LISTEN/NOTIFY); this bounds staleness if notifications are lost. 0 asks
     * the store on every request. Default 10.
     */
    cache_seconds: seconds(0, 300).default(10),
    /** How often expired rows are deleted, in seconds; 0 turns the job off. Default 3600. */
    cleanup_interval_seconds: seconds(0, 86_400).default(3600),
    /**
     * No longer used; accepted so that existing files still load, with a warning at start. A
     * revoke-all, and a revocation of a token whose expiry is unknown, are kept until every
     * token they refuse has expired under `[auth] max_token_lifetime_seconds`, and for good
     * when that is unset: a fixed retention let a longer-lived token be accepted again.
     */
    revoke_all_retention_seconds: seconds(60, 31_536_000).optional(),
  })
  .strict()
  .superRefine((section, context) => {
    if (section.store === 'redis' && section.redis_url === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['redis_url'],
        message:
          'store = "redis" needs the Redis server: set REDIS_URL (or [revocation] redis_url), ' +
          'e.g. redis://127.0.0.1:6379/0, or set store = "postgres".',
      });
      return;
    }
    // Checked only for this store: REDIS_URL may be set for other programs.
    const problem = section.store === 'redis' && section.redis_url !== undefined ? redisUrlProblem(section.redis_url) : undefined;
    if (problem !== undefined) {
      context.addIssue({ code: 'custom', path: ['redis_url'], message: `REDIS_URL / [revocation] redis_url ${problem}.` });
    }
  });

/** `[sessions]` after defaults. */
export type SessionsConfig = z.infer<typeof sessionsSection>;

/** `[revocation]` after defaults. */
export type RevocationConfig = z.infer<typeof revocationSection>;
