import { isValidPermission } from '../schema/access-format.ts';
import { RbacError } from './rbac-error.ts';

/** What `fraiseql_auth.roles` accepts (its CHECK constraint), at most 128 characters. */
const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_:.-]{0,127}$/;
const MAX_SUBJECT = 255;
const MAX_DESCRIPTION = 1000;

/** Refuses a role name the roles table would refuse, before asking the database. */
export function checkRoleName(name: unknown): string {
  if (typeof name !== 'string' || !ROLE_NAME.test(name)) {
    throw new RbacError(
      'invalid',
      `${describe(name)} is not a role name: start with a letter or _, then letters, digits, _, :, . or - (at most 128).`,
    );
  }
  return name;
}

/** Refuses a permission name `requiresPermission` could never match (spaces, `*`). */
export function checkPermissionName(name: unknown): string {
  if (typeof name !== 'string' || !isValidPermission(name)) {
    throw new RbacError(
      'invalid',
      `${describe(name)} is not a permission name: no spaces and no "*" (permissions are matched exactly), e.g. read:posts.`,
    );
  }
  return name;
}

/** Refuses an empty or oversized subject (the token's `sub`). */
export function checkSubject(subject: unknown): string {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT) {
    throw new RbacError(
      'invalid',
      `${describe(subject)} is not a subject: give the token's sub claim (1 to ${MAX_SUBJECT} characters).`,
    );
  }
  return subject;
}

/** An optional description: a string of at most 1000 characters. */
export function checkDescription(description: unknown): string | undefined {
  if (description === undefined || description === null) return undefined;
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION) {
    throw new RbacError('invalid', `The description must be text of at most ${MAX_DESCRIPTION} characters.`);
  }
  return description;
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `A ${value === null ? 'null' : typeof value} value`;
  const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
  return JSON.stringify(shown);
}
