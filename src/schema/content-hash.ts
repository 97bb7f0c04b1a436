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
 * `contentHash`, as hex, cut to 32 characters (128 bits, FraiseQL's length).
 */
export function computeContentHash(schemaWithoutHash: object): string {
  const { contentHash: _ignored, ...rest } = schemaWithoutHash as { contentHash?: unknown };
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 32);
}
