import type { Database } from './database.ts';
import { quoteIdentifier, quoteLiteral } from './quote-sql.ts';
import { checkRoleName } from './request-settings.ts';

/** The two non-superuser roles request transactions switch to. */
export interface RequestRoles {
  /** For public operations called without credentials. Default `fraiseql_anon`. */
  readonly anon: string;
  /** For every authenticated request. Default `fraiseql_authenticated`. */
  readonly authenticated: string;
}

/** The default role names. */
export const DEFAULT_REQUEST_ROLES: RequestRoles = Object.freeze({
  anon: 'fraiseql_anon',
  authenticated: 'fraiseql_authenticated',
});

/** Thrown when the request roles cannot keep requests inside grants and row-level security. */
export class RequestRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestRoleError';
  }
}

/** Refuses malformed role names and one role used for both kinds of request. */
export function checkRequestRoleNames(roles: RequestRoles): void {
  checkRoleName(roles.anon, 'The anonymous role');
  checkRoleName(roles.authenticated, 'The authenticated role');
  if (roles.anon === roles.authenticated) {
    throw new RequestRoleError(
      `The anonymous and the authenticated role are both ${roles.anon}: anonymous callers ` +
        `would get every grant meant for signed-in users. Configure two different roles.`,
    );
  }
}

/**
 * SQL statements (for a script that already holds the migration lock) creating the roles as
 * NOLOGIN when missing, letting the current login role switch to them, and granting USAGE on
 * schemas `public` and `fraiseql`.
 *
 * Roles are cluster-wide and their names configurable, so this runs on every migrate instead
 * of being recorded once. Creation tolerates a concurrent run in another database of the same
 * cluster (advisory locks are per database). The grant is skipped when the login role can
 * already switch (superusers always can), since re-granting needs ADMIN OPTION.
 */
export function requestRoleSetupSql(roles: RequestRoles): string {
  checkRequestRoleNames(roles);
  const statements: string[] = [];
  for (const role of [roles.anon, roles.authenticated]) {
    const literal = quoteLiteral(role);
    const identifier = quoteIdentifier(role);
    statements.push(`DO $fraiseql_roles$
DECLARE
  can_switch boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${literal}) THEN
    BEGIN
      CREATE ROLE ${identifier} NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  -- PostgreSQL 16 split membership into INHERIT/SET/ADMIN; SET is what a role switch needs.
  IF current_setting('server_version_num')::int >= 160000 THEN
    can_switch := pg_catalog.pg_has_role(current_user, ${literal}, 'SET');
  ELSE
    can_switch := pg_catalog.pg_has_role(current_user, ${literal}, 'MEMBER');
  END IF;
  IF NOT can_switch THEN
    GRANT ${identifier} TO CURRENT_USER;
  END IF;
END
$fraiseql_roles$;`);
  }
  const both = `${quoteIdentifier(roles.anon)}, ${quoteIdentifier(roles.authenticated)}`;
  statements.push(`GRANT USAGE ON SCHEMA public TO ${both};`);
  statements.push(`GRANT USAGE ON SCHEMA fraiseql TO ${both};`);
  return statements.join('\n');
}

interface RoleRow {
  readonly rolname: string;
  readonly rolsuper: boolean;
  readonly rolbypassrls: boolean;
  readonly can_switch: boolean;
}

/**
 * Checks that both request roles exist, that neither is a superuser nor has BYPASSRLS (either
 * would silently skip row-level security), and that the login role can switch to them. Throws
 * a `RequestRoleError` listing every problem with its fix. Run it when the server starts.
 */
export async function checkRequestRoles(db: Database, roles: RequestRoles): Promise<void> {
  checkRequestRoleNames(roles);
  const result = await db.query<RoleRow>(
    `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
            CASE WHEN current_setting('server_version_num')::int >= 160000
                 THEN pg_catalog.pg_has_role(current_user, r.oid, 'SET')
                 ELSE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER') END AS can_switch
       FROM pg_catalog.pg_roles r
      WHERE r.rolname = ANY($1::text[])`,
    [[roles.anon, roles.authenticated]],
  );

  const problems: string[] = [];
  for (const role of [roles.anon, roles.authenticated]) {
    const row = result.rows.find((candidate) => candidate.rolname === role);
    if (row === undefined) {
      problems.push(`Role ${role} does not exist: run "fraiseql-ts migrate", which creates it.`);
      continue;
    }
    if (row.rolsuper || row.rolbypassrls) {
      problems.push(
        `Role ${role} is ${row.rolsuper ? 'a superuser' : 'allowed to bypass row-level security'}, ` +
          `so requests would skip row-level security: run ` +
          `ALTER ROLE ${quoteIdentifier(role)} NOSUPERUSER NOBYPASSRLS, or configure another role.`,
      );
    }
    if (!row.can_switch) {
      problems.push(
        `The login role cannot switch to ${role}: as a superuser run ` +
          `GRANT ${quoteIdentifier(role)} TO <login role>.`,
      );
    }
  }
  if (problems.length > 0) throw new RequestRoleError(problems.join('\n'));
}
