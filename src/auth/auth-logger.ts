/**
 * The logger the authentication layer writes to: the subset of pino it uses, so a pino logger
 * (or a child with the request id) can be passed as is. Lines never carry a token or a secret.
 */
export interface AuthLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A logger that drops every line; the default where no logger is given (CLI, tests). */
export const SILENT_AUTH_LOGGER: AuthLogger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});
