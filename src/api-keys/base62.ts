import { randomBytes } from 'node:crypto';

/** The 62 characters of a base62 string, digits first, as most key formats order them. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Bytes at or above this value are drawn again, so every character is equally likely. */
const UNBIASED_LIMIT = 256 - (256 % 62);

/**
 * `length` characters drawn uniformly from BASE62_ALPHABET with the system CSPRNG. Each
 * character carries log2(62) ≈ 5.95 bits. Rejection sampling avoids the modulo bias that
 * would make the first eight characters more likely than the others.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += BASE62_ALPHABET.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return out;
}

/** `value` (a non-negative integer) in base62, left-padded with `0` to exactly `width`. */
export function encodeBase62Fixed(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`encodeBase62Fixed needs a non-negative safe integer, got ${value}`);
  }
  let rest = value;
  let out = '';
  while (rest > 0) {
    out = BASE62_ALPHABET.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  if (out.length > width) throw new RangeError(`${value} needs more than ${width} base62 characters`);
  return out.padStart(width, '0');
}
