import type { Principal } from '../auth/principal.ts';
import { PublicError } from '../errors/public-error.ts';
import { callerAccess, type RoleScopes } from '../graphql/access/caller-access.ts';
import type { SubjectPermissions } from '../graphql/access/subject-permissions.ts';

/** What an administrative route requires. */
export interface AdministratorRule {
  /**
   * The admin scope of the route group (`[authorization] admin_scope`, `[sessions]
   * admin_scope`, `[api_keys] admin_scope`), also the name of the database permission a user
   * must still hold.
   */
  readonly adminScope: string;
  /** `[security.roles]`: a role in the credential may grant the admin scope. */
  readonly roleScopes: RoleScopes;
}

/**
 * Whether a caller may administer now:
 * - `admin`: the credential carries the admin scope and, when its subject is a database user,
 *   the user still holds the permission of that name;
 * - `scope-missing`: the credential does not carry the admin scope;
 * - `permission-lost`: it does, but its subject is a database user who no longer holds the
 *   permission (demoted, disabled) since the credential was issued.
 */
export type AdministratorStanding = 'admin' | 'scope-missing' | 'permission-lost';

/**
 * The admin check shared by /admin/rbac, /auth/users (and revoke-all of another subject) and
 * the administration of other owners' keys under /api/keys. A scope in a token is a snapshot
 * of the grants at issue time: for a database user the database is asked as well (the lookup
 * `requiresPermission` uses, cached briefly and emptied by NOTIFY on every grant change), so a
 * demoted administrator's token stops administering at once, and a grant given back restores
 * it without a new token. A subject the users table does not know (an identity provider's, the
 * CLI's) has no grants there to consult: the scope alone decides, as before.
 *
 * `permissions` is the server's source (`RouteContext.permissions`).
 *
 * @throws Error when the server has no permission source (the rbac feature is missing):
 * administration is refused rather than decided on the token alone.
 */
export async function administratorStanding(
  permissions: SubjectPermissions | undefined,
  principal: Principal,
  rule: AdministratorRule,
): Promise<AdministratorStanding> {
  const access = callerAccess({ kind: 'authenticated', principal }, rule.roleScopes);
  if (!access.hasScope(rule.adminScope)) return 'scope-missing';
  if (permissions === undefined) {
    throw new Error(
      'The admin check has no database grants to read: no feature provides permissions ' +
        '(src/server/features.ts must start the rbac feature).',
    );
  }
  const grants = await permissions.grantsOf(principal.subject);
  if (!grants.isUser || grants.permissions.has(rule.adminScope)) return 'admin';
  return 'permission-lost';
}

/**
 * Refuses a caller that may not administer now: `scopeMissing()` when the credential lacks the
 * admin scope (each route group keeps its own refusal), and `adminPermissionLost` when a
 * database user no longer holds the admin permission.
 */
export async function requireAdministrator(
  permissions: SubjectPermissions | undefined,
  principal: Principal,
  rule: AdministratorRule,
  scopeMissing: () => PublicError,
): Promise<void> {
  const standing = await administratorStanding(permissions, principal, rule);
  switch (standing) {
    case 'admin':
      return;
    case 'scope-missing':
      throw scopeMissing();
    case 'permission-lost':
      throw adminPermissionLost(principal, rule.adminScope);
    default: {
      const unknown: never = standing;
      throw new Error(`Unknown administrator standing ${String(unknown)}`);
    }
  }
}

/** The 403 of a database user whose credential still carries an admin scope it no longer holds. */
export function adminPermissionLost(principal: Principal, adminScope: string): PublicError {
  return new PublicError('PERMISSION_DENIED', {
    message:
      `The admin permission ${adminScope} is no longer held: this credential carries it, but the ` +
      "user's roles in the database no longer grant it (or the user is disabled). An administrator " +
      'can grant it again; this credential then works again without a new login.',
    extensions: { reason: 'PERMISSION_DENIED', requiredPermission: adminScope, requiredPermissions: [adminScope] },
    logDetail: {
      subject: principal.subject,
      why: `the token carries ${adminScope}, but the database no longer grants the user that permission`,
    },
  });
}
