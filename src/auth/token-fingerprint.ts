import { createHash } from 'node:crypto';

/**
 * A short fingerprint of a token: the first 12 hex digits of its SHA-256. It lets an operator
 * match a `token inspect` run with server log lines, and is useless to replay the token.
 */
export function tokenFingerprint(token: string): string {
  return fingerprintOfHash(createHash('sha256').update(token).digest('hex'));
}

/** The fingerprint of a token whose hex SHA-256 is already known (the cache key). */
export function fingerprintOfHash(sha256Hex: string): string {
  return sha256Hex.slice(0, 12);
}
