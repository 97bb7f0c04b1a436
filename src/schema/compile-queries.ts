import { compileInject, compileOperationAccess } from './compile-access.ts';
import type { CompileContext } from './compile-context.ts';
import { compileArguments, compileReturnType } from './compile-operation-parts.ts';
import { identifierMessage } from './compile-types.ts';
import type { AutoParams, CompiledQuery, QualifiedName } from './compiled-schema.ts';
import type { IrArgument, IrQuery } from './schema-json-shapes.ts';
import { isSqlIdentifier, parseQualifiedName } from './sql-identifier.ts';
import { isTenantScopedType, tenantScopeLayers } from './tenant-scope.ts';

type AutoParamName = keyof AutoParams;
type MutableAutoParams = { -readonly [Name in AutoParamName]: boolean };

/** Explicit argument names that stand for an automatic list argument. */
const AUTO_PARAM_ARGUMENTS: ReadonlyMap<string, AutoParamName> = new Map([
  ['where', 'where'],
  ['orderBy', 'orderBy'],
  ['order_by', 'orderBy'],
  ['limit', 'limit'],
  ['offset', 'offset'],
]);

/** How each automatic argument is spelt in `auto_params`. */
const AUTO_PARAM_KEYS: Readonly<Record<AutoParamName, 'where' | 'order_by' | 'limit' | 'offset'>> =
  {
    where: 'where',
    orderBy: 'order_by',
    limit: 'limit',
    offset: 'offset',
  };

/** FraiseQL's Relay and vector arguments, which fraiseql-ts does not serve. */
const UNSUPPORTED_ARGUMENTS = new Set(['first', 'last', 'after', 'before', 'nearest']);

const NO_AUTO_PARAMS: AutoParams = { where: false, orderBy: false, limit: false, offset: false };

/**
 * Compiles `queries`. `listDefaults` are the automatic arguments a list query gets unless its
 * own `auto_params` says otherwise.
 */
export function compileQueries(
  ctx: CompileContext,
  listDefaults: AutoParams,
): Record<string, CompiledQuery> {
  const queries: Record<string, CompiledQuery> = {};
  for (const query of ctx.ir.queries) {
    const where = `queries[${query.name}]`;
    if (!ctx.checkName(query.name, where, 'the query name')) continue;
    if (query.name in queries) {
      ctx.problem(where, `the query "${query.name}" is declared twice`);
      continue;
    }
    const compiled = compileQuery(ctx, query, listDefaults, where);
    if (compiled !== undefined) queries[query.name] = compiled;
  }
  return queries;
}

function compileQuery(
  ctx: CompileContext,
  query: IrQuery,
  listDefaults: AutoParams,
  where: string,
): CompiledQuery | undefined {
  const shape = compileReturnType(ctx, query, where);
  const sqlSource = compileViewName(ctx, query, shape?.typeName, where);
  const jsonbColumn = query.jsonb_column ?? 'data';
  if (!isSqlIdentifier(jsonbColumn)) {
    ctx.problem(`${where}.jsonb_column`, identifierMessage(jsonbColumn, 'column'));
  }

  const returnsList = shape?.returnsList ?? false;
  const autoParams: MutableAutoParams = returnsList
    ? { ...listDefaults, ...ownAutoParams(query) }
    : { ...NO_AUTO_PARAMS };
  if (!returnsList && Object.values(ownAutoParams(query)).includes(true)) {
    ctx.problem(
      `${where}.auto_params`,
      'automatic arguments only exist on list queries: remove auto_params or set "returns_list": true',
    );
  }
  const filters = mapAutoParamArguments(ctx, query, returnsList, autoParams, where);
  const args = compileArguments(ctx, filters, where);

  const inject = compileInject(
    ctx,
    [
      { origin: 'inject_defaults.base', entries: ctx.ir.inject_defaults?.base ?? {} },
      { origin: 'inject_defaults.queries', entries: ctx.ir.inject_defaults?.queries ?? {} },
      ...tenantScopeLayers(ctx, shape?.typeName),
      { origin: `${where}.inject_params`, entries: query.inject_params },
    ],
    args.keys,
    `query "${query.name}"`,
  );
  const access = compileOperationAccess(
    ctx,
    query,
    Object.keys(inject),
    where,
    isTenantScopedType(ctx, shape?.typeName) ? shape?.typeName : undefined,
  );

  if (returnsList && !autoParams.limit) {
    ctx.warn(
      where,
      'the list has no limit argument, so clients cannot choose a page size or page through it',
    );
  }
  if (!returnsList && args.arguments.length === 0 && Object.keys(inject).length === 0) {
    ctx.warn(
      where,
      'a single-object query without arguments or inject returns an arbitrary first row',
    );
  }

  if (shape === undefined || sqlSource === undefined) return undefined;
  return {
    name: query.name,
    ...(query.description === undefined ? {} : { description: query.description }),
    returnType: shape.typeName,
    returnsList,
    nullable: query.nullable,
    sqlSource,
    jsonbColumn,
    arguments: args.arguments,
    autoParams,
    inject,
    access,
  };
}

