import { z } from 'zod';

import { isValidScope } from '../schema/access-format.ts';
import { revocationSection, sessionsSection } from '../sessions/sessions-config-schema.ts';

/**
 * The merged configuration: `fraiseql.toml`, then environment variables on top. Every section
 * is strict: an unknown key stops the server with the key's path, because a misspelt security
 * setting silently left at its default is worse than no start.
 */

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an SQL identifier');
const positiveInt = z.number().int().positive();

const projectSection = z
  .object({
    /** A name for logs and `token issue`'s default issuer. Default: the directory name. */
    name: z.string().min(1).optional(),
  })
  .strict();

const schemaSection = z
  .object({
    /** The schema source: a TypeScript module (`schema.ts`) or a FraiseQL `schema.json`. */
    source: z.string().min(1).optional(),
    /** Where `compile` writes, and `serve` reads, the compiled schema. */
    compiled: z.string().min(1).default('schema.compiled.json'),
    /** Overrides the schema's own `naming_convention`. */
    naming_convention: z.enum(['preserve', 'camelCase']).optional(),
  })
  .strict();

const databaseSection = z
  .object({
    /** A PostgreSQL 14+ URL (env `DATABASE_URL`). Unset: embedded PGlite in `data_dir`. */
    url: z.string().optional(),
    /** The embedded database's directory. Default `.fraiseql/pgdata` beside fraiseql.toml. */
    data_dir: z.string().min(1).default('.fraiseql/pgdata'),
    /** The project's SQL migrations, applied in file-name order by `migrate`. */
    migrations_dir: z.string().min(1).default('migrations'),
    /** Connections in the pool (real PostgreSQL only). Default 10. */
    pool_max: positiveInt.max(1000).default(10),
    /** `statement_timeout` per request transaction, in ms (ignored by PGlite). Default 5000. */
    statement_timeout_ms: positiveInt.default(5000),
    /**
     * Serve from the embedded database in production, although nothing there can stop a slow
     * statement (PGlite ignores `statement_timeout` and runs on the server's own thread).
     * Default false: production needs `DATABASE_URL`.
     */
    dangerously_allow_embedded_in_production: z.boolean().default(false),
    /** Role for requests to public operations without credentials. */
    anon_role: identifier.default('fraiseql_anon'),
    /** Role for authenticated requests. */
    authenticated_role: identifier.default('fraiseql_authenticated'),
  })
  .strict();

const serverSection = z
  .object({
    /** Interface to listen on (env `FRAISEQL_HOST`). Default 127.0.0.1. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Port (env `FRAISEQL_PORT` or `PORT`). Default 8000, as in the spec page. */
    port: z.number().int().min(0).max(65535).default(8000),
    /** GraphQL introspection. Default: on in development, off in production. */
    introspection: z.boolean().optional(),
    /** Largest request body accepted, in bytes. Default 1 MiB. */
    max_body_bytes: positiveInt.default(1_048_576),
  })
  .strict();

const previousSecret = z
  .object({
    /** A secret that signed tokens before the current `JWT_SECRET`. */
    secret: z.string().min(1),
    /** Key id tokens signed with it carry in their header (`kid`), if any. */
    kid: z.string().min(1).optional(),
    /** ISO 8601 time after which tokens signed with it are refused. */
    accept_until: z.string().min(1),
  })
  .strict();

const publicKey = z
  .object({
    /** A PEM public key (SPKI or certificate). Give this or `file`. */
    pem: z.string().min(1).optional(),
    /** A file holding the PEM, relative to fraiseql.toml. */
    file: z.string().min(1).optional(),
    kid: z.string().min(1).optional(),
    /** Algorithm this key verifies, e.g. RS256, PS256, ES256, EdDSA. */
    algorithm: z.string().min(1),
  })
  .strict();

const authSection = z
  .object({
    /** HMAC secret for HS256/384/512 (env `JWT_SECRET`). In production at least 32 bytes. */
    jwt_secret: z.string().optional(),
    /** Key id of the current secret, for rotation. */
    jwt_secret_kid: z.string().min(1).optional(),
    previous_secrets: z.array(previousSecret).default([]),
    /** Algorithms accepted. Default: those of the configured keys (HS256/384/512 for a secret). */
    algorithms: z.array(z.string().min(1)).optional(),
    public_keys: z.array(publicKey).default([]),
    /** A JWKS URL (env `JWT_JWKS_URL`). */
    jwks_url: z.string().url().optional(),
    /** An OIDC issuer whose discovery document names the JWKS (env `OIDC_ISSUER`). */
    oidc_issuer: z.string().url().optional(),
    /** Expected `iss` (env `JWT_ISSUER`). */
    issuer: z.string().min(1).optional(),
    /** Expected `aud`, one or several (env `JWT_AUDIENCE`, comma separated). */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Clock leeway for exp, nbf and iat, in seconds. Default 30, at most 300. */
    leeway_seconds: z.number().int().min(0).max(300).default(30),
    /** Refuse tokens whose exp - iat exceeds this many seconds. Default: no limit. */
    max_token_lifetime_seconds: positiveInt.optional(),
    /** Refuse tokens without exp. Default: true in production, false in development. */
    require_exp: z.boolean().optional(),
    /** Dotted claim path holding roles, e.g. `realm_access.roles`. Default `roles`/`role`. */
    roles_claim: z.string().min(1).optional(),
    /** Dotted claim path holding scopes. Default: `scope`, `scopes`, `scp`, `permissions`. */
    scopes_claim: z.string().min(1).optional(),
    /** How long JWKS keys are cached before a refresh, in seconds. Default 600. */
    jwks_refresh_seconds: positiveInt.optional(),
    /** Least time between two JWKS fetches for an unknown kid, in seconds. Default 30. */
    jwks_cooldown_seconds: positiveInt.optional(),
  })
  .strict();

