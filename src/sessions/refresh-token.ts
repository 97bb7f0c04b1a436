import { createHash, randomBytes } from 'node:crypto';

/** A refresh token as handed to the client, and the only form the database keeps. */
export interface NewRefreshToken {
  readonly token: string;
  /** sha256 of the token, lowercase hex. */
  readonly hash: string;
}

/** Prefix of every refresh token, so that a leaked one is recognisable (secret scanners). */
const PREFIX = 'rt_';

/** `rt_` then 32 random bytes in base64url (43 characters, no padding). */
const SHAPE = /^rt_[A-Za-z0-9_-]{43}$/;

/**
 * A new opaque refresh token: 256 random bits from the operating system's CSPRNG. It is not a
 * JWT: it means nothing outside this server's database, where only its hash is stored, so a
 * copy of the database cannot be used to refresh a session.
 */
export function newRefreshToken(): NewRefreshToken {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOf(token) };
}

/**
 * The stored hash of a presented refresh token, or undefined when it does not have the shape
 * of one (then it is unknown without asking the database). A plain sha256 suffices: the token
 * carries 256 random bits, so there is nothing to guess that a slow hash would protect.
 */
export function hashRefreshToken(token: string): string | undefined {
  return SHAPE.test(token) ? hashOf(token) : undefined;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
