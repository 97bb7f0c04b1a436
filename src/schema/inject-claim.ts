import type { InjectSource } from './compiled-schema.ts';
import { isSqlIdentifier } from './sql-identifier.ts';

const CLAIM_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_CLAIM_DEPTH = 8;

/** The outcome of reading an inject source. */
export type InjectClaimResult =
  | { readonly ok: true; readonly source: InjectSource }
  | { readonly ok: false; readonly message: string };

/**
 * Splits the flat form `jwt:org.id` into source `jwt` and claim `org.id`. Text without a colon
 * gives an empty source, which `checkInjectSource` then reports.
 */
export function splitInjectText(text: string): { source: string; claim: string } {
  const colon = text.indexOf(':');
  return colon < 0
    ? { source: '', claim: text }
    : { source: text.slice(0, colon), claim: text.slice(colon + 1) };
}

/**
 * Checks a source and claim: only `jwt` exists (there is deliberately no header or literal
 * source: an injected value must come from a verified token), and the claim is a dotted path of
 * identifiers (`sub`, `org.id`).
 */
export function checkInjectSource(source: string, claim: string): InjectClaimResult {
  const written = source === '' ? claim : `${source}:${claim}`;
  if (source !== 'jwt') {
    return {
      ok: false,
      message: `"${written}" is not a supported inject source; write "jwt:<claim>", e.g. "jwt:sub" or "jwt:org.id"`,
    };
  }
  const path = claim.split('.');
  if (path.length > MAX_CLAIM_DEPTH || !path.every((segment) => CLAIM_SEGMENT.test(segment))) {
    return {
      ok: false,
      message: `"${written}" does not name a claim: use identifiers joined by dots, e.g. "jwt:sub" or "jwt:org.id"`,
    };
  }
  return { ok: true, source: { source: 'jwt', path } };
}

/**
 * True when an inject key can name a view column, a function parameter and the transaction
 * setting `app.<key>`: it must be an SQL identifier. `__proto__` is refused because storing it
 * in a plain object would set the object's prototype and lose the entry.
 */
export function isValidInjectKey(key: string): boolean {
  return isSqlIdentifier(key) && key !== '__proto__';
}
