import type { Database } from '../db/database.ts';
import type {
  GrantOutcome,
  PermissionSummary,
  RbacAdmin,
  RoleGrantOutcome,
  RoleSummary,
  UserGrants,
} from './rbac-admin.ts';
import { RbacError } from './rbac-error.ts';
import { checkDescription, checkPermissionName, checkRoleName, checkSubject } from './rbac-names.ts';

/*
 * Each change is one statement (CTEs where it takes several steps), so it is atomic without a
 * transaction of its own; the triggers of built-in migration 004 notify every server when it
 * commits. Lists come back as one JSON text, which both database engines return unchanged.
 */

const ROLES_JSON = `
SELECT coalesce(json_agg(json_build_object(
         'name', r.name, 'description', r.description,
         'permissions', (SELECT coalesce(json_agg(rp.permission ORDER BY rp.permission), '[]'::json)
                           FROM fraiseql_auth.role_permissions rp WHERE rp.role_id = r.id))
       ORDER BY r.name), '[]'::json)::text AS list
  FROM fraiseql_auth.roles r`;

const PERMISSIONS_JSON = `
SELECT coalesce(json_agg(json_build_object(
         'name', p.name, 'description', p.description,
         'roles', (SELECT coalesce(json_agg(r.name ORDER BY r.name), '[]'::json)
                     FROM fraiseql_auth.role_permissions rp
                     JOIN fraiseql_auth.roles r ON r.id = rp.role_id
                    WHERE rp.permission_id = p.id))
       ORDER BY p.name), '[]'::json)::text AS list
  FROM fraiseql_auth.permissions p`;

const GRANT_PERMISSION = `
WITH r AS (SELECT id FROM fraiseql_auth.roles WHERE name = $1::text),
     p AS (SELECT id FROM fraiseql_auth.permissions WHERE name = $2::text),
     added AS (INSERT INTO fraiseql_auth.role_permissions (role_id, permission_id)
               SELECT r.id, p.id FROM r, p ON CONFLICT DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM r)::int AS roles, (SELECT count(*) FROM p)::int AS permissions,
       (SELECT count(*) FROM added)::int AS changed`;

const REVOKE_PERMISSION = `
WITH r AS (SELECT id FROM fraiseql_auth.roles WHERE name = $1::text),
     p AS (SELECT id FROM fraiseql_auth.permissions WHERE name = $2::text),
     removed AS (DELETE FROM fraiseql_auth.role_permissions rp USING r, p
                  WHERE rp.role_id = r.id AND rp.permission_id = p.id RETURNING 1)
SELECT (SELECT count(*) FROM r)::int AS roles, (SELECT count(*) FROM p)::int AS permissions,
       (SELECT count(*) FROM removed)::int AS changed`;

const GRANT_ROLE = `
WITH r AS (SELECT id FROM fraiseql_auth.roles WHERE name = $2::text),
     existing AS (SELECT id FROM fraiseql_auth.users WHERE subject = $1::text),
     created AS (INSERT INTO fraiseql_auth.users (subject)
                 SELECT $1::text WHERE EXISTS (SELECT 1 FROM r) AND NOT EXISTS (SELECT 1 FROM existing)
                 ON CONFLICT (subject) DO NOTHING RETURNING id),
     u AS (SELECT id FROM existing UNION ALL SELECT id FROM created),
     added AS (INSERT INTO fraiseql_auth.user_roles (user_id, role_id)
               SELECT u.id, r.id FROM u, r ON CONFLICT DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM r)::int AS roles, (SELECT count(*) FROM u)::int AS users,
       (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM added)::int AS changed,
       EXISTS (SELECT 1 FROM fraiseql_auth.users x WHERE x.subject = $1::text AND x.role = $2::text) AS primary_role`;

const REVOKE_ROLE = `
WITH u AS (SELECT id, role FROM fraiseql_auth.users WHERE subject = $1::text),
     r AS (SELECT id FROM fraiseql_auth.roles WHERE name = $2::text),
     removed AS (DELETE FROM fraiseql_auth.user_roles ur USING u, r
                  WHERE ur.user_id = u.id AND ur.role_id = r.id RETURNING 1),
     cleared AS (UPDATE fraiseql_auth.users t SET role = NULL, updated_at = now() FROM u
                  WHERE t.id = u.id AND u.role = $2::text RETURNING 1)
SELECT (SELECT count(*) FROM u)::int AS users, (SELECT count(*) FROM r)::int AS roles,
       ((SELECT count(*) FROM removed) + (SELECT count(*) FROM cleared))::int AS changed`;

const USER_JSON = `
SELECT json_build_object(
         'subject', u.subject, 'primaryRole', u.role, 'disabled', u.disabled,
         'roles', (SELECT coalesce(json_agg(r.name ORDER BY r.name), '[]'::json)
                     FROM fraiseql_auth.roles r
                    WHERE r.name = u.role
                       OR r.id IN (SELECT ur.role_id FROM fraiseql_auth.user_roles ur WHERE ur.user_id = u.id)),
         'permissions', (SELECT coalesce(json_agg(DISTINCT up.permission ORDER BY up.permission), '[]'::json)
                           FROM fraiseql_auth.user_permissions up WHERE up.user_id = u.id)
       )::text AS grants
  FROM fraiseql_auth.users u WHERE u.subject = $1::text`;

interface Counts {
  readonly roles: number;
  readonly permissions: number;
  readonly users: number;
  readonly created: number;
  readonly changed: number;
  readonly primary_role: boolean;
}

/**
 * Roles, permissions and grants in the `fraiseql_auth` tables, read and written as the
 * server's login role (request roles have no access to that schema).
 */
export class RbacStore implements RbacAdmin {
  constructor(private readonly database: Database) {}

