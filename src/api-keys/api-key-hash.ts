import nodeCrypto from 'node:crypto';

/** Bytes of a stored key hash (HMAC-SHA256). */
export const API_KEY_HASH_BYTES = 32;

const STORED_HASH = /^[0-9a-f]{64}$/;

/**
 * Compared against when no stored hash exists (unknown prefix), so that an unknown key goes
 * through the same comparison as a known one. Random per process: it can never match.
 */
const NO_MATCH = nodeCrypto.randomBytes(API_KEY_HASH_BYTES);

/**
 * The stored form of a key: HMAC-SHA256 keyed with the server's API key secret. A leaked
 * table alone does not let anyone check guesses, unlike a plain hash of the key.
 */
export function hashApiKey(secret: Uint8Array, key: string): Buffer {
  return nodeCrypto.createHmac('sha256', secret).update(key, 'utf8').digest();
}

/** The hash as the `key_hash` column stores it (64 lowercase hex characters). */
export function hashApiKeyHex(secret: Uint8Array, key: string): string {
  return hashApiKey(secret, key).toString('hex');
}

/**
 * True when `presented` (the HMAC of the key a client sent) equals the stored hex hash.
 * Always runs one `timingSafeEqual` over two 32-byte buffers, also when nothing is stored or
 * the stored value is malformed, so the time taken says nothing about how many bytes matched
 * or whether the prefix was known.
 */
export function keyHashMatches(presented: Buffer, storedHex: string | undefined): boolean {
  const usable = storedHex !== undefined && STORED_HASH.test(storedHex);
  const stored = usable ? Buffer.from(storedHex, 'hex') : NO_MATCH;
  // A presented value of the wrong length is a caller bug; compare against itself-sized
  // dummy bytes rather than throw, and never report a match.
  const sameLength = presented.length === API_KEY_HASH_BYTES;
  const left = sameLength ? presented : Buffer.alloc(API_KEY_HASH_BYTES);
  const equal = nodeCrypto.timingSafeEqual(left, stored);
  return equal && usable && sameLength;
}
