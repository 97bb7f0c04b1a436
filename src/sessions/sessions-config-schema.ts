import { z } from 'zod';

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
    /** Where revocations live. Only "postgres" (the project's database) in this version. */
    store: z
      .string()
      .default('postgres')
      .refine((value) => value === 'postgres', {
        message:
          'only "postgres" is available: the Redis store is not implemented in this version. ' +
          'Remove the key or set store = "postgres"; revocations then live in the project\'s ' +
          'database, which every instance shares and which tells every instance within a second.',
      }),
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
     * How long a revoke-all (`/auth/revoke-all`, `token revoke --user`) is kept, in seconds. It
     * must outlive every token it refuses, so it may not be shorter than the access token
     * lifetime. Default 86400 (one day).
     */
    revoke_all_retention_seconds: seconds(60, 31_536_000).default(86_400),
  })
  .strict();

/** `[sessions]` after defaults. */
export type SessionsConfig = z.infer<typeof sessionsSection>;

/** `[revocation]` after defaults. */
export type RevocationConfig = z.infer<typeof revocationSection>;
