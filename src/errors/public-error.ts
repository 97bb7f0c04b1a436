import { ERROR_CATALOGUE, type ErrorReason } from './catalogue.ts';

/** Extra, client-safe facts attached to an error (`extensions` in the GraphQL response). */
export type ErrorExtensions = Readonly<Record<string, unknown>>;

/**
 * The only error type whose message reaches a client. Anything else thrown while handling a
 * request is logged with the request id and replaced by the catalogue's `INTERNAL` entry.
 */
export class PublicError extends Error {
  readonly reason: ErrorReason;
  readonly code: string;
  readonly status: number;
  readonly extensions: ErrorExtensions;
  /** Detail for the log only (expected vs actual issuer, seconds since expiry, ...). */
  readonly logDetail: Readonly<Record<string, unknown>> | undefined;

  constructor(
    reason: ErrorReason,
    options: {
      message?: string;
      extensions?: ErrorExtensions;
      logDetail?: Record<string, unknown>;
      cause?: unknown;
      /**
       * An HTTP status (400-599) in place of the catalogue's, for a status the database chose
       * (a `mutation_response` row's `http_status`). Default: the catalogue's.
       */
      status?: number;
    } = {},
  ) {
    const entry = ERROR_CATALOGUE[reason];
    const message = options.message ?? entry.message;
    if (message === null) {
      throw new TypeError(`PublicError ${reason} needs a message at the throw site`);
    }
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PublicError';
    this.reason = reason;
    this.code = entry.code;
    this.status = options.status !== undefined && isErrorStatus(options.status) ? options.status : entry.status;
    this.extensions = options.extensions ?? {};
    this.logDetail = options.logDetail;
  }

  /** True when the error is an authentication failure (401 with a WWW-Authenticate header). */
  get isAuthenticationError(): boolean {
    return this.status === 401;
  }
}

function isErrorStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 400 && status <= 599;
}
