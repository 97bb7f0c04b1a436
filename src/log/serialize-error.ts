import { hideInputValues, quotesInputValues } from './hide-input-values.ts';
import { redactSecrets, redactSecretsInText } from './redact-secrets.ts';

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
  const fields = error as unknown as Record<string, unknown>;
  const sqlstate = typeof fields.code === 'string' ? fields.code : undefined;
  // Messages and stacks are free text: credentials inside them are cut out, and a database
  // error that quotes the client's input (classes 22 and 23) loses the quoted value.
  const clean = (text: string): string =>
    redactSecretsInText(quotesInputValues(sqlstate) ? hideInputValues(text) : text);
  const out: Record<string, unknown> = {
    type: error.name,
    message: clean(error.message),
    ...(error.stack === undefined ? {} : { stack: clean(error.stack) }),
  };
  for (const key of KEPT) {
    if (NEVER_LOGGED.has(key)) continue;
    const value = fields[key];
    if (value === undefined || value === null || value === '') continue;
    out[key] = typeof value === 'string' ? clean(value) : redactSecrets(value);
  }
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}
