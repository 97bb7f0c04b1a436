/**
 * Role and permission administration, as both the admin HTTP API and `fraiseql-ts rbac` see
 * it. `RbacStore` does it on the database; `RbacHttpClient` asks a running server (the CLI's
 * way in when the server holds the embedded database).
 */

/** A role with the permissions granted to it, sorted. */
export interface RoleSummary {
  readonly name: string;
  readonly description: string | null;
  readonly permissions: readonly string[];
}

/** A permission with the roles that hold it, sorted. */
export interface PermissionSummary {
  readonly name: string;
  readonly description: string | null;
  readonly roles: readonly string[];
}

/** What a user (by token subject) is granted. */
export interface UserGrants {
  readonly subject: string;
  /** `users.role`, the primary role, if any. */
  readonly primaryRole: string | null;
  /** The primary role plus every role in `user_roles`, sorted. */
  readonly roles: readonly string[];
  /** Every permission those roles grant, sorted. A disabled user holds none of them. */
  readonly permissions: readonly string[];
  readonly disabled: boolean;
}

/** The outcome of a grant: `alreadyGranted` when nothing had to change. */
export interface GrantOutcome {
  readonly alreadyGranted: boolean;
}

/** The outcome of granting a role to a user. */
export interface RoleGrantOutcome extends GrantOutcome {
  /** The subject was not in the users table and a row was created for it. */
  readonly userCreated: boolean;
}

/** Every operation throws `RbacError` for a refusal (bad name, unknown role, duplicate). */
export interface RbacAdmin {
  listRoles(): Promise<RoleSummary[]>;
  createRole(name: string, description?: string): Promise<RoleSummary>;
  /** Deleting a role removes its grants and clears it as any user's primary role. */
  deleteRole(name: string): Promise<void>;
  listPermissions(): Promise<PermissionSummary[]>;
  createPermission(name: string, description?: string): Promise<PermissionSummary>;
  deletePermission(name: string): Promise<void>;
  grantPermission(role: string, permission: string): Promise<GrantOutcome>;
  /** @throws RbacError not_found when the role does not hold the permission. */
  revokePermission(role: string, permission: string): Promise<void>;
  /** Creates the users row for `subject` when there is none. */
  grantRole(subject: string, role: string): Promise<RoleGrantOutcome>;
  /** Removes the role from `user_roles` and, when it is the primary role, clears that too. */
  revokeRole(subject: string, role: string): Promise<void>;
  userGrants(subject: string): Promise<UserGrants>;
}
