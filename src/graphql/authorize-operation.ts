import { PublicError } from '../errors/public-error.ts';
import type { OperationAccess } from '../schema/compiled-schema.ts';
import type { CallerAccess } from './access/caller-access.ts';

/**
 * Decides whether the caller may run an operation, before any SQL: an anonymous caller only
 * reaches `public` operations; an authenticated one must hold every required scope (from its
 * token or granted by its roles) and, when roles are listed, one of them.
 *
 * @throws PublicError MISSING_TOKEN (401), INSUFFICIENT_SCOPE or MISSING_ROLE (403).
 */
export function authorizeOperation(name: string, access: OperationAccess, caller: CallerAccess): void {
  if (caller.caller.kind === 'anonymous') {
    if (access.public) return;
    throw new PublicError('MISSING_TOKEN', {
      extensions: { reason: 'MISSING_TOKEN' },
      logDetail: { operation: name },
    });
  }

  const subject = caller.caller.principal.subject;
  const missingScopes = caller.missingScopes(access.requiresScope);
  if (missingScopes.length > 0) {
    throw new PublicError('INSUFFICIENT_SCOPE', {
      extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: missingScopes },
      logDetail: { operation: name, subject },
    });
  }

  if (access.requiresRole.length > 0 && !access.requiresRole.some((role) => caller.hasRole(role))) {
    throw new PublicError('MISSING_ROLE', {
      extensions: { reason: 'MISSING_ROLE', requiredRoles: access.requiresRole },
      logDetail: { operation: name, subject },
    });
  }
}
