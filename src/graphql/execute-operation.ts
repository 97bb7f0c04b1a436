import { execute, getVariableValues, Kind, type GraphQLError, type GraphQLSchema } from 'graphql';

import type { Caller } from '../auth/principal.ts';
import type { Database, QueryResult, SqlStatement } from '../db/database.ts';
import { PublicError } from '../errors/public-error.ts';
import type { CompiledSchema } from '../schema/compiled-schema.ts';
import type { FilterBudget } from '../sql/filter-budget.ts';
import { callerAccess, type CallerAccess, type RoleScopes } from './access/caller-access.ts';
import { authorizeSelection, fieldAuthorizerFor, type MaskedField } from './access/authorize-selection.ts';
import type { SubjectPermissions } from './access/subject-permissions.ts';
import type { VisibleSchemas } from './access/visible-schema.ts';
import { authorizeOperation } from './authorize-operation.ts';
import { authorizePermissions, permissionsUsableBy } from './authorize-permissions.ts';
import { runBuiltinFields } from './builtin-root-field.ts';
import { errorsBody, graphqlErrorEntry, publicErrorEntry, type ErrorEntry } from './error-body.ts';
import { resolveInjectedValues, type InjectedValue } from './inject-values.ts';
import type { OperationPlan } from './operation-plan.ts';
import type { PlanCache } from './plan-cache.ts';
import { readResultJson, type RootFieldResult } from './read-root-field-result.ts';
import { enforceRequestFilterBudget } from './request-filter-budget.ts';
import { statementCacheOf, type RootFieldStatementCache } from './root-field-statement-cache.ts';
import { resolveRootFields, type ResolvedRootField } from './resolve-root-fields.ts';
import type { RuntimeCatalog } from './runtime-catalog.ts';

/** Everything the executor reads; built once at server start. */
export interface ExecutorContext {
  readonly compiled: CompiledSchema;
  readonly schema: GraphQLSchema;
  readonly plans: PlanCache;
  readonly database: Database;
  readonly catalog: RuntimeCatalog;
  /** Roles the request transaction switches to. */
  readonly roles: { readonly anonymous: string; readonly authenticated: string };
  readonly statementTimeoutMs: number;
  readonly maxPageSize: number;
  /**
   * Most characters in the value of a `where` pattern operator (`like ilike contains icontains
   * startswith endswith`), from `[limits] max_pattern_length`. Default 1000.
   */
  readonly maxPatternLength?: number;
  /**
   * How much `where` filtering one request may ask for, all its root fields together, from
   * `[limits] max_filter_conditions` and `max_pattern_budget`. Default `DEFAULT_FILTER_BUDGET`
   * (200 conditions, 10,000 pattern characters).
   */
  readonly filterBudget?: FilterBudget;
  readonly introspection: boolean;
  /** Role -> scopes it grants (`[security.roles]`). */
  readonly roleScopes: RoleScopes;
  /** The schema each caller's introspection sees. */
  readonly visibleSchemas: VisibleSchemas;
  /** Maps a database error to the public error clients see (the log keeps the original). */
  readonly mapDatabaseError: (error: unknown) => PublicError;
  /**
   * Database permissions for `requiresPermission`. Default: none, and every operation that
   * requires a permission is refused.
   */
  readonly permissions?: SubjectPermissions;
  /**
   * The root fields' statement cache. Default: one made for this context on first use, keeping
   * 32 statements per root field of each plan within `DEFAULT_STATEMENT_CACHE_LIMITS` (32 MiB).
   */
  readonly statements?: RootFieldStatementCache;
}

export interface GraphQLRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
  readonly method: 'GET' | 'POST';
}

export interface GraphQLResult {
  /** HTTP status under the application/graphql-response+json rules. */
  readonly status: number;
  /** HTTP status when answering with plain application/json (200 for GraphQL request errors). */
  readonly legacyStatus: number;
  /** The response body, JSON text. */
  readonly body: string;
  /** The error that ended the request, for logs and the WWW-Authenticate header. */
  readonly error?: PublicError;
  /** The original cause when it was not a PublicError (logged, never sent). */
  readonly cause?: unknown;
  readonly operationName?: string;
}

/**
 * Runs one GraphQL request for an authenticated (or anonymous) caller: plan from cache,
 * variables, authorization of every root field, then one database transaction holding every
 * root field's statement, and the response assembled from the JSON the database built.
 */
