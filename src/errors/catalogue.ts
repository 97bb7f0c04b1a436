/**
 * Every public error: its stable reason, the `extensions.code` clients branch on, the HTTP
 * status, and the message. This table is the contract; messages quoted from the spec page
 * (`Missing Authorization header`, `Invalid token`, ...) must not change.
 *
 * A reason with `message: null` takes its message at the throw site (for example a GraphQL
 * validation message naming the field); such messages must never carry secrets or SQL.
 */
export const ERROR_CATALOGUE = {
  // Authentication (RFC 6750: 401 with WWW-Authenticate: Bearer)
  MISSING_TOKEN: { code: 'UNAUTHENTICATED', status: 401, message: 'Missing Authorization header' },
  BAD_AUTH_SCHEME: {
    code: 'UNAUTHENTICATED',
    status: 401,
    message: 'Invalid Authorization header format. Expected: Bearer <token>',
  },
  MALFORMED_TOKEN: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  INVALID_SIGNATURE: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  UNKNOWN_KEY: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  ALGORITHM_NOT_ALLOWED: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  MISSING_IDENTITY: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  MISSING_EXPIRY: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  TOKEN_TOO_LONG_LIVED: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  TOKEN_EXPIRED: { code: 'UNAUTHENTICATED', status: 401, message: 'Token has expired' },
  TOKEN_NOT_YET_VALID: { code: 'UNAUTHENTICATED', status: 401, message: 'Token is not yet valid' },
  INVALID_ISSUER: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token issuer' },
  INVALID_AUDIENCE: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token audience' },
  TOKEN_REVOKED: { code: 'UNAUTHENTICATED', status: 401, message: 'Token has been revoked' },
  KEYS_UNAVAILABLE: {
    code: 'UNAUTHENTICATED',
    status: 401,
    message: 'Invalid token',
  },
  /** The header names its own key (`jku`, `x5u`, `jwk`, `x5c`), which is never followed. */
  UNTRUSTED_KEY_REFERENCE: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  /** The header `typ` says it is another kind of JWT (a DPoP proof, a logout token, ...). */
  UNSUPPORTED_TOKEN_TYPE: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid token' },
  INVALID_API_KEY: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid API key' },
  AMBIGUOUS_CREDENTIALS: {
    code: 'UNAUTHENTICATED',
    status: 401,
    message: 'Ambiguous credentials: send either a bearer token or an X-API-Key header, not both',
  },

  // Authorization
  INSUFFICIENT_SCOPE: {
    code: 'FORBIDDEN',
    status: 403,
    message: 'Insufficient scope for this operation',
  },
  MISSING_ROLE: { code: 'FORBIDDEN', status: 403, message: 'User does not have permission' },
  PERMISSION_DENIED: { code: 'FORBIDDEN', status: 403, message: 'User does not have permission' },
  /** An `inject` claim is absent from a valid token: the caller cannot be scoped, so refuse. */
  MISSING_INJECT_CLAIM: { code: 'FORBIDDEN', status: 403, message: null },

  // The request itself (GraphQL over HTTP)
  PARSE_ERROR: { code: 'GRAPHQL_PARSE_FAILED', status: 400, message: null },
  VALIDATION_ERROR: { code: 'GRAPHQL_VALIDATION_FAILED', status: 400, message: null },
  BAD_REQUEST: { code: 'BAD_REQUEST', status: 400, message: null },
  BAD_USER_INPUT: { code: 'BAD_USER_INPUT', status: 400, message: null },
  EMPTY_FILTER: { code: 'BAD_USER_INPUT', status: 400, message: null },
  OPERATION_NOT_FOUND: { code: 'BAD_REQUEST', status: 400, message: null },
  INTROSPECTION_DISABLED: {
    code: 'INTROSPECTION_DISABLED',
    status: 400,
    message: 'Introspection is disabled on this server',
  },
  METHOD_NOT_ALLOWED: { code: 'METHOD_NOT_ALLOWED', status: 405, message: null },
  MUTATION_OVER_GET: {
    code: 'METHOD_NOT_ALLOWED',
    status: 405,
    message: 'Mutations must be sent with POST, not GET',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    message: 'Content-Type must be application/json',
  },
  NOT_ACCEPTABLE: {
    code: 'NOT_ACCEPTABLE',
    status: 406,
    message: 'The Accept header allows neither application/json nor application/graphql-response+json',
  },
  PAYLOAD_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', status: 413, message: null },

  // Outcomes reported by the database
  CONSTRAINT_VIOLATION: { code: 'CONSTRAINT_VIOLATION', status: 409, message: null },
  NOT_FOUND: { code: 'NOT_FOUND', status: 404, message: null },
  CONFLICT: { code: 'CONFLICT', status: 409, message: null },
  MUTATION_FAILED: { code: 'MUTATION_FAILED', status: 200, message: null },
  TIMEOUT: { code: 'TIMEOUT', status: 504, message: 'The database did not answer in time' },
  /** A SQL function raised an exception with `HINT = 'UNAUTHENTICATED'`; its message is shown. */
  RAISED_UNAUTHENTICATED: { code: 'UNAUTHENTICATED', status: 401, message: null },

  // Sessions and revocation (src/sessions)
  /** Revocation is on and the token has no `jti`, so it could never be revoked on its own. */
  JTI_REQUIRED: { code: 'UNAUTHENTICATED', status: 401, message: 'Token lacks required jti claim' },
  /** The revocation store did not answer and `[revocation] fail_open` is false. */
  REVOCATION_UNAVAILABLE: {
    code: 'SERVICE_UNAVAILABLE',
    status: 503,
    message: 'Revocation store unavailable: the server cannot tell whether this token has been revoked. Try again shortly.',
  },
  /** Unknown user and wrong password alike, so that usernames cannot be probed. */
  INVALID_CREDENTIALS: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid username or password' },
  /** Told only after a correct password. */
  ACCOUNT_DISABLED: { code: 'FORBIDDEN', status: 403, message: 'This account is disabled' },
  /** Login asked for scopes the user does not hold; the message names them. */
  SCOPE_NOT_GRANTED: { code: 'FORBIDDEN', status: 403, message: null },
  INVALID_REFRESH_TOKEN: { code: 'UNAUTHENTICATED', status: 401, message: 'Invalid refresh token' },
  REFRESH_TOKEN_EXPIRED: { code: 'UNAUTHENTICATED', status: 401, message: 'Refresh token has expired' },
  /** A used refresh token came back: its whole session was revoked (likely theft). */
  REFRESH_TOKEN_REUSED: {
    code: 'UNAUTHENTICATED',
    status: 401,
    message: 'Refresh token has already been used; its session has been revoked. Log in again.',
  },
  SESSION_REVOKED: { code: 'UNAUTHENTICATED', status: 401, message: 'Session has been revoked' },
  /** Login cannot work with this configuration (no HMAC secret); the message says why. */
  LOGIN_UNAVAILABLE: { code: 'LOGIN_UNAVAILABLE', status: 501, message: null },
  /** The token cannot be revoked on its own (no `jti`); the message says what to do instead. */
  TOKEN_NOT_REVOCABLE: { code: 'CONFLICT', status: 409, message: null },
  /** Logout or revoke-all with `[revocation] enabled = false`; the message says why. */
  REVOCATION_DISABLED: { code: 'REVOCATION_DISABLED', status: 501, message: null },
  REVOKE_OTHER_FORBIDDEN: { code: 'FORBIDDEN', status: 403, message: "Cannot revoke another user's sessions" },

  // API keys (src/api-keys)
  /** A request made with an API key tried to create, list, rotate or revoke other keys. */
  API_KEY_MANAGEMENT_NEEDS_TOKEN: {
    code: 'FORBIDDEN',
    status: 403,
    message: 'API keys cannot manage API keys: send a bearer token (JWT) to create, list, rotate or revoke keys',
  },
  /**
   * A request made with an API key reached user administration (/auth/users...), role
   * administration (/admin/rbac/...) or /auth/revoke-all: those act for a person, so they take
   * a user's token, whatever scopes the key carries.
   */
  ADMINISTRATION_NEEDS_TOKEN: {
    code: 'FORBIDDEN',
    status: 403,
    message:
      "API keys cannot administer users, roles or revocations: send a user's bearer token (JWT) instead",
  },
  /** A new or rotated key would carry a scope its creator does not hold; extensions name them. */
  API_KEY_SCOPE_NOT_HELD: {
    code: 'FORBIDDEN',
    status: 403,
    message: 'An API key cannot carry a scope its creator does not hold',
  },

  // The server
  SERVICE_UNAVAILABLE: { code: 'SERVICE_UNAVAILABLE', status: 503, message: null },
  INTERNAL: {
    code: 'INTERNAL_SERVER_ERROR',
    status: 500,
    message: 'An internal error occurred. The server log has the details under this request id.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export interface CatalogueEntry {
  readonly code: string;
  readonly status: number;
  readonly message: string | null;
}

export type ErrorReason = keyof typeof ERROR_CATALOGUE;
