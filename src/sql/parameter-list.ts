import { PublicError } from '../errors/public-error.ts';

/** PostgreSQL's protocol counts bind parameters in a 16-bit field. */
const MAX_PARAMETERS = 65535;

/**
 * Collects the values bound to one statement and hands out their `$n` placeholders. Every value is
 * text (or SQL NULL); the SQL casts it where a type is needed (`$1::bigint`). Binding text only
 * keeps both drivers (node-postgres and PGlite) on their plain pass-through path, so no driver
 * serializer can reinterpret a value.
 */
export class ParameterList {
  private readonly bound: (string | null)[] = [];

  /** Binds `value` and returns its placeholder, e.g. `$3`. */
  add(value: string | null): string {
    if (this.bound.length >= MAX_PARAMETERS) {
      throw new PublicError('BAD_USER_INPUT', {
        message:
          `The request needs more than ${MAX_PARAMETERS} bound values: ` +
          'split it into smaller requests',
      });
    }
    this.bound.push(value);
    return `$${this.bound.length}`;
  }

  /** The values bound so far, in placeholder order (`values[0]` is `$1`). */
  get values(): readonly (string | null)[] {
    return this.bound;
  }
}