export async function executeOperation(
  context: ExecutorContext,
  request: GraphQLRequest,
  caller: Caller,
  requestId: string,
): Promise<GraphQLResult> {
  const planned = context.plans.get(request.query, request.operationName);
  if (!planned.ok) {
    const { failure } = planned;
    if (failure.kind === 'operation') {
      return failed(new PublicError('OPERATION_NOT_FOUND', { message: failure.message }), requestId, 200);
    }
    const reason = failure.kind === 'parse' ? 'PARSE_ERROR' : 'VALIDATION_ERROR';
    const entries = failure.errors.map((error) => graphqlErrorEntry(error, reason, requestId));
    return { status: 400, legacyStatus: 200, body: errorsBody(entries) };
  }
  const { plan } = planned;
  const operationName = plan.operation.name?.value;

  try {
    if (request.method === 'GET' && plan.kind === 'mutation') throw new PublicError('MUTATION_OVER_GET');

    const coerced = getVariableValues(
      context.schema,
      plan.operation.variableDefinitions ?? [],
      request.variables,
      { maxErrors: 20 },
    );
    if (coerced.errors !== undefined) {
      const entries = coerced.errors.map((error: GraphQLError) => graphqlErrorEntry(error, 'BAD_USER_INPUT', requestId));
      return { status: 400, legacyStatus: 200, body: errorsBody(entries), operationName };
    }

    const fields = resolveRootFields(plan, context.schema, context.compiled, coerced.coerced);
    // Before anything reads the database (permissions, built-in fields, statements).
    enforceRequestFilterBudget(context, fields);
    const access = callerAccess(caller, context.roleScopes);
    const builtinCalls = fields.flatMap((field) => (field.kind === 'builtin' ? [field] : []));
    const sqlFieldCount = fields.filter((field) => field.kind === 'query' || field.kind === 'mutation').length;
    const builtins = await runBuiltinFields(context.schema, plan, builtinCalls, sqlFieldCount, request.variables, {
      caller,
      requestId,
    });
    const { results, masked } = await runRootFields(context, plan, fields, access);
    const introspected = { ...(await introspect(context, plan, fields, request, access)), ...builtins };

    const errors: ErrorEntry[] = masked.map((field) => maskedEntry(field, requestId));
    const parts: string[] = [];
    fields.forEach((field, index) => {
      const value = valueOf(context, field, results[index], introspected);
      if (value.error !== undefined) errors.push(publicErrorEntry(value.error, requestId, [field.responseKey]));
      parts.push(`${JSON.stringify(field.responseKey)}:${value.json}`);
    });
    const data = `{${parts.join(',')}}`;
    const body = errors.length === 0 ? `{"data":${data}}` : errorsBody(errors, data);
    return { status: 200, legacyStatus: 200, body, ...(operationName === undefined ? {} : { operationName }) };
  } catch (error) {
    const publicError = error instanceof PublicError ? error : context.mapDatabaseError(error);
    return {
      ...failed(publicError, requestId, publicError.status),
      ...(error instanceof PublicError ? {} : { cause: error }),
      ...(operationName === undefined ? {} : { operationName }),
    };
  }
}

function failed(error: PublicError, requestId: string, legacyStatus: number): GraphQLResult {
  return {
    status: error.status,
    legacyStatus: error.status === 400 ? legacyStatus : error.status,
    body: errorsBody([publicErrorEntry(error, requestId)]),
    error,
  };
}

/**
 * Authorizes every root field, then sends all statements in one transaction. Nothing runs
 * unless every root field is allowed: a denied field fails the whole operation.
 */
async function runRootFields(
  context: ExecutorContext,
  plan: OperationPlan,
  fields: readonly ResolvedRootField[],
  access: CallerAccess,
): Promise<{ results: (QueryResult | undefined)[]; masked: MaskedField[] }> {
  const statements: SqlStatement[] = [];
  const statementIndex: (number | undefined)[] = [];
  const settings: Record<string, string> = {};
  const masked: MaskedField[] = [];
  const caller = access.caller;
  const authorizeField = fieldAuthorizerFor(access);
  const statementCache = statementCacheOf(context);

  for (const field of fields) {
    if (field.kind !== 'query' && field.kind !== 'mutation') {
      statementIndex.push(undefined);
      continue;
    }
    const operation = field.kind === 'query' ? field.query : field.mutation;
    authorizeOperation(operation.name, operation.access, access);
    await authorizePermissions(operation.name, operation.access, access, context.permissions);
    const authorized = authorizeSelection(
      context.compiled,
      operation.returnType,
      field.selection,
      access,
      field.responseKey,
    );
    masked.push(...authorized.masked);
    const injected = resolveInjectedValues(operation.name, operation.inject, caller);
    addSettings(settings, injected);
    statementIndex.push(statements.length);
    statements.push(
      statementCache.statementFor(
        context,
        plan,
        { ...field, selection: authorized.selection },
        injected,
        authorizeField,
      ),
    );
  }
  if (statements.length === 0) return { results: fields.map(() => undefined), masked };

  const role = caller.kind === 'authenticated' ? context.roles.authenticated : context.roles.anonymous;
  const results = await context.database.runInRequestTransaction(
    { role, settings, statementTimeoutMs: context.statementTimeoutMs },
    statements,
  );
  return { results: statementIndex.map((index) => (index === undefined ? undefined : results[index])), masked };
}

