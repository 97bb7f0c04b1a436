/**
 * Quoting for the few SQL texts the database layer writes itself (migration bookkeeping, role
 * creation), where PostgreSQL offers no bound parameters: `CREATE ROLE`, `GRANT` and DO blocks.
 * Request statements never use these; their values are always bound.
 */

/** Double-quotes an identifier, doubling embedded quotes (`a"b` -> `"a""b"`). */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) {
    throw new TypeError(`Cannot quote ${JSON.stringify(name)} as an SQL identifier.`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Single-quotes a string literal, doubling embedded quotes. The result is a standard string
 * (no `E` prefix), so backslashes are taken literally with standard_conforming_strings on,
 * which is PostgreSQL's default since 9.1 and cannot be switched off per role on PGlite.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) {
    throw new TypeError('Cannot quote a string containing a NUL character as an SQL literal.');
  }
  return `'${value.replaceAll("'", "''")}'`;
}