/** The query's view: its own `sql_source`, else the `sql_source` of the type it returns. */
function compileViewName(
  ctx: CompileContext,
  query: IrQuery,
  typeName: string | undefined,
  where: string,
): QualifiedName | undefined {
  const declared =
    query.sql_source ?? ctx.ir.types.find((type) => type.name === typeName)?.sql_source;
  if (declared === undefined) {
    if (typeName !== undefined) {
      ctx.problem(
        where,
        `no view to read: add "sql_source" (e.g. "v_${typeName.toLowerCase()}") to the query or to type "${typeName}"`,
      );
    }
    return undefined;
  }
  const name = parseQualifiedName(declared);
  if (name === undefined) ctx.problem(`${where}.sql_source`, identifierMessage(declared, 'view'));
  return name;
}

function ownAutoParams(query: IrQuery): Partial<AutoParams> {
  const own = query.auto_params;
  if (own === undefined) return {};
  const result: Partial<MutableAutoParams> = {};
  for (const [name, key] of Object.entries(AUTO_PARAM_KEYS) as [AutoParamName, string][]) {
    const value = own[key as keyof typeof own];
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/**
 * Explicit arguments named like an automatic argument declare that argument rather than a
 * filter (FraiseQL's golden schema declares `limit: Int = 10` on a list query this way):
 *
 * - `limit` and `offset` stay in `arguments` (they must be `Int`), switch the automatic argument
 *   on, and their `default` is what applies when the client passes none: a `limit` default is
 *   the query's default page size. Consumers skip these names when building equality filters.
 * - `where` and `orderBy` (or `order_by`) are replaced by the generated automatic argument,
 *   whose input type the runtime derives; a `default` for them is refused.
 * - On a single-object query these names, and Relay's `first`/`after`/..., are refused: they
 *   would read as filters on a column of that name, which is almost never what was meant.
 *
 * Returns the arguments left to compile as ordinary arguments.
 */
function mapAutoParamArguments(
  ctx: CompileContext,
  query: IrQuery,
  returnsList: boolean,
  autoParams: MutableAutoParams,
  where: string,
): IrArgument[] {
  const remaining: IrArgument[] = [];
  for (const arg of query.arguments) {
    const argWhere = `${where}.arguments[${arg.name}]`;
    const auto = AUTO_PARAM_ARGUMENTS.get(arg.name);
    if (UNSUPPORTED_ARGUMENTS.has(arg.name)) {
      ctx.problem(
        argWhere,
        `"${arg.name}" is a Relay argument, which fraiseql-ts does not serve: page with limit and offset`,
      );
    } else if (auto === undefined) {
      remaining.push(arg);
    } else if (!returnsList) {
      ctx.problem(
        argWhere,
        `"${arg.name}" is reserved for the automatic arguments of list queries; rename the argument`,
      );
    } else if (query.auto_params?.[AUTO_PARAM_KEYS[auto]] === false) {
      ctx.problem(
        argWhere,
        `the argument declares "${auto}" but auto_params.${AUTO_PARAM_KEYS[auto]} is false; remove one of them`,
      );
    } else {
      autoParams[auto] = true;
      if (auto === 'limit' || auto === 'offset') {
        if (checkPagingArgument(ctx, arg, auto, argWhere)) {
          remaining.push(arg);
          const fallback =
            arg.default === undefined || arg.default === null
              ? ''
              : ` (default ${JSON.stringify(arg.default)})`;
          ctx.warn(argWhere, `served as the automatic "${auto}" argument${fallback}`);
        }
      } else if (arg.default !== undefined) {
        ctx.problem(
          `${argWhere}.default`,
          `a default for "${arg.name}" is not supported; remove it`,
        );
      } else {
        ctx.warn(
          argWhere,
          `served as the automatic "${auto}" argument with its generated input type`,
        );
      }
    }
  }
  return remaining;
}

function checkPagingArgument(
  ctx: CompileContext,
  arg: IrArgument,
  auto: 'limit' | 'offset',
  where: string,
): boolean {
  const parsed = arg.type.replace(/[\s!]/g, '');
  if (parsed !== 'Int') {
    ctx.problem(
      `${where}.type`,
      `"${arg.name}" is the automatic ${auto} argument and must be of type Int`,
    );
    return false;
  }
  const minimum = auto === 'limit' ? 1 : 0;
  if (
    arg.default !== undefined &&
    arg.default !== null &&
    !(Number.isInteger(arg.default) && (arg.default as number) >= minimum)
  ) {
    ctx.problem(
      `${where}.default`,
      `the default ${auto} must be an integer of at least ${minimum}`,
    );
    return false;
  }
  return true;
}
