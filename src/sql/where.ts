import type { CompiledObjectType } from '../schema/compiled-schema.ts';
import { PublicError } from '../errors/public-error.ts';
import { refuseProtectedFields } from './field-authorizer.ts';
import { fieldNamed, resolveFieldTarget, type FieldTarget } from './field-target.ts';
import { valueSourceOf, type FilterContext } from './filter-context.ts';
import { findFilterOperator, operatorsForScalar } from './filter-operators.ts';
import { scalarFamily } from './scalar-family.ts';
import { showName } from './shown-name.ts';
import { valueExpression, type ValueSource } from './value-expression.ts';
import { compilePredicate, DEFAULT_MAX_PATTERN_LENGTH } from './where-predicate.ts';

/** Default for `FilterContext.maxDepth`. */
export const DEFAULT_WHERE_DEPTH = 16;

/**
 * A compiled condition. A parenthesised AND/OR of several keeps its members, so that an AND
 * inside an AND (or an OR inside an OR) is flattened instead of nested.
 */
interface Condition {
  readonly sql: string;
  readonly group?: { readonly keyword: 'AND' | 'OR'; readonly members: readonly string[] };
}

interface Compilation {
  readonly context: FilterContext;
  readonly source: ValueSource;
  readonly maxDepth: number;
  readonly maxPatternLength: number;
}

/**
 * Compiles the coerced value of a `<Type>WhereInput` argument into one SQL condition:
 * `{ field: { op: value }, relation: { ...nested filter }, _and: [...], _or: [...], _not: {...} }`,
 * several keys at one level combined with AND. Field names resolve through `type.fields` to their
 * storage keys (a request string is never used as a key); every value is bound through
 * `context.parameters`.
 *
 * A filter never silently matches everything: `{}`, `{ title: {} }`, `{ title: { eq: null } }`,
 * `_and: []`, `_or: []`, `_not: {}` and null anywhere throw `EMPTY_FILTER` naming the path.
 * Unknown fields or operators, list fields and nesting past `maxDepth` throw `BAD_USER_INPUT`.
 *
 * How many conditions a filter holds is not limited here but by the request: the executor
 * counts every root field's filter with `measureWhere` and refuses the request with
 * `enforceFilterBudget` before any statement is built, so one budget covers all its aliases.
 */
export function compileWhere(
  filter: unknown,
  type: CompiledObjectType,
  context: FilterContext,
): string {
  const compilation: Compilation = {
    context,
    source: valueSourceOf(context),
    maxDepth: context.maxDepth ?? DEFAULT_WHERE_DEPTH,
    maxPatternLength: context.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH,
  };
  return compileLevel(compilation, filter, type, [], 'where', 1).sql;
}

function isInputObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys whose value is undefined are absent (GraphQL omits them; a JS caller may not). */
function presentEntries(value: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(value).filter(([, entry]) => entry !== undefined);
}

function combine(parts: readonly Condition[], keyword: 'AND' | 'OR'): Condition {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined) return only;
  const members = parts.flatMap((part) =>
    part.group?.keyword === keyword ? part.group.members : [part.sql],
  );
  return { sql: `(${members.join(` ${keyword} `)})`, group: { keyword, members } };
}

