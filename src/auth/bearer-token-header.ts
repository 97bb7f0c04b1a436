import { authFailure } from './auth-failure.ts';

/** Request headers as Node and fastify give them: lower-case names, repeated ones as arrays. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** RFC 6750 §2.1 `b64token`: the only characters a bearer token may contain. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Schemes worth naming in the log; anything else is described, never quoted. */
const KNOWN_SCHEMES = new Set(['basic', 'token', 'digest', 'apikey', 'negotiate', 'jwt', 'hoba']);

/**
 * The bearer token of a request, or undefined when there is no `Authorization` header at all
 * (the caller is anonymous; the GraphQL layer decides whether the operation allows that).
 *
 * A header that is present but is not exactly one `Bearer <token>` is refused with
 * BAD_AUTH_SCHEME, even for public operations: a client that tried to authenticate and got it
 * wrong must hear so rather than silently get anonymous results. The scheme name is matched
 * case-insensitively (RFC 9110 §11.1), and the token must be a `b64token` (RFC 6750 §2.1).
 *
 * Node keeps only the first of several `Authorization` headers in `request.headers`; pass
 * `request.rawHeaders` too so that a request carrying two is refused rather than half-read.
 */
export function readBearerToken(
  headers: RequestHeaders,
  rawHeaders?: readonly string[],
): string | undefined {
  const values = rawHeaders === undefined ? fromHeaders(headers) : fromRawHeaders(rawHeaders);
  if (values.length === 0) return undefined;
  if (values.length > 1) {
    throw badScheme(`the request carries ${values.length} Authorization headers; send exactly one`);
  }

  const value = (values[0] ?? '').trim();
  if (value === '') throw badScheme('the Authorization header is empty');

  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  const credentials = space === -1 ? '' : value.slice(space + 1).trim();

  if (scheme.toLowerCase() !== 'bearer') {
    throw badScheme(describeWrongScheme(scheme, space === -1));
  }
  if (credentials === '') throw badScheme('the Bearer scheme is followed by no token');
  if (!B64TOKEN.test(credentials)) {
    throw badScheme(
      'the text after "Bearer " is not a single token (it contains spaces, commas or ' +
        'characters a token cannot have)',
    );
  }
  return credentials;
}

function fromHeaders(headers: RequestHeaders): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values;
}

/** Every `Authorization` value of Node's flat `[name, value, name, value, ...]` list. */
function fromRawHeaders(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'authorization')
      values.push(rawHeaders[index + 1] ?? '');
  }
  return values;
}

/** Says what was sent instead of `Bearer`, without ever quoting a possible credential. */
function describeWrongScheme(scheme: string, bare: boolean): string {
  if (bare && scheme.includes('.')) {
    return 'the header holds a bare token without the "Bearer " prefix';
  }
  if (KNOWN_SCHEMES.has(scheme.toLowerCase())) {
    return `the header uses the "${scheme}" scheme instead of "Bearer"`;
  }
  return 'the header does not start with "Bearer "';
}

function badScheme(explanation: string): Error {
  return authFailure('BAD_AUTH_SCHEME', `${explanation}. Expected: Authorization: Bearer <token>`);
}
