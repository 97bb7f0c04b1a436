import type { SqlStatement } from '../db/database.ts';
import type {
  CompiledObjectType,
  CompiledSchema,
  QualifiedName,
} from '../schema/compiled-schema.ts';
import { PublicError } from '../errors/public-error.ts';
import { refuseProtectedFields, type FieldAuthorizer } from './field-authorizer.ts';
import { resolveFieldTarget } from './field-target.ts';
import { valueSourceOf, type FilterContext } from './filter-context.ts';
import { operandText } from './operand-text.ts';
import { compileOrderBy } from './order-by.ts';
import { ParameterList } from './parameter-list.ts';
import { projectJson } from './projection.ts';
import { quoteIdentifier, quoteQualifiedName } from './quote.ts';
import { scalarFamily } from './scalar-family.ts';
import type { SelectedField } from './selection.ts';
import { castParameter, valueExpression } from './value-expression.ts';
import { compileWhere } from './where.ts';

/** An equality every returned row must satisfy: an explicit argument or an injected value. */
export interface EqualityFilter {
  /** The view column, or the JSONB key when the view has no such column. */
  readonly storageKey: string;
  /** The declared GraphQL scalar or enum name of the value. */
  readonly scalar: string;
  readonly value: unknown;
  /**
   * The name of the query argument the client passed the value in. The field the argument
   * filters on (the type's field stored under `storageKey`) is then authorized exactly like a
   * `where` on it. Absent for an injected value, which comes from the verified credentials.
   */
  readonly argument?: string;
}

/** Everything one root query field needs to become one SELECT. */
export interface ReadQuery {
  readonly source: QualifiedName;
  readonly jsonbColumn: string;
  readonly type: CompiledObjectType;
  /** Resolves nested types for filters. */
  readonly schema: CompiledSchema;
  /** The view's columns: name -> PostgreSQL type, from the catalog. */
  readonly columns: ReadonlyMap<string, string>;
  readonly selection: readonly SelectedField[];
  /** One item (LIMIT 2, so the caller can report a second match) or a list. */
  readonly single: boolean;
  /** Explicit arguments and injected values; all must hold. */
  readonly equalities: readonly EqualityFilter[];
  /** The coerced `where` argument; `undefined` when absent. */
  readonly where?: unknown;
  /** The coerced `orderBy` argument; lists only. */
  readonly orderBy?: unknown;
  /** Required for lists (the caller applies its default and cap); not allowed for single reads. */
  readonly limit?: number;
  /** Lists only; default 0. */
  readonly offset?: number;
  /**
   * May the caller filter on a field (with `where` or an argument) or sort on it? Default:
   * `refuseProtectedFields`.
   */
  readonly authorizeField?: FieldAuthorizer;
  /** Most characters in the value of a pattern operator in `where`. Default 1000. */
  readonly maxPatternLength?: number;
}

/** The row every read statement returns: one per item, in order. */
export interface ReadRow {
  /** The item's JSON text, or null when the stored document is not an object. */
  readonly json: string | null;
}

/**
 * Builds the SELECT for a root query field. Rows are filtered, sorted and paged in a subquery
 * that selects the JSONB document once; the outer query projects the selection from it (a
 * view's document is often built per row, and every reference would rebuild it). The subquery's
 * LIMIT (and OFFSET) keeps PostgreSQL from merging the two, and the outer query sorts again on
 * the same keys, which PostgreSQL recognises as already sorted, so the order survives by
 * construction rather than by planner habit. Result: one `json` text column per row.
 */
