import { redactSecrets } from './redact-secrets.ts';

/** Error properties that hold values a request bound (PGlite attaches them): never logged. */
const NEVER_LOGGED = new Set(['params', 'parameters', 'values', 'password', 'token', 'secret']);

/** Properties worth keeping from database and library errors. */
const KEPT = ['code', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column', 'constraint', 'routine', 'query'];

/**
 * The pino serializer for `err`: type, message, stack, the diagnostic fields of database
 * errors (SQLSTATE, detail, hint, constraint, the statement text) and the cause chain, but
 * never the bound values of a statement, which can hold a caller's password or personal data.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(redactSecrets(error)) };
  const out: Record<string, unknown> = {
    type: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
  };
  const fields = error as unknown as Record<string, unknown>;
  for (const key of KEPT) {
    if (NEVER_LOGGED.has(key)) continue;
    const value = fields[key];
    if (value !== undefined && value !== null && value !== '') out[key] = redactSecrets(value);
  }
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}
