import { pino, type Logger } from 'pino';

import { REDACTED, REDACTED_LOG_PATHS } from './redact-secrets.ts';
import { currentRequestId } from './request-log-scope.ts';
import { serializeError } from './serialize-error.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** pino level. Default `info`. */
  readonly level?: string;
  /** Where lines go. Default: standard output. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * The JSON logger every part of the server writes to. Authorization headers, cookies, API keys
 * and fields named like secrets are censored on every line; nested values must additionally go
 * through `redactSecrets` before they are logged. Errors logged under `err` keep their
 * diagnostics but never the values bound to a failed statement. A line written while a request
 * is served (see `runInRequestLogScope`) carries its `requestId`, whichever logger wrote it.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: requestIdOfScope,
    },
    options.destination ?? process.stdout,
  );
}

/** `{ requestId }` inside a request scope, unless the logger is already bound to one. */
function requestIdOfScope(_fields: object, _level: number, logger: Logger): object {
  const requestId = currentRequestId();
  if (requestId === undefined || 'requestId' in logger.bindings()) return {};
  return { requestId };
}
