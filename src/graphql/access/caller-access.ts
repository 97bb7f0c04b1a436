import type { Caller } from '../../auth/principal.ts';
import { scopeGrantsMatcher } from './scope-grants.ts';

/** Role -> scopes it grants (`[security.roles]`); a grant may be a `prefix:*` pattern. */
export type RoleScopes = Readonly<Record<string, readonly string[]>>;

/**
 * What a caller may do, as every authorization decision asks it: which scopes it holds (from
 * the token, plus those its roles grant) and which roles. Anonymous callers hold nothing.
 */
export interface CallerAccess {
  readonly caller: Caller;
  /** True when the token carries `scope`, or a role grants it (exactly or by `prefix:*`). */
  hasScope(scope: string): boolean;
  hasRole(role: string): boolean;
  /** The scopes of `required` the caller does not hold, in order. */
  missingScopes(required: readonly string[]): string[];
}

/** Builds the access view of a caller under the configured role definitions. */
export function callerAccess(caller: Caller, roleScopes: RoleScopes): CallerAccess {
  if (caller.kind === 'anonymous') {
    return {
      caller,
      hasScope: () => false,
      hasRole: () => false,
      missingScopes: (required) => [...required],
    };
  }
  const { principal } = caller;
  // Token scopes are compared as they are; only role grants may be `prefix:*` patterns.
  const tokenScopes = new Set(principal.scopes);
  const roleGrants: string[] = [];
  for (const role of principal.roles) {
    // Role names come from the token: only the configuration's own entries count, never
    // Object.prototype members such as `constructor` or `__proto__`.
    const grants = Object.hasOwn(roleScopes, role) ? roleScopes[role] : undefined;
    if (grants !== undefined) roleGrants.push(...grants);
  }
  const grantedByRole = scopeGrantsMatcher(roleGrants);
  const hasScope = (scope: string): boolean => tokenScopes.has(scope) || grantedByRole(scope);
  return {
    caller,
    hasScope,
    hasRole: (role) => principal.roles.has(role),
    missingScopes: (required) => required.filter((scope) => !hasScope(scope)),
  };
}