/** The error entry beside a masked field's null: the client can tell "not allowed" from "no value". */
function maskedEntry(field: MaskedField, requestId: string): ErrorEntry {
  const error = new PublicError('INSUFFICIENT_SCOPE', {
    extensions: { reason: 'FIELD_MASKED', requiredScopes: field.requiredScopes, field: field.field },
  });
  return publicErrorEntry(error, requestId, field.path);
}

/** Every injected value is also the transaction-local setting `app.<name>`. */
function addSettings(settings: Record<string, string>, injected: readonly InjectedValue[]): void {
  for (const { name, value } of injected) {
    const key = `app.${name}`;
    const existing = settings[key];
    if (existing !== undefined && existing !== value) {
      throw new PublicError('BAD_REQUEST', { message: `Two root fields of this request inject different values as ${key}. Ask for them in separate requests.` });
    }
    settings[key] = value;
  }
}

function valueOf(
  context: ExecutorContext,
  field: ResolvedRootField,
  result: QueryResult | undefined,
  introspected: Readonly<Record<string, unknown>>,
): RootFieldResult {
  switch (field.kind) {
    case 'typename':
      return { json: JSON.stringify(field.typeName) };
    case 'schemaHash':
      return { json: JSON.stringify(context.compiled.contentHash) };
    case 'introspection':
    case 'builtin':
      return { json: JSON.stringify(introspected[field.responseKey] ?? null) };
    case 'query':
    case 'mutation':
      if (result === undefined) throw new Error(`No result for ${field.responseKey}`);
      return readResultJson(context, field, result);
  }
}

/**
 * The database permissions the caller may use (an API key: only those its scopes name), for
 * introspection to show the operations it may call; read only when some operation requires
 * one (and then from the permission cache).
 */
async function heldPermissions(
  context: ExecutorContext,
  access: CallerAccess,
): Promise<ReadonlySet<string>> {
  const none: ReadonlySet<string> = new Set();
  if (access.caller.kind === 'anonymous' || context.permissions === undefined) return none;
  const operations = [...Object.values(context.compiled.queries), ...Object.values(context.compiled.mutations)];
  if (!operations.some((operation) => operation.access.requiresPermission.length > 0)) return none;
  return permissionsUsableBy(access, await context.permissions.permissionsOf(access.caller.principal.subject));
}

/**
 * Runs `__schema`/`__type` root fields through graphql-js when introspection is allowed,
 * against the schema this caller may see (operations it may call, fields it may read).
 */
async function introspect(
  context: ExecutorContext,
  plan: OperationPlan,
  fields: readonly ResolvedRootField[],
  request: GraphQLRequest,
  access: CallerAccess,
): Promise<Readonly<Record<string, unknown>>> {
  const nodes = fields.flatMap((field) => (field.kind === 'introspection' ? [field.node] : []));
  if (nodes.length === 0) return {};
  if (!context.introspection) throw new PublicError('INTROSPECTION_DISABLED');

  const document = {
    kind: Kind.DOCUMENT,
    definitions: [
      { ...plan.operation, selectionSet: { kind: Kind.SELECTION_SET, selections: nodes } },
      ...Object.values(plan.fragments),
    ],
  } as const;
  const result = await execute({
    schema: context.visibleSchemas.forCaller(access, await heldPermissions(context, access)),
    document,
    variableValues: request.variables,
  });
  if (result.errors !== undefined && result.errors.length > 0) {
    throw new PublicError('BAD_REQUEST', { message: result.errors.map((error) => error.message).join('; ') });
  }
  return result.data ?? {};
}
