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

  /**
   * Whether `subject` is a database user, and its permissions now: the same lookup as
   * `permissionsOf`, for decisions that differ between a database user and any other subject
   * (the admin check of the administration routes).
   *
   * @throws when the database cannot answer.
   */
  grantsOf(subject: string): Promise<SubjectGrants>;
}

/** What the database grants a subject now. */
export interface SubjectGrants {
  /**
   * The subject is a user in `fraiseql_auth.users` (disabled or not). Any other subject (an
   * identity provider's, a service's) is unknown to the database, which grants it nothing.
   */
  readonly isUser: boolean;
  /** The permissions it holds; empty for a disabled user or a subject that is not one. */
  readonly permissions: ReadonlySet<string>;
}