  async listRoles(): Promise<RoleSummary[]> {
    return this.jsonList<RoleSummary>(ROLES_JSON);
  }

  async createRole(name: string, description?: string): Promise<RoleSummary> {
    const role = checkRoleName(name);
    const text = checkDescription(description) ?? null;
    const result = await this.database.query<{ name: string; description: string | null }>(
      `INSERT INTO fraiseql_auth.roles (name, description) VALUES ($1, $2)
       ON CONFLICT (name) DO NOTHING RETURNING name, description`,
      [role, text],
    );
    const row = result.rows[0];
    if (row === undefined) throw new RbacError('conflict', `Role ${role} already exists.`);
    return { name: row.name, description: row.description, permissions: [] };
  }

  async deleteRole(name: string): Promise<void> {
    const role = checkRoleName(name);
    const result = await this.database.query(
      'DELETE FROM fraiseql_auth.roles WHERE name = $1 RETURNING id',
      [role],
    );
    if (result.rows.length === 0) throw unknownRole(role);
  }

  async listPermissions(): Promise<PermissionSummary[]> {
    return this.jsonList<PermissionSummary>(PERMISSIONS_JSON);
  }

  async createPermission(name: string, description?: string): Promise<PermissionSummary> {
    const permission = checkPermissionName(name);
    const text = checkDescription(description) ?? null;
    const result = await this.database.query<{ name: string; description: string | null }>(
      `INSERT INTO fraiseql_auth.permissions (name, description) VALUES ($1, $2)
       ON CONFLICT (name) DO NOTHING RETURNING name, description`,
      [permission, text],
    );
    const row = result.rows[0];
    if (row === undefined) throw new RbacError('conflict', `Permission ${permission} already exists.`);
    return { name: row.name, description: row.description, roles: [] };
  }

  async deletePermission(name: string): Promise<void> {
    const permission = checkPermissionName(name);
    const result = await this.database.query(
      'DELETE FROM fraiseql_auth.permissions WHERE name = $1 RETURNING id',
      [permission],
    );
    if (result.rows.length === 0) throw unknownPermission(permission);
  }

  async grantPermission(roleName: string, permissionName: string): Promise<GrantOutcome> {
    const role = checkRoleName(roleName);
    const permission = checkPermissionName(permissionName);
    const counts = await this.counts(GRANT_PERMISSION, [role, permission]);
    if (counts.roles === 0) throw unknownRole(role);
    if (counts.permissions === 0) throw unknownPermission(permission);
    return { alreadyGranted: counts.changed === 0 };
  }

  async revokePermission(roleName: string, permissionName: string): Promise<void> {
    const role = checkRoleName(roleName);
    const permission = checkPermissionName(permissionName);
    const counts = await this.counts(REVOKE_PERMISSION, [role, permission]);
    if (counts.roles === 0) throw unknownRole(role);
    if (counts.permissions === 0) throw unknownPermission(permission);
    if (counts.changed === 0) {
      throw new RbacError('not_found', `Role ${role} does not hold permission ${permission}; nothing to revoke.`);
    }
  }

  async grantRole(subjectValue: string, roleName: string): Promise<RoleGrantOutcome> {
    const subject = checkSubject(subjectValue);
    const role = checkRoleName(roleName);
    let counts = await this.counts(GRANT_ROLE, [subject, role]);
    // Another request created this user between our look-up and our insert: run again, it
    // now finds the row.
    if (counts.roles > 0 && counts.users === 0) counts = await this.counts(GRANT_ROLE, [subject, role]);
    if (counts.roles === 0) throw unknownRole(role);
    if (counts.users === 0) throw new RbacError('conflict', `The user ${subject} changed meanwhile; try again.`);
    return { alreadyGranted: counts.changed === 0 || counts.primary_role, userCreated: counts.created > 0 };
  }

  async revokeRole(subjectValue: string, roleName: string): Promise<void> {
    const subject = checkSubject(subjectValue);
    const role = checkRoleName(roleName);
    const counts = await this.counts(REVOKE_ROLE, [subject, role]);
    if (counts.users === 0) throw unknownUser(subject);
    if (counts.roles === 0) throw unknownRole(role);
    if (counts.changed === 0) {
      throw new RbacError('not_found', `User ${subject} does not hold role ${role}; nothing to revoke.`);
    }
  }

  async userGrants(subjectValue: string): Promise<UserGrants> {
    const subject = checkSubject(subjectValue);
    const result = await this.database.query<{ grants: string }>(USER_JSON, [subject]);
    const row = result.rows[0];
    if (row === undefined) throw unknownUser(subject);
    return JSON.parse(row.grants) as UserGrants;
  }

  private async jsonList<Item>(text: string): Promise<Item[]> {
    const result = await this.database.query<{ list: string }>(text);
    return JSON.parse(result.rows[0]?.list ?? '[]') as Item[];
  }

  private async counts(text: string, values: readonly unknown[]): Promise<Counts> {
    const result = await this.database.query<Partial<Counts>>(text, values);
    const row = result.rows[0] ?? {};
    return {
      roles: Number(row.roles ?? 0),
      permissions: Number(row.permissions ?? 0),
      users: Number(row.users ?? 0),
      created: Number(row.created ?? 0),
      changed: Number(row.changed ?? 0),
      primary_role: row.primary_role === true,
    };
  }
}

function unknownRole(role: string): RbacError {
  return new RbacError('not_found', `Role ${role} does not exist.`);
}

function unknownPermission(permission: string): RbacError {
  return new RbacError('not_found', `Permission ${permission} does not exist.`);
}

function unknownUser(subject: string): RbacError {
  return new RbacError('not_found', `No user has the subject ${subject}.`);
}
