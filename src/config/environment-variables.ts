/**
 * Environment variables read on top of fraiseql.toml. Names follow the spec page where it
 * names one (`JWT_SECRET`, `LOG_LEVEL`, ...). The environment wins over the file.
 */

export type EnvValueKind = 'string' | 'integer' | 'boolean' | 'list';

export interface EnvBinding {
  readonly name: string;
  /** Section and key in fraiseql.toml, e.g. `['auth', 'jwt_secret']`. */
  readonly path: readonly [string, string];
  readonly kind: EnvValueKind;
}

export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: 'DATABASE_URL', path: ['database', 'url'], kind: 'string' },
  { name: 'FRAISEQL_DATA_DIR', path: ['database', 'data_dir'], kind: 'string' },
  { name: 'FRAISEQL_HOST', path: ['server', 'host'], kind: 'string' },
  { name: 'PORT', path: ['server', 'port'], kind: 'integer' },
  { name: 'FRAISEQL_PORT', path: ['server', 'port'], kind: 'integer' },
  { name: 'FRAISEQL_INTROSPECTION', path: ['server', 'introspection'], kind: 'boolean' },
  { name: 'JWT_SECRET', path: ['auth', 'jwt_secret'], kind: 'string' },
  { name: 'JWT_ISSUER', path: ['auth', 'issuer'], kind: 'string' },
  { name: 'JWT_AUDIENCE', path: ['auth', 'audience'], kind: 'list' },
  { name: 'JWT_ALGORITHMS', path: ['auth', 'algorithms'], kind: 'list' },
  { name: 'JWT_JWKS_URL', path: ['auth', 'jwks_url'], kind: 'string' },
  { name: 'OIDC_ISSUER', path: ['auth', 'oidc_issuer'], kind: 'string' },
  { name: 'JWT_LEEWAY_SECONDS', path: ['auth', 'leeway_seconds'], kind: 'integer' },
  { name: 'FRAISEQL_MAX_PAGE_SIZE', path: ['limits', 'max_page_size'], kind: 'integer' },
  { name: 'LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
  { name: 'ACCESS_TOKEN_TTL', path: ['sessions', 'access_token_ttl_seconds'], kind: 'integer' },
  { name: 'REFRESH_TOKEN_TTL', path: ['sessions', 'refresh_token_ttl_seconds'], kind: 'integer' },
  { name: 'FRAISEQL_SESSIONS_ENABLED', path: ['sessions', 'enabled'], kind: 'boolean' },
  { name: 'SESSION_SLIDING_RENEWAL', path: ['sessions', 'sliding_renewal'], kind: 'boolean' },
  { name: 'FRAISEQL_REVOCATION_ENABLED', path: ['revocation', 'enabled'], kind: 'boolean' },
  { name: 'REVOCATION_FAIL_OPEN', path: ['revocation', 'fail_open'], kind: 'boolean' },
  { name: 'FRAISEQL_REVOCATION_STORE', path: ['revocation', 'store'], kind: 'string' },
  { name: 'REDIS_URL', path: ['revocation', 'redis_url'], kind: 'string' },
  { name: 'API_KEY_SECRET', path: ['api_keys', 'hash_secret'], kind: 'string' },
  { name: 'FRAISEQL_PERMISSION_CACHE_SECONDS', path: ['authorization', 'permission_cache_seconds'], kind: 'integer' },
  { name: 'FRAISEQL_ADMIN_API', path: ['authorization', 'admin_api'], kind: 'boolean' },
  { name: 'FRAISEQL_ADMIN_SCOPE', path: ['authorization', 'admin_scope'], kind: 'string' },
];

/**
 * Variables from the spec page that this version does not enforce yet. Setting one means the
 * operator expects a protection that would not be there, so the server refuses to start.
 */
export const NOT_YET_ENFORCED_ENV: Readonly<Record<string, string>> = {
  CORS_ORIGINS: 'CORS is not configurable in this version; no CORS headers are sent',
  RATE_LIMIT_REQUESTS: 'rate limiting is not implemented in this version',
  RATE_LIMIT_WINDOW_SECONDS: 'rate limiting is not implemented in this version',
  PER_USER_RATE_LIMIT: 'per-user rate limiting is not implemented in this version',
  PER_USER_RATE_LIMIT_WINDOW_SECONDS: 'per-user rate limiting is not implemented in this version',
};
