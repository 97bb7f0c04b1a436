import type { QualifiedName } from '../schema/compiled-schema.ts';

/**
 * The only places where names become SQL text. Identifiers come from the compiled schema (or the
 * database catalog) and JSON keys from GraphQL names; both are checked against a strict pattern
 * here, so nothing a client sends can close a quote, even if a caller forgets to validate.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1), which could alias names. */
const MAX_IDENTIFIER_LENGTH = 63;

/**
 * Quotes a table, view, column, function or parameter name: `created_at` -> `"created_at"`.
 * Throws a `TypeError` (a programmer error: names are validated when the schema is compiled)
 * for anything but `[A-Za-z_][A-Za-z0-9_]*` of at most 63 characters.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TypeError(
      `Refusing SQL identifier ${JSON.stringify(name)}: only [A-Za-z_][A-Za-z0-9_]* is allowed`,
    );
  }
  if (name.length > MAX_IDENTIFIER_LENGTH) {
    throw new TypeError(
      `Refusing SQL identifier ${JSON.stringify(name)}: ` +
        'PostgreSQL truncates names past 63 characters',
    );
  }
  return `"${name}"`;
}

/** Quotes a possibly schema-qualified name: `{ schema: 'app', name: 'v' }` -> `"app"."v"`. */
export function quoteQualifiedName(qualified: QualifiedName): string {
  const name = quoteIdentifier(qualified.name);
  return qualified.schema === undefined ? name : `${quoteIdentifier(qualified.schema)}.${name}`;
}

/**
 * Emits a GraphQL name (a response key, a type name) or a JSONB storage key as an SQL string
 * literal: `title` -> `'title'`. GraphQL names are `[_A-Za-z][_0-9A-Za-z]*` (GraphQL spec,
 * section 2.1.9), so the literal can never contain a quote; anything else throws a `TypeError`.
 */
export function quoteLiteralKey(key: string): string {
  if (typeof key !== 'string' || !IDENTIFIER.test(key)) {
    throw new TypeError(
      `Refusing JSON key ${JSON.stringify(key)}: ` +
        'only GraphQL names ([_A-Za-z][_0-9A-Za-z]*) are allowed',
    );
  }
  return `'${key}'`;
}
