import { PublicError } from '../errors/public-error.ts';
import type { OperationAccess } from '../schema/compiled-schema.ts';
import type { CallerAccess } from './access/caller-access.ts';
import type { SubjectPermissions } from './access/subject-permissions.ts';

/**
 * Checks an operation's `requiresPermission` against the database grants of the token's
 * subject, after `authorizeOperation` (scopes and roles) and before any SQL runs. The
 * permissions come from the database, not the token, so a grant or a revoke applies to the
 * next request without a new token.
 *
 * For a caller authenticated by API key, each required permission must also be among the
 * key's scopes: a key is a narrowed copy of its owner, and its scopes are the narrowing.
 *
 * Fails closed: an anonymous caller, a subject the users table does not know, and a server
 * without a permission source are all refused.
 *
 * @throws PublicError MISSING_TOKEN (401) or PERMISSION_DENIED (403) with
 *   `extensions.requiredPermission` (the first missing one) and `requiredPermissions` (all of
 *   them; the caller's other permissions are not echoed).
 */
export async function authorizePermissions(
  name: string,
  access: OperationAccess,
  caller: CallerAccess,
  source: SubjectPermissions | undefined,
): Promise<void> {
  const required = access.requiresPermission;
  if (required.length === 0) return;
  if (caller.caller.kind === 'anonymous') {
    throw new PublicError('MISSING_TOKEN', {
      extensions: { reason: 'MISSING_TOKEN' },
      logDetail: { operation: name, why: 'operation requires a permission' },
    });
  }

  const subject = caller.caller.principal.subject;
  if (source === undefined) {
    throw denied(required, {
      operation: name,
      subject,
      why: 'the server has no permission source, so no permission can be confirmed',
    });
  }
  const held = await source.permissionsOf(subject);
  const missing = required.filter((permission) => !held.has(permission));
  if (missing.length > 0) {
    throw denied(missing, {
      operation: name,
      subject,
      why: held.size === 0 ? 'the subject holds no permission (unknown, disabled or ungranted user)' : 'permission not granted',
    });
  }

  // A key carries only the rights its creator gave it: the owner's grant is necessary, and
  // the key's scopes must name the permission too (matched as every scope is).
  if (caller.caller.principal.method === 'api_key') {
    const outsideKey = required.filter((permission) => !usableByCaller(permission, caller));
    if (outsideKey.length > 0) {
      throw denied(outsideKey, {
        operation: name,
        subject,
        keyId: caller.caller.principal.claims['api_key_id'],
        why: "the owner holds the permission, but the API key's scopes do not include it",
      });
    }
  }
}

/**
 * The permissions of `held` this caller may use: all of them for a token, and for an API key
 * only those its scopes name too. Introspection shows operations by this same rule.
 */
export function permissionsUsableBy(caller: CallerAccess, held: ReadonlySet<string>): ReadonlySet<string> {
  return new Set([...held].filter((permission) => usableByCaller(permission, caller)));
}

function usableByCaller(permission: string, caller: CallerAccess): boolean {
  return caller.caller.kind === 'authenticated' && (caller.caller.principal.method !== 'api_key' || caller.hasScope(permission));
}

function denied(missing: readonly string[], logDetail: Record<string, unknown>): PublicError {
  return new PublicError('PERMISSION_DENIED', {
    extensions: {
      reason: 'PERMISSION_DENIED',
      requiredPermission: missing[0],
      requiredPermissions: missing,
    },
    logDetail: { ...logDetail, missing },
  });
}
