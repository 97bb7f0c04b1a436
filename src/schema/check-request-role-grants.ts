import {
  catalogKey,
  type DatabaseCatalog,
  type FunctionOverload,
  type RelationInfo,
  type RelationKind,
} from '../db/catalog.ts';
import { quoteIdentifier } from '../db/quote-sql.ts';
import type { RequestRoles } from '../db/request-roles.ts';
import type { SchemaProblem } from './check-against-database.ts';
import type {
  CompiledMutation,
  CompiledQuery,
  CompiledSchema,
  OperationAccess,
} from './compiled-schema.ts';

type ExistingRelation = Extract<RelationInfo, { exists: true }>;

/**
 * Checks that the roles requests switch to may do what each operation asks of the database:
 * SELECT on every query's view (and on what a security_invoker view reads as the caller), and
 * EXECUTE on every mutation's function, with USAGE on the schemas holding them. A missing
 * grant is an error: the operation would answer "permission denied" to every such caller.
 *
 * Which roles: an operation that is `public` and injects no claim is run as the anonymous role
 * for callers without credentials and as the authenticated role for the others, so it needs
 * both; any other operation only ever runs as the authenticated role (anonymous callers are
 * refused before any SQL). Roles that do not exist are reported once, and not checked.
 *
 * Returns nothing when the catalog was loaded without request roles. Views and functions that
 * do not exist are left to the other checks.
 */
export function checkRequestRoleGrants(
  schema: CompiledSchema,
  catalog: DatabaseCatalog,
): SchemaProblem[] {
  const requestRoles = catalog.requestRoles;
  if (requestRoles === undefined) return [];

  const problems: SchemaProblem[] = [];
  const missingRoles = missingRolesProblem(requestRoles.missing);
  if (missingRoles !== undefined) problems.push(missingRoles);

  const grantee = (role: string): string => requestRoles.identifiers.get(role) ?? role;
  const context: GrantContext = { roles: requestRoles.roles, grantee };
  for (const query of Object.values(schema.queries)) {
    const relation = catalog.relations.get(catalogKey(query.sqlSource));
    if (relation === undefined || !relation.exists || relation.kind === 'other') continue;
    problems.push(...queryGrantProblems(query, relation, context));
  }
  for (const mutation of Object.values(schema.mutations)) {
    const overloads = catalog.functions.get(catalogKey(mutation.sqlFunction))?.overloads ?? [];
    for (const overload of overloads) {
      problems.push(...mutationGrantProblems(mutation, overload, context));
    }
  }
  return problems;
}

interface GrantContext {
  readonly roles: RequestRoles;
  /** A role's name as SQL text for a GRANT statement. */
  readonly grantee: (role: string) => string;
}

function missingRolesProblem(missing: readonly string[]): SchemaProblem | undefined {
  if (missing.length === 0) return undefined;
  const several = missing.length > 1;
  return {
    operation: `${several ? 'roles' : 'role'} ${missing.join(', ')}`,
    severity: 'error',
    message:
      `${several ? 'Roles' : 'Role'} ${missing.join(' and ')} ${several ? 'do' : 'does'} not ` +
      `exist, so requests cannot switch to ${several ? 'them' : 'it'} and no operation can run; ` +
      `the grants on views and functions were not checked for ${several ? 'them' : 'it'}. Run ` +
      `"fraiseql-ts migrate", which creates the request roles, then check again.`,
  };
}

/**
 * The roles an operation runs as. A public operation that injects claims refuses anonymous
 * callers before any SQL (MISSING_TOKEN), so only the authenticated role reaches the database.
 */
function rolesRunning(
  access: OperationAccess,
  inject: Readonly<Record<string, unknown>>,
  roles: RequestRoles,
): string[] {
  if (access.public && Object.keys(inject).length === 0) return [roles.anon, roles.authenticated];
  return [roles.authenticated];
}

