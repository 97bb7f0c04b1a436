/**
 * A cache key for coerced argument values: JSON-like text in which two values get the same key
 * only when every statement builder would treat them alike. Anything JSON.stringify would blur
 * (undefined dropped, NaN written as null, a Date turned into a string, a class instance into
 * its fields) gives no key at all, so such a request is built afresh instead of risking a
 * collision with a different request.
 *
 * @param maxLength The longest key wanted; writing stops as soon as the key is longer, so a
 *   large value is not copied whole only to be discarded. Default: no limit.
 * @returns The key, or `undefined` when the value holds something other than null, booleans,
 *   finite numbers, strings, arrays and plain objects (undefined entries are kept, marked), or
 *   when its key would be longer than `maxLength`.
 */
export function argumentsKey(
  value: unknown,
  maxLength = Number.POSITIVE_INFINITY,
): string | undefined {
  const key: KeyText = { parts: [], length: 0, maxLength };
  return write(value, key) ? key.parts.join('') : undefined;
}

interface KeyText {
  readonly parts: string[];
  length: number;
  readonly maxLength: number;
}

/** Appends `part`; false once the key is longer than allowed. */
function push(key: KeyText, part: string): boolean {
  key.parts.push(part);
  key.length += part.length;
  return key.length <= key.maxLength;
}

function write(value: unknown, key: KeyText): boolean {
  if (value === undefined) {
    // Not valid JSON, so it cannot be confused with any JSON value.
    return push(key, '~');
  }
  if (value === null || typeof value === 'boolean') return push(key, JSON.stringify(value));
  if (typeof value === 'string') {
    // A string's JSON text is at least as long as the string, so a long one need not be written.
    return value.length <= key.maxLength - key.length && push(key, JSON.stringify(value));
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return false;
    return push(key, JSON.stringify(value));
  }
  if (Array.isArray(value)) {
    if (!push(key, '[')) return false;
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0 && !push(key, ',')) return false;
      if (!write(value[index], key)) return false;
    }
    return push(key, ']');
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    if (!push(key, '{')) return false;
    let first = true;
    for (const [name, entry] of Object.entries(value)) {
      if (!first && !push(key, ',')) return false;
      first = false;
      if (!push(key, JSON.stringify(name)) || !push(key, ':')) return false;
      if (!write(entry, key)) return false;
    }
    return push(key, '}');
  }
  return false;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
