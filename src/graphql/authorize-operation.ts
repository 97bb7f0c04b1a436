import { PublicError } from '../errors/public-error.ts';
import type { OperationAccess } from '../schema/compiled-schema.ts';
import type { CallerAccess } from './access/caller-access.ts';

/** Why a caller may not run an operation, or undefined when it may. */
export type OperationRefusal = 'MISSING_TOKEN' | 'INSUFFICIENT_SCOPE' | 'MISSING_ROLE';

/**
 * The scope and role rule, in one place for the call and for introspection: an anonymous
 * caller only reaches `public` operations; an authenticated one must hold every required scope
 * (from its token or granted by its roles) and, when roles are listed, one of them.
 */
export function operationRefusal(access: OperationAccess, caller: CallerAccess): OperationRefusal | undefined {
  if (caller.caller.kind === 'anonymous') return access.public ? undefined : 'MISSING_TOKEN';
  if (caller.missingScopes(access.requiresScope).length > 0) return 'INSUFFICIENT_SCOPE';
  if (access.requiresRole.length > 0 && !access.requiresRole.some((role) => caller.hasRole(role))) {
    return 'MISSING_ROLE';
  }
  return undefined;
}

/**
 * Decides whether the caller may run an operation, before any SQL, by `operationRefusal`.
 *
 * @throws PublicError MISSING_TOKEN (401), INSUFFICIENT_SCOPE or MISSING_ROLE (403).
 */
export function authorizeOperation(name: string, access: OperationAccess, caller: CallerAccess): void {
  const refusal = operationRefusal(access, caller);
  if (refusal === undefined) return;
  if (refusal === 'MISSING_TOKEN' || caller.caller.kind === 'anonymous') {
    throw new PublicError('MISSING_TOKEN', {
      extensions: { reason: 'MISSING_TOKEN' },
      logDetail: { operation: name },
    });
  }
  const subject = caller.caller.principal.subject;
  if (refusal === 'INSUFFICIENT_SCOPE') {
    throw new PublicError('INSUFFICIENT_SCOPE', {
      extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: caller.missingScopes(access.requiresScope) },
      logDetail: { operation: name, subject },
    });
  }
  throw new PublicError('MISSING_ROLE', {
    extensions: { reason: 'MISSING_ROLE', requiredRoles: access.requiresRole },
    logDetail: { operation: name, subject },
  });
}