function queryGrantProblems(
  query: CompiledQuery,
  relation: ExistingRelation,
  context: GrantContext,
): SchemaProblem[] {
  const operation = `query ${query.name}`;
  const problems: SchemaProblem[] = [];
  const running = rolesRunning(query.access, query.inject, context.roles);
  const existing = running.filter((role) => relation.privileges.has(role));
  const what = `${relation.kind} ${relation.sqlName}`;
  const callers = callersOf(existing, context.roles);

  const withoutUsage = existing.filter(
    (role) => relation.privileges.get(role)?.schemaUsage !== true,
  );
  if (withoutUsage.length > 0) {
    problems.push(
      schemaUsageProblem(operation, relation.schema, what, withoutUsage, context, callers),
    );
  }

  // The columns every read of the query touches; a role with column grants only needs these.
  const needed = [
    query.jsonbColumn,
    ...(relation.columns.has('id') ? ['id'] : []),
    ...Object.keys(query.inject),
    ...query.arguments.map((argument) => argument.storageKey),
  ].filter((column, index, all) => relation.columns.has(column) && all.indexOf(column) === index);
  const withoutSelect = existing.filter((role) => {
    const privilege = relation.privileges.get(role);
    if (privilege === undefined || privilege.select) return false;
    return needed.some((column) => !privilege.selectableColumns.has(column));
  });
  if (withoutSelect.length > 0) {
    const partial = withoutSelect
      .map((role) => {
        const columns = [...(relation.privileges.get(role)?.selectableColumns ?? [])];
        return columns.length === 0 ? '' : ` ${role} may SELECT only ${columns.join(', ')}.`;
      })
      .join('');
    problems.push({
      operation,
      severity: 'error',
      message:
        `${roleList(withoutSelect)} may not SELECT from ${what}, so query ${query.name} ` +
        `always fails with "permission denied for ${deniedKind(relation.kind)} ${relation.name}" ` +
        `${runsAs(withoutSelect, callers)}.${partial} Add to a migration: ` +
        `GRANT SELECT ON ${relation.sqlName} TO ${granteeList(withoutSelect, context)};`,
    });
  }

  for (const read of relation.invokerReads) {
    const target = `${read.kind} ${read.sqlName}`;
    const noUsage = existing.filter((role) => read.privileges.get(role)?.schemaUsage === false);
    if (noUsage.length > 0 && read.schema !== relation.schema) {
      problems.push(schemaUsageProblem(operation, read.schema, target, noUsage, context, callers));
    }
    const noSelect = existing.filter((role) => read.privileges.get(role)?.select === false);
    if (noSelect.length === 0) continue;
    problems.push({
      operation,
      severity: 'error',
      message:
        `${capitalise(what)} reads ${target} with the caller's privileges (security_invoker), ` +
        `and ${roleList(noSelect, false)} may not SELECT from it, so query ${query.name} always ` +
        `fails with "permission denied for ${deniedKind(read.kind)} ${read.name}" ` +
        `${runsAs(noSelect, callers)}. Add to a migration: GRANT SELECT ON ${read.sqlName} TO ` +
        `${granteeList(noSelect, context)}; (row-level security on it still decides which rows ` +
        `each caller sees).`,
    });
  }
  return problems;
}

function mutationGrantProblems(
  mutation: CompiledMutation,
  overload: FunctionOverload,
  context: GrantContext,
): SchemaProblem[] {
  const operation = `mutation ${mutation.name}`;
  const problems: SchemaProblem[] = [];
  const running = rolesRunning(mutation.access, mutation.inject, context.roles);
  const existing = running.filter((role) => overload.privileges.has(role));
  const routine = overload.kind === 'procedure' ? 'procedure' : 'function';
  const what = `${routine} ${overload.signature}`;
  const callers = callersOf(existing, context.roles);

  const withoutUsage = existing.filter(
    (role) => overload.privileges.get(role)?.schemaUsage !== true,
  );
  if (withoutUsage.length > 0) {
    problems.push(
      schemaUsageProblem(operation, overload.schema, what, withoutUsage, context, callers),
    );
  }
  const withoutExecute = existing.filter((role) => overload.privileges.get(role)?.execute !== true);
  if (withoutExecute.length > 0) {
    problems.push({
      operation,
      severity: 'error',
      message:
        `${roleList(withoutExecute)} may not EXECUTE ${what}, so mutation ${mutation.name} ` +
        `always fails with "permission denied for ${routine} ${overload.name}" ` +
        `${runsAs(withoutExecute, callers)}. Add to a migration: GRANT EXECUTE ON ` +
        `${routine.toUpperCase()} ${overload.signature} TO ` +
        `${granteeList(withoutExecute, context)};`,
    });
  }
  return problems;
}

function schemaUsageProblem(
  operation: string,
  schemaName: string,
  what: string,
  roles: readonly string[],
  context: GrantContext,
  callers: ReadonlyMap<string, string>,
): SchemaProblem {
  return {
    operation,
    severity: 'error',
    message:
      `${roleList(roles)} ${roles.length > 1 ? 'have' : 'has'} no USAGE on schema ` +
      `${schemaName}, which holds ${what}, so ${operation} always fails with "permission ` +
      `denied for schema ${schemaName}" ${runsAs(roles, callers)}. Add to a migration: GRANT ` +
      `USAGE ON SCHEMA ${sqlIdentifier(schemaName)} TO ${granteeList(roles, context)};`,
  };
}

/** Who runs an operation as each role, for the messages. */
function callersOf(roles: readonly string[], requestRoles: RequestRoles): Map<string, string> {
  const callers = new Map<string, string>();
  for (const role of roles) {
    callers.set(
      role,
      role === requestRoles.anon
        ? `anonymous callers (run as ${role}: the operation is public)`
        : `callers with credentials (run as ${role})`,
    );
  }
  return callers;
}

/** `(HTTP 403 "...") for <callers>`: who gets the error, as the client sees it. */
function runsAs(roles: readonly string[], callers: ReadonlyMap<string, string>): string {
  const who = roles.map((role) => callers.get(role) ?? `callers running as ${role}`);
  return `(HTTP 403 "User does not have permission") for ${who.join(' and ')}`;
}

function roleList(roles: readonly string[], capital = true): string {
  const word = roles.length > 1 ? 'roles' : 'role';
  return `${capital ? capitalise(word) : word} ${roles.join(' and ')}`;
}

function granteeList(roles: readonly string[], context: GrantContext): string {
  return roles.map(context.grantee).join(', ');
}

/** A schema name as SQL text: bare when it is a plain lowercase identifier, quoted otherwise. */
function sqlIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : quoteIdentifier(name);
}

/** How PostgreSQL's "permission denied for ..." names a relation kind. */
function deniedKind(kind: RelationKind): string {
  return kind === 'partitioned table' ? 'table' : kind;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
