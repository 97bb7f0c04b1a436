import type { SqlStatement } from '../db/database.ts';
import { PublicError } from '../errors/public-error.ts';
import type { CompiledArgument, CompiledInputType, CompiledSchema, TypeRef } from '../schema/compiled-schema.ts';
import { buildMutationStatement, type MutationValue } from '../sql/mutation-statement.ts';
import type { FieldAuthorizer } from '../sql/field-authorizer.ts';
import { buildReadStatement, type EqualityFilter } from '../sql/read-statement.ts';
import { AUTO_PARAM_NAMES } from './build-graphql-schema.ts';
import type { ExecutorContext } from './execute-operation.ts';
import type { InjectedValue } from './inject-values.ts';
import type { ResolvedRootField } from './resolve-root-fields.ts';

const AUTO_PARAMS: ReadonlySet<string> = new Set(AUTO_PARAM_NAMES);

/** The SQL for one query or mutation root field. Values come only from arguments and claims. */
export function buildRootFieldStatement(
  context: ExecutorContext,
  field: Extract<ResolvedRootField, { kind: 'query' | 'mutation' }>,
  injected: readonly InjectedValue[],
  authorizeField: FieldAuthorizer,
): SqlStatement {
  return field.kind === 'query'
    ? queryStatement(context, field, injected, authorizeField)
    : mutationStatement(context, field, injected);
}

function queryStatement(
  context: ExecutorContext,
  field: Extract<ResolvedRootField, { kind: 'query' }>,
  injected: readonly InjectedValue[],
  authorizeField: FieldAuthorizer,
): SqlStatement {
  const { query, args } = field;
  const type = context.compiled.types[query.returnType];
  if (type === undefined) throw new Error(`No compiled type ${query.returnType}`);
  const columns = context.catalog.columnsOf(query.sqlSource);

  const equalities: EqualityFilter[] = [];
  for (const argument of query.arguments) {
    if (AUTO_PARAMS.has(argument.name)) continue;
    const value = ownValue(args, argument.name);
    if (value === undefined) continue;
    if (argument.type.kind === 'list') {
      throw new PublicError('BAD_USER_INPUT', {
        message: `Argument ${argument.name} is a list; list arguments cannot filter rows. Use where with in.`,
      });
    }
    equalities.push({
      storageKey: argument.storageKey,
      scalar: argument.type.name,
      value,
      argument: argument.name,
    });
  }
  // An injected value filters on the view column of that name when there is one; it always
  // reaches SQL as the setting app.<name> as well (see execute-operation.ts).
  for (const { name, value } of injected) {
    if (columns.has(name)) equalities.push({ storageKey: name, scalar: 'String', value });
  }

  return buildReadStatement({
    source: query.sqlSource,
    jsonbColumn: query.jsonbColumn,
    type,
    schema: context.compiled,
    columns,
    selection: field.selection,
    single: !query.returnsList,
    equalities,
    authorizeField,
    ...(context.maxPatternLength === undefined ? {} : { maxPatternLength: context.maxPatternLength }),
    ...(query.returnsList ? listParameters(context, field.query.name, args) : {}),
  });
}

/**
 * Paging for a list. Without `limit` the query asks for one row more than the page cap, so the
 * result reader can refuse an over-long answer instead of cutting it silently.
 */
function listParameters(
  context: ExecutorContext,
  name: string,
  args: Readonly<Record<string, unknown>>,
): { where?: unknown; orderBy?: unknown; limit: number; offset?: number } {
  const { maxPageSize } = context;
  const limit = args.limit;
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
      throw new PublicError('BAD_USER_INPUT', { message: `limit must be a whole number, 0 or more.` });
    }
    if (limit > maxPageSize) {
      throw new PublicError('BAD_USER_INPUT', {
        message: `limit ${limit} on ${name} exceeds the maximum page size of ${maxPageSize}; page with limit and offset.`,
        extensions: { maxPageSize },
      });
    }
  }
  const offset = args.offset;
  if (offset !== undefined && offset !== null && (typeof offset !== 'number' || offset < 0)) {
    throw new PublicError('BAD_USER_INPUT', { message: `offset must be a whole number, 0 or more.` });
  }
  const where = args.where;
  if (where === null) {
    throw new PublicError('EMPTY_FILTER', {
      message: `where is null on ${name}: a null filter would match every row. Omit where, or give conditions.`,
    });
  }
  return {
    ...(where === undefined ? {} : { where }),
    ...(args.orderBy === undefined || args.orderBy === null ? {} : { orderBy: args.orderBy }),
    limit: typeof limit === 'number' ? limit : maxPageSize + 1,
    ...(typeof offset === 'number' ? { offset } : {}),
  };
}

function mutationStatement(
  context: ExecutorContext,
  field: Extract<ResolvedRootField, { kind: 'mutation' }>,
  injected: readonly InjectedValue[],
): SqlStatement {
  const { mutation, args } = field;
  return buildMutationStatement({
    shape: context.catalog.functionShape(mutation.sqlFunction),
    arguments: mutationArguments(context.compiled, mutation.arguments, mutation.inputStyle, args),
    inject: injected.map(({ name, value }) => ({ name, value })),
    selection: field.selection,
    returnsList: mutation.returnsList,
  });
}

/**
 * Argument values in declaration order, keyed by storage key. With input style `flatten`, a
 * single input-object argument is spread into one value per input field (FraiseQL's default).
 * Input objects passed whole are re-keyed to their snake_case storage keys.
 */
function mutationArguments(
  schema: CompiledSchema,
  declared: readonly CompiledArgument[],
  inputStyle: 'flatten' | 'jsonb',
  args: Readonly<Record<string, unknown>>,
): MutationValue[] {
  const [only] = declared;
  const onlyInput = declared.length === 1 && only !== undefined ? inputTypeOf(schema, only.type) : undefined;
  if (inputStyle === 'flatten' && onlyInput !== undefined && only !== undefined) {
    const value = ownValue(args, only.name);
    const fields = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    return onlyInput.fields.map((inputField) => ({
      name: inputField.storageKey,
      value: toStorageShape(schema, inputField.type, ownValue(fields, inputField.name) ?? null),
    }));
  }
  return declared.map((argument) => ({
    name: argument.storageKey,
    value: toStorageShape(schema, argument.type, ownValue(args, argument.name) ?? null),
  }));
}

function inputTypeOf(schema: CompiledSchema, type: TypeRef): CompiledInputType | undefined {
  return type.kind === 'named' ? schema.inputTypes[type.name] : undefined;
}

/** Renames input-object keys from GraphQL names to storage keys, recursively. */
function toStorageShape(schema: CompiledSchema, type: TypeRef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type.kind === 'list') {
    return Array.isArray(value) ? value.map((item) => toStorageShape(schema, type.of, item)) : value;
  }
  const input = schema.inputTypes[type.name];
  if (input === undefined || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const inputField of input.fields) {
    if (Object.hasOwn(source, inputField.name)) {
      out[inputField.storageKey] = toStorageShape(schema, inputField.type, source[inputField.name]);
    }
  }
  return out;
}

/**
 * The value of `key` only if `record` holds it itself. graphql-js builds argument and input
 * objects as plain objects, so a field named `constructor` or `toString` that the client left
 * out would otherwise read `Object.prototype`'s member.
 */
function ownValue(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
