import type { Caller } from '../auth/principal.ts';
import { PublicError } from '../errors/public-error.ts';
import type { OperationAccess } from '../schema/compiled-schema.ts';

/**
 * Decides whether the caller may run an operation, before any SQL: an anonymous caller only
 * reaches `public` operations; an authenticated one must hold every required scope and, when
 * roles are listed, one of them.
 *
 * @throws PublicError MISSING_TOKEN (401), INSUFFICIENT_SCOPE or MISSING_ROLE (403).
 */
export function authorizeOperation(name: string, access: OperationAccess, caller: Caller): void {
  if (caller.kind === 'anonymous') {
    if (access.public) return;
    throw new PublicError('MISSING_TOKEN', {
      extensions: { reason: 'MISSING_TOKEN' },
      logDetail: { operation: name },
    });
  }

  const { principal } = caller;
  const missingScopes = access.requiresScope.filter((scope) => !principal.scopes.has(scope));
  if (missingScopes.length > 0) {
    throw new PublicError('INSUFFICIENT_SCOPE', {
      extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: missingScopes },
      logDetail: { operation: name, subject: principal.subject },
    });
  }

  if (access.requiresRole.length > 0 && !access.requiresRole.some((role) => principal.roles.has(role))) {
    throw new PublicError('MISSING_ROLE', {
      extensions: { reason: 'MISSING_ROLE', requiredRoles: access.requiresRole },
      logDetail: { operation: name, subject: principal.subject },
    });
  }
}
