/**
 * A cache key for coerced argument values: JSON-like text in which two values get the same key
 * only when every statement builder would treat them alike. Anything JSON.stringify would blur
 * (undefined dropped, NaN written as null, a Date turned into a string, a class instance into
 * its fields) gives no key at all, so such a request is built afresh instead of risking a
 * collision with a different request.
 *
 * @returns The key, or `undefined` when the value holds something other than null, booleans,
 *   finite numbers, strings, arrays and plain objects (undefined entries are kept, marked).
 */
export function argumentsKey(value: unknown): string | undefined {
  const parts: string[] = [];
  return write(value, parts) ? parts.join('') : undefined;
}

function write(value: unknown, parts: string[]): boolean {
  if (value === undefined) {
    // Not valid JSON, so it cannot be confused with any JSON value.
    parts.push('~');
    return true;
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    parts.push(JSON.stringify(value));
    return true;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return false;
    parts.push(JSON.stringify(value));
    return true;
  }
  if (Array.isArray(value)) {
    parts.push('[');
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) parts.push(',');
      if (!write(value[index], parts)) return false;
    }
    parts.push(']');
    return true;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    parts.push('{');
    let first = true;
    for (const [key, entry] of Object.entries(value)) {
      if (!first) parts.push(',');
      first = false;
      parts.push(JSON.stringify(key), ':');
      if (!write(entry, parts)) return false;
    }
    parts.push('}');
    return true;
  }
  return false;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
