import type { PublicError } from '../errors/public-error.ts';

/**
 * The `WWW-Authenticate` value for an error (RFC 6750 §3, RFC 9110 §11.6.1), or undefined when
 * the error is not about credentials:
 * - no credentials (MISSING_TOKEN): `Bearer`, with no error code (RFC 6750 §3.1);
 * - a header that is not `Bearer <token>` (BAD_AUTH_SCHEME): `error="invalid_request"`;
 * - any other 401: `error="invalid_token"` with the public message as description;
 * - INSUFFICIENT_SCOPE (403): `error="insufficient_scope"`, naming the scope when given.
 *
 * Only catalogue messages are quoted, so nothing secret reaches the header.
 */
export function wwwAuthenticateFor(error: PublicError, requiredScope?: string): string | undefined {
  if (error.reason === 'MISSING_TOKEN') return 'Bearer';
  if (error.reason === 'INSUFFICIENT_SCOPE') {
    const scope = requiredScope === undefined ? '' : `, scope=${quoted(requiredScope)}`;
    return `Bearer error="insufficient_scope", error_description=${quoted(error.message)}${scope}`;
  }
  if (error.status !== 401) return undefined;
  const code = error.reason === 'BAD_AUTH_SCHEME' ? 'invalid_request' : 'invalid_token';
  return `Bearer error="${code}", error_description=${quoted(error.message)}`;
}

/**
 * An RFC 9110 quoted-string. RFC 6750 §3 limits error_description to printable ASCII without
 * `"` and `\`, so anything else is replaced rather than escaped.
 */
function quoted(text: string): string {
  return `"${text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?')}"`;
}
