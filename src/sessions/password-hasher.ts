import { randomBytes } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';

/** Shortest password `users add`, `users set-password` and the admin API accept. */
export const MIN_PASSWORD_LENGTH = 8;

/** Longest password accepted anywhere, in characters (argon2 cost grows with input). */
export const MAX_PASSWORD_LENGTH = 1024;

/** Hashes and checks passwords. */
export interface PasswordHasher {
  /** An argon2id PHC string with the library's defaults (m=19456 KiB, t=2, p=1: OWASP). */
  hash(password: string): Promise<string>;
  /** @throws Error when `stored` is not an argon2 PHC string. */
  verify(stored: string, password: string): Promise<boolean>;
  /**
   * Spends the time of one `verify` on a hash that matches nothing, for logins whose user
   * does not exist or has no password: without it, their quicker refusal would tell an
   * attacker which usernames exist.
   */
  verifyDummy(password: string): Promise<void>;
}

/**
 * The argon2id hasher (@node-rs/argon2). The dummy hash is made at start with the same
 * parameters as real ones, so that checking against it costs the same.
 */
export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummy = await hash(randomBytes(32).toString('base64url'));
  return {
    hash: (password) => hash(password),
    verify: (stored, password) => verify(stored, password),
    verifyDummy: async (password) => {
      await verify(dummy, password).catch(() => false);
    },
  };
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `the password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  }
  if (password.trim() === '') return 'the password may not be blank';
  return undefined;
}
