import { PublicError } from '../errors/public-error.ts';

/** Longest field path quoted back in the message; a longer one is cut. */
const MAX_PATH_LENGTH = 100;

/** Where a NUL character is: the dotted path of a string (`scopes.2`; '' for the value itself). */
export interface NulLocation {
  readonly path: string;
  /** True when a field name under `path` holds it, not a string value. */
  readonly inFieldName: boolean;
}

/**
 * Where the first NUL character (U+0000) is in a parsed request value, or undefined when there
 * is none. Walks without recursion, so a deeply nested body cannot exhaust the stack.
 */
export function findNulCharacter(value: unknown): NulLocation | undefined {
  const pending: Array<{ readonly value: unknown; readonly path: string }> = [{ value, path: '' }];
  const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value: current, path } = item;
    if (typeof current === 'string') {
      if (current.includes('\0')) return { path, inFieldName: false };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const entries: Array<[string, unknown]> = Array.isArray(current)
      ? current.map((entry: unknown, index) => [String(index), entry])
      : Object.entries(current);
    for (const [key, entry] of entries) {
      if (key.includes('\0')) return { path, inFieldName: true };
      pending.push({ value: entry, path: join(path, key) });
    }
  }
  return undefined;
}

/**
 * Refuses a request whose path parameters, query string or JSON body hold a NUL character:
 * PostgreSQL text cannot store one, so the statement would fail deep inside a route. Only the
 * location is named, never the value (it may be a password).
 *
 * @throws PublicError BAD_REQUEST (400).
 */
export function refuseNulCharacters(request: { params: unknown; query: unknown; body: unknown }): void {
  const where =
    locate(request.params, 'path parameter') ??
    locate(request.query, 'query parameter') ??
    locate(request.body, 'body field');
  if (where === undefined) return;
  const shown = where.length > MAX_PATH_LENGTH ? `${where.slice(0, MAX_PATH_LENGTH)}...` : where;
  throw new PublicError('BAD_REQUEST', {
    message:
      `A string in the request (${shown}) contains a NUL character (\\u0000), which PostgreSQL ` +
      'text cannot store. Remove it and send the request again.',
    extensions: { reason: 'BAD_REQUEST' },
    logDetail: { why: 'NUL character in a request string', where: shown },
  });
}

/** `body field "name"`, `path parameter "subject"`, `a body field name`, `the body`. */
function locate(value: unknown, label: string): string | undefined {
  const found = findNulCharacter(value);
  if (found === undefined) return undefined;
  if (found.inFieldName) return found.path === '' ? `a ${label} name` : `a ${label} name under ${JSON.stringify(found.path)}`;
  return found.path === '' ? 'the body' : `${label} ${JSON.stringify(found.path)}`;
}
