import { z } from 'zod';

import { PublicError } from '../errors/public-error.ts';
import { parseDuration } from './parse-duration.ts';

/** Most scopes one key may carry. */
export const MAX_KEY_SCOPES = 50;

/** A scope a key may carry: one exact scope; patterns (`admin:*`) are for role definitions. */
const keyScope = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s*]+$/, 'must be one exact scope such as read:posts (no spaces, no "*")');

const duration = z.union([z.number(), z.string()]);

/** A subject or service name: printable, no surrounding spaces. */
const ownerName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u, 'must be printable text without surrounding spaces');

const createBody = z
  .object({
    /** What the key is for, shown in lists. */
    name: z.string().trim().min(1).max(100),
    /** Scopes the key carries; each must be held by the creator. */
    scopes: z.array(keyScope).max(MAX_KEY_SCOPES),
    /** Lifetime: seconds, or `90d`, `12h`, ... */
    expires_in: duration.optional(),
    /** Expiry as an ISO 8601 time. */
    expires_at: z.string().optional(),
    /** Another owner (a user's subject or a service); administrators only. */
    owner: ownerName.optional(),
  })
  .strict();

const rotateBody = z
  .object({
    /** How long the old key keeps working: seconds or `24h`. Default: [api_keys] rotation_grace. */
    grace: duration.optional(),
    expires_in: duration.optional(),
    expires_at: z.string().optional(),
  })
  .strict();

/** A validated `POST /api/keys` body. */
export interface CreateKeyRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  /** Epoch milliseconds, or undefined for no expiry. */
  readonly expiresAt: number | undefined;
  readonly owner: string | undefined;
}

/** A validated `POST /api/keys/{id}/rotate` body. */
export interface RotateKeyRequest {
  /** Seconds the old key keeps working; undefined: the configured default. */
  readonly graceSeconds: number | undefined;
  /** The new key's expiry: `keep` (the old key's), or epoch milliseconds. */
  readonly expiresAt: number | 'keep';
}

/** Longest grace a rotation may give the old key: 30 days. */
export const MAX_GRACE_SECONDS = 30 * 86_400;

/**
 * Longest lifetime a key may be given (`expires_in`, or `expires_at` from now): 10 years, 3650
 * days. A longer one is almost always a typo (`999999d` is the year 4764); a key meant to live
 * on is given no expiry instead.
 */
export const MAX_KEY_LIFETIME_SECONDS = 3650 * 86_400;

/** @throws PublicError BAD_USER_INPUT naming the field and what it expects. */
export function readCreateKeyRequest(body: unknown, now: number): CreateKeyRequest {
  const parsed = createBody.safeParse(body ?? {});
  if (!parsed.success) throw badInput(parsed.error);
  const value = parsed.data;
  return {
    name: value.name,
    scopes: [...new Set(value.scopes)],
    expiresAt: readExpiry(value.expires_in, value.expires_at, now),
    owner: value.owner,
  };
}

/** @throws PublicError BAD_USER_INPUT naming the field and what it expects. */
export function readRotateKeyRequest(body: unknown, now: number): RotateKeyRequest {
  const parsed = rotateBody.safeParse(body ?? {});
  if (!parsed.success) throw badInput(parsed.error);
  const value = parsed.data;
  let graceSeconds: number | undefined;
  if (value.grace !== undefined) {
    graceSeconds = parseDuration(value.grace);
    if (graceSeconds === undefined || graceSeconds > MAX_GRACE_SECONDS) {
      throw bad('grace must be a duration from 0 to 30 days: seconds, or a number with s, m, h, d or w (24h).');
    }
  }
  const given = value.expires_in !== undefined || value.expires_at !== undefined;
  const expiresAt = readExpiry(value.expires_in, value.expires_at, now);
  return { graceSeconds, expiresAt: given && expiresAt !== undefined ? expiresAt : 'keep' };
}

/** Epoch milliseconds from `expires_in` or `expires_at` (at most one), in the future. */
function readExpiry(expiresIn: string | number | undefined, expiresAt: string | undefined, now: number): number | undefined {
  if (expiresIn !== undefined && expiresAt !== undefined) {
    throw bad('Give expires_in or expires_at, not both.');
  }
  if (expiresIn !== undefined) {
    const seconds = parseDuration(expiresIn);
    if (seconds === undefined || seconds === 0) {
      throw bad('expires_in must be a positive duration: seconds, or a number with s, m, h, d or w (90d).');
    }
    if (seconds > MAX_KEY_LIFETIME_SECONDS) throw tooLong('expires_in');
    return now + seconds * 1000;
  }
  if (expiresAt !== undefined) {
    const time = /^\d{4}-\d{2}-\d{2}(T|$)/.test(expiresAt) ? Date.parse(expiresAt) : Number.NaN;
    if (!Number.isFinite(time)) throw bad('expires_at must be an ISO 8601 time, e.g. 2030-01-31T00:00:00Z.');
    if (time <= now) throw bad('expires_at is in the past; give a future time.');
    if (time - now > MAX_KEY_LIFETIME_SECONDS * 1000) throw tooLong('expires_at');
    return time;
  }
  return undefined;
}

function badInput(error: z.ZodError): PublicError {
  const issue = error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'the body' : issue.path.join('.');
  const what =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s) ${issue.keys.join(', ')}; allowed: name, scopes, expires_in, expires_at, owner (create) or grace, expires_in, expires_at (rotate)`
      : (issue?.message ?? 'is invalid');
  return bad(`Invalid request: ${where}: ${what}.`);
}

function tooLong(field: 'expires_in' | 'expires_at'): PublicError {
  return bad(
    `${field} is more than 10 years away; a key lives at most 10 years (3650d). Give a shorter ` +
      'lifetime, or none for a key that does not expire.',
  );
}

function bad(message: string): PublicError {
  return new PublicError('BAD_USER_INPUT', { message });
}