const limitsSection = z
  .object({
    /** Deepest selection nesting accepted. Default 10. */
    max_depth: positiveInt.default(10),
    /** Most aliases in one document. Default 30. */
    max_aliases: positiveInt.default(30),
    /** Most directives in one document. Default 50. */
    max_directives: positiveInt.default(50),
    /** Most lexical tokens in one document. Default 5000. */
    max_tokens: positiveInt.default(5000),
    /** Largest `limit` a list query accepts, and the most rows it returns. Default 1000. */
    max_page_size: positiveInt.default(1000),
    /**
     * Most characters in the value of a `where` pattern operator (`like`, `ilike`, `contains`,
     * `icontains`, `startswith`, `endswith`): LIKE costs the pattern's length times the
     * value's on every row. Default 1000.
     */
    max_pattern_length: positiveInt.default(1000),
    /**
     * Most operator conditions (`eq`, `contains`, ... each once; an `in` list once) in the
     * `where` filters of one request, all its root fields and aliases together. Default 200.
     */
    max_filter_conditions: positiveInt.default(200),
    /**
     * Most characters in the values of pattern operators in the `where` filters of one request,
     * all its root fields and aliases together. Default 10000.
     */
    max_pattern_budget: positiveInt.default(10_000),
  })
  .strict();

/** A scope, or in role definitions a `prefix:*` pattern granting every scope under it. */
const scopeOrPattern = z
  .string()
  .regex(/^[^\s*]+(:\*)?$/, 'must be a scope (read:posts) or a pattern ending in ":*" (admin:*)');

const securitySection = z
  .object({
    /**
     * Role -> scopes it grants, so a role in the token (`roles`/`role` claim) grants scopes
     * without re-issuing tokens. Patterns with a trailing `*` after `:` grant a whole family.
     * Default: none.
     */
    roles: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_:.-]*$/, 'must be a role name'), z.array(scopeOrPattern)).default({}),
  })
  .strict();

const authorizationSection = z
  .object({
    /**
     * How long a subject's database permissions (`requiresPermission`) are reused, in seconds.
     * Grant changes flush them at once through NOTIFY; this bounds staleness if a notification
     * is lost. 0 reads them on every request. Default 30.
     */
    permission_cache_seconds: z.number().int().min(0).max(3600).default(30),
    /** Serve the role and permission administration API under /admin/rbac. Default true. */
    admin_api: z.boolean().default(true),
    /** The scope (from the token, or granted by `[security.roles]`) the admin API requires. */
    admin_scope: z
      .string()
      .refine(isValidScope, 'must be a scope such as fraiseql:admin (parts joined by ":")')
      .default('fraiseql:admin'),
  })
  .strict();

const apiKeysSection = z
  .object({
    /** Accept API keys (`X-API-Key: sk_...`) and serve /api/keys. Default true. */
    enabled: z.boolean().default(true),
    /**
     * HMAC secret keys are stored with (env `API_KEY_SECRET`). Production: required, at least
     * 32 bytes. Development: a generated one in `.fraiseql/dev-api-key-secret`. Changing it
     * invalidates every key.
     */
    hash_secret: z.string().optional(),
    /** How long a rotated key keeps working, in seconds. Default 86400 (24 h); at most 30 days. */
    rotation_grace_seconds: z.number().int().min(0).max(2_592_000).default(86_400),
    /**
     * How long a looked-up key is reused, in seconds (0: never). Revocations reach every
     * instance at once through NOTIFY; this bounds staleness if one is lost. Default 10.
     */
    cache_ttl_seconds: z.number().int().min(0).max(300).default(10),
    /** How often `last_used_at` is written, in seconds (one statement per interval). Default 60. */
    last_used_flush_seconds: positiveInt.max(3600).default(60),
    /** The scope that lets a token manage every owner's keys. Default `admin:api_keys`. */
    admin_scope: z.string().regex(/^[^\s*]+$/, 'must be one exact scope').default('admin:api_keys'),
  })
  .strict();

const loggingSection = z
  .object({
    /** pino level (env `LOG_LEVEL`): trace, debug, info, warn, error, fatal, silent. */
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .strict();

export const configSchema = z
  .object({
    project: projectSection.default({}),
    schema: schemaSection.default({ compiled: 'schema.compiled.json' }),
    database: databaseSection.default(() => databaseSection.parse({})),
    server: serverSection.default(() => serverSection.parse({})),
    auth: authSection.default(() => authSection.parse({})),
    limits: limitsSection.default(() => limitsSection.parse({})),
    security: securitySection.default(() => securitySection.parse({})),
    authorization: authorizationSection.default(() => authorizationSection.parse({})),
    api_keys: apiKeysSection.default(() => apiKeysSection.parse({})),
    sessions: sessionsSection.default(() => sessionsSection.parse({})),
    revocation: revocationSection.default(() => revocationSection.parse({})),
    logging: loggingSection.default(() => loggingSection.parse({})),
  })
  .strict();

/** The validated file + environment settings, before paths and mode are resolved. */
export type ConfigFile = z.infer<typeof configSchema>;
