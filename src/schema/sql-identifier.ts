import type { QualifiedName } from './compiled-schema.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * PostgreSQL silently truncates longer names (NAMEDATALEN is 64 bytes), so two different names
 * could end up meaning the same object. Longer names are refused instead.
 */
export const MAX_IDENTIFIER_LENGTH = 63;

/** True for a plain SQL identifier: `[A-Za-z_][A-Za-z0-9_]*`, at most 63 characters. */
export function isSqlIdentifier(text: string): boolean {
  return text.length <= MAX_IDENTIFIER_LENGTH && IDENTIFIER.test(text);
}

/**
 * Reads `name` or `schema.name`, each part a checked identifier. Returns undefined for anything
 * else (quotes, spaces, three parts, empty parts), so the caller can report it.
 */
export function parseQualifiedName(text: string): QualifiedName | undefined {
  const parts = text.split('.');
  if (!parts.every(isSqlIdentifier)) return undefined;
  const [first, second] = parts;
  if (parts.length === 1 && first !== undefined) return { name: first };
  if (parts.length === 2 && first !== undefined && second !== undefined) {
    return { schema: first, name: second };
  }
  return undefined;
}