export function buildReadStatement(query: ReadQuery): SqlStatement {
  const parameters = new ParameterList();
  const context: FilterContext = {
    schema: query.schema,
    columns: query.columns,
    jsonbColumn: query.jsonbColumn,
    parameters,
    ...(query.authorizeField === undefined ? {} : { authorizeField: query.authorizeField }),
    ...(query.maxPatternLength === undefined ? {} : { maxPatternLength: query.maxPatternLength }),
  };
  const document = quoteIdentifier(query.jsonbColumn);

  const conditions = query.equalities.map((equality) =>
    equalityCondition(equality, query.type, context),
  );
  if (query.where !== undefined) conditions.push(compileWhere(query.where, query.type, context));

  let selectList = document;
  let innerOrder = '';
  let outerOrder = '';
  let paging: string;
  if (query.single) {
    if (query.limit !== undefined || query.offset !== undefined || query.orderBy !== undefined) {
      throw new TypeError('buildReadStatement: a single read takes no limit, offset or orderBy');
    }
    paging = 'LIMIT 2';
  } else {
    // Sort keys leave the subquery as columns, so the outer query can sort on them again.
    const keys = compileOrderBy(query.orderBy, query.type, context).map((key, index) => ({
      ...key,
      name: quoteIdentifier(`sort_${index + 1}`),
    }));
    selectList += keys.map((key) => `, ${key.expression} AS ${key.name}`).join('');
    if (keys.length > 0) {
      innerOrder = `\n  ORDER BY ${keys.map((key) => `${key.name} ${key.direction}`).join(', ')}`;
      outerOrder = `\nORDER BY ${keys.map((key) => `t.${key.name} ${key.direction}`).join(', ')}`;
    }
    const limit = parameters.add(String(pageNumber(query.limit, 'limit')));
    const offset = parameters.add(String(pageNumber(query.offset ?? 0, 'offset')));
    paging = `LIMIT ${limit}::bigint OFFSET ${offset}::bigint`;
  }

  const where = conditions.length > 0 ? `\n  WHERE ${conditions.join('\n    AND ')}` : '';
  const projection = projectJson(query.selection, `t.${document}`, false);
  const text =
    `SELECT (${projection})::text AS "json"\n` +
    `FROM (\n` +
    `  SELECT ${selectList}\n` +
    `  FROM ${quoteQualifiedName(query.source)}${where}${innerOrder}\n` +
    `  ${paging}\n` +
    `) AS t${outerOrder}`;
  return { text, values: parameters.values };
}

/**
 * An argument is a filter the client wrote, like `where: { email: { eq: ... } }`: without the
 * same check, `user_by_email(email: ...)` would tell a caller who may not read `email` whether
 * a given address exists, one guess at a time.
 */
function authorizeArgument(
  equality: EqualityFilter,
  type: CompiledObjectType,
  context: FilterContext,
): void {
  if (equality.argument === undefined) return;
  const field = type.fields.find((candidate) => candidate.storageKey === equality.storageKey);
  if (field === undefined) return;
  const authorize = context.authorizeField ?? refuseProtectedFields;
  authorize(type, resolveFieldTarget(field, context.schema), equality.argument);
}

function equalityCondition(
  equality: EqualityFilter,
  type: CompiledObjectType,
  context: FilterContext,
): string {
  authorizeArgument(equality, type, context);
  const path = `argument ${equality.storageKey}`;
  if (equality.value === null || equality.value === undefined) {
    throw new PublicError('EMPTY_FILTER', {
      message: `${path} is null: a null argument would match nothing; omit it or give a value`,
    });
  }
  const family = scalarFamily(equality.scalar);
  const isEnum = Object.hasOwn(context.schema.enums, equality.scalar);
  const text = operandText(equality.value, isEnum ? 'string' : family, path);
  const placeholder = context.parameters.add(text);

  if (context.columns.has(equality.storageKey) && equality.storageKey !== context.jsonbColumn) {
    // The column's own type types the parameter, so an index on it applies.
    return `${quoteIdentifier(equality.storageKey)} = ${placeholder}`;
  }
  const value = valueExpression(
    valueSourceOf(context),
    [equality.storageKey],
    equality.scalar,
    isEnum,
  );
  return `${value.typed} = ${castParameter(placeholder, value.parameterType)}`;
}

function pageNumber(value: number | undefined, name: 'limit' | 'offset'): number {
  if (value === undefined) {
    throw new TypeError(
      'buildReadStatement: a list read needs a limit (the caller applies its default)',
    );
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${name} must be a whole number, 0 or more`,
    });
  }
  return value;
}
