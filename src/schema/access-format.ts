const SCOPE_PART = '[A-Za-z0-9_][A-Za-z0-9_.\\-]*';
const SCOPE = new RegExp(`^${SCOPE_PART}(?::${SCOPE_PART})+$`);
const ROLE = /^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$/;
const PERMISSION = /^[^\s*]+$/;
const MAX_LENGTH = 128;

/**
 * True for a required scope such as `read:posts` or `read:User.salary`: parts joined by `:`,
 * no spaces (OAuth separates scopes with spaces, RFC 6749 §3.3) and no `*` (a required scope
 * names one permission; wildcards belong in grants, not requirements).
 */
export function isValidScope(scope: string): boolean {
  return scope.length <= MAX_LENGTH && SCOPE.test(scope);
}

/**
 * True for a permission name such as `read:posts` or `posts.publish`: what the
 * `fraiseql_auth.permissions` table accepts (no whitespace), without `*` (a requirement names
 * one permission, and permissions are matched exactly).
 */
export function isValidPermission(permission: string): boolean {
  return permission.length > 0 && permission.length <= MAX_LENGTH && PERMISSION.test(permission);
}

/** True for a role name such as `admin` or `org:editor`: no spaces, no wildcards. */
export function isValidRole(role: string): boolean {
  return role.length <= MAX_LENGTH && ROLE.test(role);
}
