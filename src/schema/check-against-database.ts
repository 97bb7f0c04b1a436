import {
  catalogKey,
  loadCatalog,
  type DatabaseCatalog,
  type FunctionOverload,
  type OwnerReadTable,
  type RelationInfo,
} from '../db/catalog.ts';
import { checkFunctionCall, type FunctionCallInput } from '../db/check-function-call.ts';
import type { Database } from '../db/database.ts';
import type { RequestRoles } from '../db/request-roles.ts';
import { checkSettingName } from '../db/request-settings.ts';
import { checkRequestRoleGrants } from './check-request-role-grants.ts';
import type {
  CompiledMutation,
  CompiledQuery,
  CompiledSchema,
  QualifiedName,
  TypeRef,
} from './compiled-schema.ts';
import { returnsTenantScopedType, TENANT_KEY } from './tenant-scope.ts';

/** One thing wrong between the schema and the database, worded as what is wrong and what to do. */
export interface SchemaProblem {
  /** The operation concerned: `query posts`, `mutation createPost`, `type Post`. */
  readonly operation: string;
  readonly message: string;
  /** `error`: the operation cannot work as declared. `warning`: it works, but check this. */
  readonly severity: 'error' | 'warning';
}

/**
 * Loads the catalog entries `checkSchemaAgainstDatabase` (and the SQL layer) need, in one query.
 * With `requestRoles` (the server and `compile --database` always pass them) it also reads what
 * those roles may do with each view and function, so that missing grants are reported; without,
 * grants are not checked.
 */
export async function loadCatalogForSchema(
  db: Database,
  schema: CompiledSchema,
  requestRoles?: RequestRoles,
): Promise<DatabaseCatalog> {
  const relations: QualifiedName[] = Object.values(schema.queries).map((query) => query.sqlSource);
  for (const type of Object.values(schema.types)) {
    if (type.sqlSource !== undefined) relations.push(type.sqlSource);
  }
  const functions = Object.values(schema.mutations).map((mutation) => mutation.sqlFunction);
  return loadCatalog(db, {
    relations,
    functions,
    ...(requestRoles === undefined ? {} : { requestRoles }),
  });
}

/**
 * Compares a compiled schema with what the database holds: every query's view and its JSONB
 * column, every mutation's function (parameters and return type), the inject keys, and (when the
 * catalog was loaded with request roles) the grants those roles need. An inject key nothing
 * reads is a warning, except `tenant_id` on an operation returning a tenant-scoped type: tenant
 * scoping that filters nothing, or a function that cannot receive the tenant, is an error.
 * Errors first, in schema order.
 */
export function checkSchemaAgainstDatabase(
  schema: CompiledSchema,
  catalog: DatabaseCatalog,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const warnedViews = new Set<string>();

  for (const query of Object.values(schema.queries)) {
    problems.push(...checkQuery(query, schema, catalog, warnedViews));
  }
  for (const mutation of Object.values(schema.mutations)) {
    problems.push(...checkMutation(mutation, schema, catalog));
  }
  for (const type of Object.values(schema.types)) {
    if (type.sqlSource === undefined) continue;
    const relation = catalog.relations.get(catalogKey(type.sqlSource));
    if (relation !== undefined && !relation.exists) {
      problems.push({
        operation: `type ${type.name}`,
        severity: 'warning',
        message:
          `Type ${type.name} names view ${formatName(type.sqlSource)} as its source, which does ` +
          `not exist${searchPathNote(type.sqlSource, catalog)}. Create the view or correct the ` +
          `type's sql_source.`,
      });
    }
  }

  problems.push(...checkRequestRoleGrants(schema, catalog));

  const rank = (problem: SchemaProblem): number => (problem.severity === 'error' ? 0 : 1);
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => rank(a.problem) - rank(b.problem) || a.index - b.index)
    .map(({ problem }) => problem);
}

