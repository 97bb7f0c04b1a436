import type { Caller } from '../../auth/principal.ts';

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
  const exact = new Set(principal.scopes);
  const prefixes: string[] = [];
  for (const role of principal.roles) {
    // Role names come from the token: only the configuration's own entries count, never
    // Object.prototype members such as `constructor` or `__proto__`.
    const grants = Object.hasOwn(roleScopes, role) ? roleScopes[role] : undefined;
    if (grants === undefined) continue;
    for (const grant of grants) {
      if (grant.endsWith(':*')) prefixes.push(grant.slice(0, -1));
      else exact.add(grant);
    }
  }
  const hasScope = (scope: string): boolean =>
    exact.has(scope) || prefixes.some((prefix) => scope.startsWith(prefix) && scope.length > prefix.length);
  return {
    caller,
    hasScope,
    hasRole: (role) => principal.roles.has(role),
    missingScopes: (required) => required.filter((scope) => !hasScope(scope)),
  };
}
