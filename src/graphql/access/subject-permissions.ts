/**
 * Where the executor learns which database permissions a subject holds (the
 * `fraiseql_auth.user_permissions` view: the user's primary role plus every role granted in
 * `user_roles`, through `role_permissions`). Implemented by src/rbac/permission-cache.ts.
 */
export interface SubjectPermissions {
  /**
   * The permission names granted to `subject` now. Empty for a subject unknown to the users
   * table or whose user is disabled: an unknown caller holds nothing.
   *
   * @throws when the database cannot answer (the request then fails; it is never let through).
   */
  permissionsOf(subject: string): Promise<ReadonlySet<string>>;
}
