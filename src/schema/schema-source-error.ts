/** Thrown when a schema source cannot be found or loaded (as opposed to being invalid). */
export class SchemaSourceError extends Error {
  /** The path that was asked for, as given. */
  readonly path: string;

  constructor(path: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SchemaSourceError';
    this.path = path;
  }
}
