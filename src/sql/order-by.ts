import type { CompiledObjectType } from '../schema/compiled-schema.ts';
import { PublicError } from '../errors/public-error.ts';
import { refuseProtectedFields } from './field-authorizer.ts';
import { orderableFields } from './field-target.ts';
import { valueSourceOf, type FilterContext } from './filter-context.ts';
import { quoteIdentifier } from './quote.ts';
import { showName } from './shown-name.ts';
import { valueExpression } from './value-expression.ts';

/** One ORDER BY key: an SQL expression built from the compiled schema, and its direction. */
export interface SortKey {
  readonly expression: string;
  readonly direction: 'ASC' | 'DESC';
}

/** The view column that makes every order total, when the view has it. */
const TIEBREAK_COLUMN = 'id';

function isInputObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Compiles the published `orderBy` form, `[{ field: "createdAt", direction: "ASC" | "DESC" }]`
 * (direction defaults to ASC), into sort keys, most significant first. `field` is the GraphQL
 * name of a single scalar or enum field; anything else throws `BAD_USER_INPUT` naming the fields
 * allowed. Values are cast by their declared scalar (numbers and dates sort as such), and a
 * top-level key the view exposes as a column sorts on that column.
 *
 * When the view has an `id` column that is not already a key, `"id" ASC` is appended, so that
 * rows with equal keys come back in the same order on every page. `undefined` or `null` gives
 * just that tiebreak.
 */
export function compileOrderBy(
  orderBy: unknown,
  type: CompiledObjectType,
  context: FilterContext,
): readonly SortKey[] {
  const keys = orderBy === undefined || orderBy === null ? [] : clientKeys(orderBy, type, context);

  const tiebreak = quoteIdentifier(TIEBREAK_COLUMN);
  const hasTiebreak = keys.some((key) => key.expression === tiebreak);
  if (
    context.columns.has(TIEBREAK_COLUMN) &&
    context.jsonbColumn !== TIEBREAK_COLUMN &&
    !hasTiebreak
  ) {
    return [...keys, { expression: tiebreak, direction: 'ASC' }];
  }
  return keys;
}

function clientKeys(orderBy: unknown, type: CompiledObjectType, context: FilterContext): SortKey[] {
  // GraphQL coerces a single object to a one-element list; accept both for callers outside it.
  const items: readonly unknown[] = Array.isArray(orderBy) ? orderBy : [orderBy];
  const allowed = orderableFields(type, context.schema);
  const allowedNames = allowed.map((target) => target.field.name).join(', ');
  const source = valueSourceOf(context);
  const seen = new Set<string>();

  return items.map((item: unknown, index): SortKey => {
    const path = `orderBy[${index}]`;
    if (!isInputObject(item)) {
      throw new PublicError('BAD_USER_INPUT', {
        message: `${path} must be an object { field, direction }`,
      });
    }
    for (const key of Object.keys(item)) {
      if (key !== 'field' && key !== 'direction' && item[key] !== undefined) {
        throw new PublicError('BAD_USER_INPUT', {
          message: `${path}.${showName(key)} is not accepted: give only field and direction`,
        });
      }
    }

    const name = item.field;
    if (typeof name !== 'string') {
      throw new PublicError('BAD_USER_INPUT', {
        message: `${path}.field must name a field of ${type.name}: one of ${allowedNames}`,
      });
    }
    const target = allowed.find((candidate) => candidate.field.name === name);
    if (target === undefined || target.kind !== 'scalar') {
      throw new PublicError('BAD_USER_INPUT', {
        message:
          `${path}.field: ${type.name} cannot be sorted by ${showName(name)}; ` +
          `use one of ${allowedNames}`,
      });
    }
    if (seen.has(name)) {
      throw new PublicError('BAD_USER_INPUT', {
        message: `${path}.field: ${name} is already a sort key; list each field once`,
      });
    }
    seen.add(name);
    (context.authorizeField ?? refuseProtectedFields)(type, target, `${path}.field`);

    const expression = valueExpression(
      source,
      [target.field.storageKey],
      target.scalar,
      target.isEnum,
    );
    return { expression: expression.typed, direction: sortDirection(item.direction, path) };
  });
}

function sortDirection(direction: unknown, path: string): 'ASC' | 'DESC' {
  if (direction === undefined || direction === null) return 'ASC';
  if (typeof direction === 'string') {
    const upper = direction.toUpperCase();
    if (upper === 'ASC' || upper === 'DESC') return upper;
  }
  throw new PublicError('BAD_USER_INPUT', {
    message: `${path}.direction must be ASC or DESC`,
  });
}