function checkQuery(
  query: CompiledQuery,
  schema: CompiledSchema,
  catalog: DatabaseCatalog,
  warnedViews: Set<string>,
): SchemaProblem[] {
  const operation = `query ${query.name}`;
  const problems: SchemaProblem[] = injectKeyProblems(operation, query.inject);
  const error = (message: string): SchemaProblem => ({ operation, severity: 'error', message });
  const warning = (message: string): SchemaProblem => ({ operation, severity: 'warning', message });
  const source = formatName(query.sqlSource);

  const relation: RelationInfo | undefined = catalog.relations.get(catalogKey(query.sqlSource));
  if (relation === undefined || !relation.exists) {
    problems.push(
      error(
        `View ${source} does not exist${searchPathNote(query.sqlSource, catalog)}. Create it ` +
          `(a view exposing id and a jsonb column ${query.jsonbColumn}) in a migration, or ` +
          `correct the query's sql_source.`,
      ),
    );
    return problems;
  }
  if (relation.kind === 'other') {
    problems.push(error(`${source} is not a view or a table. Point sql_source at a view.`));
    return problems;
  }

  const columnType = relation.columns.get(query.jsonbColumn);
  const columns = [...relation.columns.keys()].join(', ') || 'none';
  if (columnType === undefined) {
    problems.push(
      error(
        `${capitalise(relation.kind)} ${source} has no column ${query.jsonbColumn} (its columns: ` +
          `${columns}). Add a jsonb column named ${query.jsonbColumn} holding the object, or set ` +
          `the query's jsonb_column to the column that does.`,
      ),
    );
  } else if (columnType === 'json') {
    problems.push(
      warning(
        `Column ${query.jsonbColumn} of ${source} is json, not jsonb. It works, but PostgreSQL ` +
          `re-parses json on every access: build it with jsonb_build_object instead.`,
      ),
    );
  } else if (columnType !== 'jsonb') {
    problems.push(
      error(
        `Column ${query.jsonbColumn} of ${source} has type ${columnType}; it must be jsonb. ` +
          `Build it with jsonb_build_object(...) in the view.`,
      ),
    );
  }

  const tenantScoped = returnsTenantScopedType(schema, query.returnType);
  for (const key of Object.keys(query.inject)) {
    const message = unfilteredInjectMessage(query.name, key, relation);
    if (message === undefined) continue;
    // Tenant scoping that filters nothing serves every tenant's rows: that is an error, where
    // an unread claim elsewhere may be deliberate (a value only a function uses, say).
    if (tenantScoped && key === TENANT_KEY) {
      problems.push(error(`${unscopedTenantPreamble(query.returnType)} ${message}`));
    } else {
      problems.push(warning(message));
    }
  }

  const viewKey = `${relation.schema}.${relation.name}`;
  if (relation.kind === 'view' && !relation.securityInvoker && !warnedViews.has(viewKey)) {
    warnedViews.add(viewKey);
    problems.push(
      warning(
        `View ${source} runs with its owner's privileges (security_invoker is off), so row-level ` +
          `security on the tables it reads is checked against the owner, not the request role. ` +
          `If it relies on row-level security, recreate it WITH (security_invoker = true) ` +
          `(PostgreSQL 15+); if it filters rows itself through current_setting('app....'), ` +
          `this is fine.`,
      ),
    );
  }
  for (const table of relation.ownerReads) {
    const tableKey = `table ${table.schema}.${table.name}`;
    const message = ownerReadMessage(query.name, table);
    if (message === undefined || warnedViews.has(tableKey)) continue;
    warnedViews.add(tableKey);
    problems.push(warning(message));
  }
  return problems;
}

/**
 * Why an inject key filters nothing, or undefined when it does. A key that is a column of the
 * relation becomes a bound predicate on it. Otherwise it only reaches SQL as the setting
 * `app.<key>`, which filters rows only if something read with the relation reads it: the
 * view's definition or a view below it, a row-level security policy on a table it reads, or a
 * function one of those calls (the catalog's `settingReads`).
 */
