import { createHash } from 'node:crypto';

/**
 * JSON with every object's keys sorted and no whitespace; `undefined` members are left out, as
 * `JSON.stringify` does. Two values that differ only in key order give the same text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member: unknown = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
}

/**
 * The compiled schema's `contentHash`: SHA-256 of the canonical JSON of the schema without its
 * `contentHash` and `schemaJsonHash` (which records where a file came from, not what is
 * served), as hex, cut to 32 characters (128 bits, FraiseQL's length).
 */
export function computeContentHash(schemaWithoutHash: object): string {
  const {
    contentHash: _hash,
    schemaJsonHash: _origin,
    ...rest
  } = schemaWithoutHash as {
    contentHash?: unknown;
    schemaJsonHash?: unknown;
  };
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 32);
}

/**
 * The compiled schema's `schemaJsonHash`: SHA-256 (hex) of the canonical JSON of a `schema.json`
 * document. Key order and whitespace do not count, so a checkout that changed line endings or
 * re-indented the file still matches.
 */
export function computeSchemaJsonHash(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}
