/**
 * Secrets must never reach a log line. pino's `redact` works on fixed paths only, so values
 * that can nest (GraphQL variables, claims, error details) go through `redactSecrets` first.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key|^key$/i;

/** Values that look like a credential even under an innocent key: JWTs, API keys, PEM blocks. */
const SECRET_VALUE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}|\bsk_[A-Za-z0-9_]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** The same credential shapes, for replacing them inside free text (messages, stacks). */
const SECRET_VALUE_ANYWHERE = new RegExp(SECRET_VALUE.source, 'g');

/**
 * `text` with every credential-looking part (a JWT, an API key, a PEM private key header)
 * replaced by `[REDACTED]`, the rest kept: for error messages and stack traces, where a whole
 * line replaced would hide what failed.
 */
export function redactSecretsInText(text: string): string {
  return text.replace(SECRET_VALUE_ANYWHERE, REDACTED);
}

/** Returns a copy of `value` with secret-looking keys and values replaced by `[REDACTED]`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[TRUNCATED]';
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactSecrets(item, depth + 1);
  }
  return out;
}

/** Paths pino redacts on every line (request headers as fastify logs them). */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'password',
  'token',
  'secret',
  '*.password',
  '*.token',
  '*.secret',
  '*.jwt_secret',
  '*.authorization',
];