function compileLevel(
  compilation: Compilation,
  filter: unknown,
  type: CompiledObjectType,
  prefix: readonly string[],
  path: string,
  depth: number,
): Condition {
  if (depth > compilation.maxDepth) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path} is nested more than ${compilation.maxDepth} levels deep: flatten it`,
    });
  }
  if (filter === null || filter === undefined) {
    throw new PublicError('EMPTY_FILTER', {
      message:
        depth === 1
          ? `${path} is null: omit the argument to read every row you may see`
          : `${path} is null: give at least one condition`,
    });
  }
  if (!isInputObject(filter)) {
    throw new PublicError('BAD_USER_INPUT', { message: `${path} must be an input object` });
  }

  const entries = presentEntries(filter);
  if (entries.length === 0) {
    throw new PublicError('EMPTY_FILTER', {
      message:
        depth === 1
          ? `${path} is empty: give at least one condition, or omit the argument`
          : `${path} is empty: give at least one condition`,
    });
  }

  const parts = entries.map(([key, value]): Condition => {
    switch (key) {
      case '_and':
      case '_or':
        return combinator(compilation, key, value, type, prefix, `${path}.${key}`, depth);
      case '_not': {
        const inner = compileLevel(compilation, value, type, prefix, `${path}._not`, depth + 1);
        return { sql: inner.group === undefined ? `NOT (${inner.sql})` : `NOT ${inner.sql}` };
      }
      default:
        return fieldCondition(compilation, key, value, type, prefix, path, depth);
    }
  });
  return combine(parts, 'AND');
}

function combinator(
  compilation: Compilation,
  key: '_and' | '_or',
  value: unknown,
  type: CompiledObjectType,
  prefix: readonly string[],
  path: string,
  depth: number,
): Condition {
  if (value === null) {
    throw new PublicError('EMPTY_FILTER', {
      message: `${path} is null: give at least one condition`,
    });
  }
  if (!Array.isArray(value)) {
    throw new PublicError('BAD_USER_INPUT', { message: `${path} must be a list of filters` });
  }
  if (value.length === 0) {
    throw new PublicError('EMPTY_FILTER', {
      message: `${path} is empty: give at least one condition`,
    });
  }
  const parts = value.map((element: unknown, index) =>
    compileLevel(compilation, element, type, prefix, `${path}[${index}]`, depth + 1),
  );
  return combine(parts, key === '_and' ? 'AND' : 'OR');
}

function fieldCondition(
  compilation: Compilation,
  key: string,
  value: unknown,
  type: CompiledObjectType,
  prefix: readonly string[],
  parentPath: string,
  depth: number,
): Condition {
  const path = `${parentPath}.${showName(key)}`;
  const field = fieldNamed(type, key);
  if (field === undefined) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path}: ${type.name} has no field ${showName(key)}`,
    });
  }
  const target = resolveFieldTarget(field, compilation.context.schema);
  if (target.isList) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path}: ${type.name}.${field.name} is a list, and list fields cannot be filtered`,
    });
  }
  (compilation.context.authorizeField ?? refuseProtectedFields)(type, target, path);

  const storageKeys = [...prefix, field.storageKey];
  if (target.kind === 'object') {
    return compileLevel(compilation, value, target.type, storageKeys, path, depth + 1);
  }
  return scalarCondition(compilation, target, value, storageKeys, path);
}

function scalarCondition(
  compilation: Compilation,
  target: Extract<FieldTarget, { kind: 'scalar' }>,
  value: unknown,
  storageKeys: readonly string[],
  path: string,
): Condition {
  if (value === null) {
    throw new PublicError('EMPTY_FILTER', {
      message: `${path} is null: give an operator such as eq, or isnull: true for missing values`,
    });
  }
  if (!isInputObject(value)) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path} must be an input object of operators such as { eq: ... }`,
    });
  }
  const entries = presentEntries(value);
  if (entries.length === 0) {
    throw new PublicError('EMPTY_FILTER', {
      message: `${path} has no operator: give one such as eq, or isnull: true for missing values`,
    });
  }

  const options = { isEnum: target.isEnum };
  const family = target.isEnum ? 'string' : scalarFamily(target.scalar);
  const expression = valueExpression(compilation.source, storageKeys, target.scalar, target.isEnum);
  const parts = entries.map(([name, operand]): Condition => {
    const operator = findFilterOperator(target.scalar, name, options);
    if (operator === undefined) {
      const allowed = operatorsForScalar(target.scalar, options).map((known) => known.name);
      throw new PublicError('BAD_USER_INPUT', {
        message:
          `${path}.${showName(name)}: ${target.scalar} has no operator ${showName(name)}; ` +
          `use one of ${allowed.join(', ')}`,
      });
    }
    const sql = compilePredicate(
      expression,
      family,
      operator,
      operand,
      `${path}.${name}`,
      compilation.context.parameters,
      compilation.maxPatternLength,
    );
    return { sql };
  });
  return combine(parts, 'AND');
}