function unfilteredInjectMessage(
  queryName: string,
  key: string,
  relation: Extract<RelationInfo, { exists: true }>,
): string | undefined {
  if (relation.columns.has(key)) return undefined;
  const setting = `app.${key}`.toLowerCase();
  if (relation.settingReads.some((read) => read.setting === setting)) return undefined;

  const name = `${relation.kind} ${relation.schema}.${relation.name}`;
  const isView = relation.kind === 'view';
  const readers = isView
    ? 'neither its definition, the views it reads, nor a row-level security policy on the ' +
      'tables it reads'
    : 'no row-level security policy on it';
  const where = isView
    ? "in the view's WHERE clause or in a row-level security policy (FOR SELECT) on the table " +
      'holding the rows'
    : 'in a row-level security policy (FOR SELECT) on it';
  return (
    `Nothing filters the rows of query ${queryName} by the injected claim ${key}: ${name} has ` +
    `no ${key} column, and ${readers} reads current_setting('app.${key}'). Every caller sees ` +
    `the same rows. Add a ${key} column to ${name} (the injected value then filters on it), or ` +
    `filter on nullif(current_setting('app.${key}', true), '') ${where}.`
  );
}

/**
 * Why rows of a table read with a view owner's rights are not filtered per caller: no policy
 * at all, or policies the owner bypasses. Undefined when row-level security applies to it.
 */
function ownerReadMessage(queryName: string, table: OwnerReadTable): string | undefined {
  const name = `${table.schema}.${table.name}`;
  const via = `view ${table.via.schema}.${table.via.name}`;
  const fix =
    `Recreate ${via} WITH (security_invoker = true) (PostgreSQL 15+) so that the request role's ` +
    `grants and policies apply, or make the view filter rows itself through ` +
    `current_setting('app....', true).`;
  if (!table.rowSecurity || table.policies === 0) {
    return (
      `Table ${name} has no row-level security policy, and ${via} reads it with the rights of ` +
      `its owner (role ${table.reader}; security_invoker is off): every caller of query ` +
      `${queryName} can read any row of ${name} the view selects. Enable row-level security on ` +
      `${name} with policies, and ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`
    );
  }
  if (table.readerBypassesRowSecurity) {
    return (
      `Table ${name} has row-level security policies, but ${via} reads it as its owner ` +
      `${table.reader}, who bypasses them (a superuser, BYPASSRLS, or the table's owner without ` +
      `FORCE ROW LEVEL SECURITY): they do not filter what query ${queryName} returns. ${fix}`
    );
  }
  return undefined;
}

function checkMutation(
  mutation: CompiledMutation,
  schema: CompiledSchema,
  catalog: DatabaseCatalog,
): SchemaProblem[] {
  const operation = `mutation ${mutation.name}`;
  const problems = injectKeyProblems(operation, mutation.inject);
  const info = catalog.functions.get(catalogKey(mutation.sqlFunction));
  const overloads: readonly FunctionOverload[] = info?.overloads ?? [];
  if (overloads.length === 0) {
    problems.push({
      operation,
      severity: 'error',
      message:
        `Function ${formatName(mutation.sqlFunction)} does not exist` +
        `${searchPathNote(mutation.sqlFunction, catalog)}. Create it in a migration, or ` +
        `correct the mutation's sql_source.`,
    });
    return problems;
  }
  const tenantMiss = unboundTenantMessage(mutation, schema, overloads);
  if (tenantMiss !== undefined) {
    // The generic finding (a call by position) would say the same less clearly.
    problems.push({ operation, severity: 'error', message: tenantMiss });
    return problems;
  }
  for (const finding of checkFunctionCall(mutationInputs(mutation, schema), overloads)) {
    problems.push({ operation, ...finding });
  }
  return problems;
}

