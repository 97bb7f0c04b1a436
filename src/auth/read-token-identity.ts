import type { ErrorReason } from '../errors/catalogue.ts';
import type { ResolvedAuthOptions } from './auth-options.ts';
import { controlCharacterIn } from './control-character.ts';

/** Who a verified token speaks for, and what it grants. */
export interface TokenIdentity {
  /** The subject, or undefined when the token names none (it is then refused). */
  readonly subject: string | undefined;
  /** Which claim gave the subject. */
  readonly subjectClaim: 'sub' | 'user_id' | undefined;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  /** Why the identity is unusable, first one first; empty when it is usable. */
  readonly problems: readonly IdentityProblem[];
}

/** One reason the identity claims cannot be used. */
export interface IdentityProblem {
  /** The part of the identity concerned. */
  readonly part: 'subject' | 'scopes' | 'roles';
  readonly reason: ErrorReason;
  readonly explanation: string;
}

/**
 * Reads the identity of a verified token:
 * - subject from `sub` (a non-empty string, RFC 7519 §4.1.2), else from `user_id` as in the
 *   spec page's examples. `user_id` may be a number: it becomes its decimal string only when it
 *   is a safe integer, since a larger one has already been rounded by JSON parsing and could
 *   name another user. A `sub` that is not a string is refused rather than passed over, and so
 *   is a subject holding a control character (U+0000 to U+001F): no user is named so, and a NUL
 *   cannot even be bound as PostgreSQL text (the revocation lookup, `inject`, the grants).
 * - scopes from every configured scope claim: a space-separated string (`scope`, `scp`) or an
 *   array of strings (`scopes`, `scp`, `permissions`).
 * - roles from every configured role claim: one role as a string, or an array of strings.
 *
 * A claim of the wrong type is a problem, not silently dropped: the token's issuer and this
 * server disagree about its format, and guessing could grant or withhold the wrong rights.
 */
export function readTokenIdentity(
  payload: Readonly<Record<string, unknown>>,
  options: ResolvedAuthOptions,
): TokenIdentity {
  const problems: IdentityProblem[] = [];
  const { subject, subjectClaim } = readSubject(payload, problems);

  const scopes = new Set<string>();
  for (const path of options.scopeClaims) {
    const value = readClaimPath(payload, path);
    for (const scope of stringsOf(value, path, 'scopes', problems)) scopes.add(scope);
  }
  const roles = new Set<string>();
  for (const path of options.roleClaims) {
    const value = readClaimPath(payload, path);
    for (const role of stringsOf(value, path, 'roles', problems)) roles.add(role);
  }
  return { subject, subjectClaim, scopes: [...scopes], roles: [...roles], problems };
}

function readSubject(
  payload: Readonly<Record<string, unknown>>,
  problems: IdentityProblem[],
): Pick<TokenIdentity, 'subject' | 'subjectClaim'> {
  const sub = payload['sub'];
  if (typeof sub === 'string' && sub !== '') return checkedSubject(sub, 'sub', problems);
  if (sub !== undefined) {
    problems.push({
      part: 'subject',
      reason: 'MISSING_IDENTITY',
      explanation: `sub is ${JSON.stringify(sub)}; it must be a non-empty string (RFC 7519 §4.1.2)`,
    });
    return { subject: undefined, subjectClaim: undefined };
  }
  const userId = payload['user_id'];
  if (typeof userId === 'string' && userId !== '') return checkedSubject(userId, 'user_id', problems);
  if (typeof userId === 'number' && Number.isSafeInteger(userId)) {
    return { subject: String(userId), subjectClaim: 'user_id' };
  }
  problems.push({
    part: 'subject',
    reason: 'MISSING_IDENTITY',
    explanation:
      userId === undefined
        ? 'the token names no subject: it has neither sub nor user_id, and a verified token ' +
          'without identity is refused, never treated as anonymous'
        : `user_id is ${JSON.stringify(userId)}; it must be a non-empty string or a safe integer`,
  });
  return { subject: undefined, subjectClaim: undefined };
}

/** A non-empty subject string, unless it holds a control character (then a problem). */
function checkedSubject(
  subject: string,
  claim: 'sub' | 'user_id',
  problems: IdentityProblem[],
): Pick<TokenIdentity, 'subject' | 'subjectClaim'> {
  const control = controlCharacterIn(subject);
  if (control === undefined) return { subject, subjectClaim: claim };
  problems.push({
    part: 'subject',
    reason: 'MISSING_IDENTITY',
    explanation:
      `${claim} holds a control character (${control}); a subject must be text without ` +
      'U+0000 to U+001F, so this token names no usable identity',
  });
  return { subject: undefined, subjectClaim: undefined };
}

/**
 * The value at a claim path. A key that exists whole (`https://example.com/roles`) wins;
 * otherwise the path is split on dots (`realm_access.roles`). Only own properties are read.
 */
export function readClaimPath(payload: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The strings of a scope or role claim. A scope string is space-separated (RFC 8693 §4.2); a
 * role string is one role.
 */
function stringsOf(
  value: unknown,
  path: string,
  part: 'scopes' | 'roles',
  problems: IdentityProblem[],
): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    if (part === 'roles') return value.trim() === '' ? [] : [value.trim()];
    return value.split(/\s+/).filter((item) => item !== '');
  }
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    const texts = items.filter((item): item is string => typeof item === 'string');
    if (texts.length === items.length) return texts.filter((item) => item !== '');
  }
  problems.push({
    part,
    reason: 'MALFORMED_TOKEN',
    explanation:
      `claim ${path} must be ${part === 'scopes' ? 'a space-separated string' : 'a string'} ` +
      'or an array of strings',
  });
  return [];
}