/** The opening of every message about tenant scoping that does not scope. */
function unscopedTenantPreamble(typeName: string): string {
  return (
    `${typeName} is tenant_scoped, so ${TENANT_KEY} is injected from the token ` +
    `(jwt:${TENANT_KEY} unless the operation injects ${TENANT_KEY} itself), but it scopes ` +
    `nothing here.`
  );
}

/**
 * Why a mutation returning a tenant-scoped type cannot receive the tenant, or undefined when it
 * can. An injected value reaches a function only as the parameter named after it: a function
 * without a \`${TENANT_KEY}\` (or \`p_${TENANT_KEY}\`) parameter would still see
 * \`app.${TENANT_KEY}\`, but nothing can check that it reads it, so such a call is refused, as it
 * is for any injected key (see \`checkFunctionCall\`).
 */
function unboundTenantMessage(
  mutation: CompiledMutation,
  schema: CompiledSchema,
  overloads: readonly FunctionOverload[],
): string | undefined {
  if (!returnsTenantScopedType(schema, mutation.returnType)) return undefined;
  if (!(TENANT_KEY in mutation.inject)) return undefined;
  const [only, ...others] = overloads;
  if (only === undefined || others.length > 0) return undefined;
  const names = new Set([TENANT_KEY, `p_${TENANT_KEY}`]);
  const receives = only.parameters.some(
    (parameter) =>
      parameter.mode !== 'out' && parameter.mode !== 'table' && names.has(parameter.name),
  );
  if (receives) return undefined;
  return (
    `${unscopedTenantPreamble(mutation.returnType)} ${only.signature} has no parameter ` +
    `${TENANT_KEY} or p_${TENANT_KEY}, and an injected value is only passed to the parameter ` +
    `named after it. Add a parameter p_${TENANT_KEY} and write it with the row (or check the ` +
    `row belongs to it), so that a caller can only write to their own tenant.`
  );
}

/**
 * What the SQL call passes, in order: with `flatten` and a single input-object argument, one
 * value per input field; otherwise one per argument; then the inject keys.
 */
function mutationInputs(mutation: CompiledMutation, schema: CompiledSchema): FunctionCallInput[] {
  const inputs: FunctionCallInput[] = [];
  const [only] = mutation.arguments;
  const onlyType = only === undefined ? undefined : schema.inputTypes[namedType(only.type)];
  if (
    mutation.inputStyle === 'flatten' &&
    mutation.arguments.length === 1 &&
    onlyType !== undefined
  ) {
    for (const field of onlyType.fields) {
      inputs.push({
        key: field.storageKey,
        isObject: namedType(field.type) in schema.inputTypes,
        injected: false,
      });
    }
  } else {
    for (const argument of mutation.arguments) {
      inputs.push({
        key: argument.storageKey,
        isObject: namedType(argument.type) in schema.inputTypes,
        injected: false,
      });
    }
  }
  for (const key of Object.keys(mutation.inject))
    inputs.push({ key, isObject: false, injected: true });
  return inputs;
}

function injectKeyProblems(
  operation: string,
  inject: Readonly<Record<string, unknown>>,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const key of Object.keys(inject)) {
    try {
      checkSettingName(`app.${key}`);
    } catch {
      problems.push({
        operation,
        severity: 'error',
        message:
          `Inject key ${key} cannot become the transaction setting app.${key}: inject keys must ` +
          `be lowercase SQL identifiers (letters, digits, underscores). Rename it, e.g. ` +
          `${key
            .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
            .toLowerCase()
            .replace(/[^a-z0-9_]/g, '_')}.`,
      });
    }
  }
  return problems;
}

function namedType(type: TypeRef): string {
  return type.kind === 'named' ? type.name : namedType(type.of);
}

function formatName(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}

function searchPathNote(name: QualifiedName, catalog: DatabaseCatalog): string {
  if (name.schema !== undefined) return '';
  return ` in any schema on the search_path (${catalog.searchPath.join(', ') || 'empty'})`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
