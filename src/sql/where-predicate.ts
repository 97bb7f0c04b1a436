import { PublicError } from '../errors/public-error.ts';
import type { FilterOperator, FilterOperatorName } from './filter-operators.ts';
import { escapeLikeText, longerThan, trailingBackslashes } from './like-pattern.ts';
import { checkedText, jsonText, operandText } from './operand-text.ts';
import type { ParameterList } from './parameter-list.ts';
import type { ScalarFamily } from './scalar-family.ts';
import { castParameter, type ValueExpression } from './value-expression.ts';

const COMPARISON = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
} as const satisfies Partial<Record<FilterOperatorName, string>>;

/** Default for `FilterContext.maxPatternLength` (`[limits] max_pattern_length`). */
export const DEFAULT_MAX_PATTERN_LENGTH = 1000;

/**
 * Compiles one `operator: operand` pair on one stored value into an SQL condition. The operand
 * is always bound; `path` (e.g. `where.title.eq`) names it in error messages. A null operand
 * never means "no condition": it is refused, because silently dropping it would widen the query.
 * The operand of a pattern operator (`like ilike contains icontains startswith endswith`) may
 * hold at most `maxPatternLength` characters (default 1000).
 */
export function compilePredicate(
  value: ValueExpression,
  family: ScalarFamily,
  operator: FilterOperator,
  operand: unknown,
  path: string,
  parameters: ParameterList,
  maxPatternLength = DEFAULT_MAX_PATTERN_LENGTH,
): string {
  if (operand === null || operand === undefined) {
    throw new PublicError('EMPTY_FILTER', {
      message:
        operator.name === 'isnull'
          ? `${path} is null: pass true to match missing values or false to match present ones`
          : `${path} is null: use isnull to match missing values`,
    });
  }

  switch (operator.name) {
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const placeholder = parameters.add(operandText(operand, family, path));
      const sqlOperator = COMPARISON[operator.name];
      return `${value.typed} ${sqlOperator} ${castParameter(placeholder, value.parameterType)}`;
    }
    case 'in':
    case 'nin':
      return membership(value, family, operator.name === 'nin', operand, path, parameters);
    case 'isnull':
      if (typeof operand !== 'boolean') {
        throw new PublicError('BAD_USER_INPUT', { message: `${path} must be true or false` });
      }
      return `${value.nullTest} ${operand ? 'IS NULL' : 'IS NOT NULL'}`;
    case 'contains':
    case 'icontains':
    case 'startswith':
    case 'endswith':
    case 'like':
    case 'ilike': {
      const text = patternText(operand, operator.name, path, maxPatternLength);
      switch (operator.name) {
        case 'contains':
          return pattern(value, 'LIKE', `%${escapeLikeText(text)}%`, parameters);
        case 'icontains':
          return pattern(value, 'ILIKE', `%${escapeLikeText(text)}%`, parameters);
        case 'startswith':
          return pattern(value, 'LIKE', `${escapeLikeText(text)}%`, parameters);
        case 'endswith':
          return pattern(value, 'LIKE', `%${escapeLikeText(text)}`, parameters);
        case 'like':
          return pattern(value, 'LIKE', likePattern(text, path), parameters);
        case 'ilike':
          return pattern(value, 'ILIKE', likePattern(text, path), parameters);
      }
    }
  }
}

/**
 * The operand of a pattern operator, checked. Its length is capped: PostgreSQL's LIKE costs the
 * pattern's length times the value's for every row, and a statement on the embedded database
 * cannot be interrupted, so one long pattern could hold the server. The cap comes first, so
 * nothing else scans an over-long value.
 */
function patternText(
  operand: unknown,
  operator: FilterOperatorName,
  path: string,
  maxPatternLength: number,
): string {
  if (typeof operand !== 'string') {
    throw new PublicError('BAD_USER_INPUT', { message: `${path} must be a string` });
  }
  refuseLongPattern(operand, operator, path, maxPatternLength);
  return checkedText(operand, path);
}

/**
 * Throws `BAD_USER_INPUT` when the value of the pattern operator `operator` at `path` holds more
 * than `maxPatternLength` characters, naming `[limits] max_pattern_length`. Counting stops at
 * the first character over the limit. `measureWhere` applies it too, so that a request holding
 * one over-long value hears about that value rather than about the request's whole budget.
 */
export function refuseLongPattern(
  text: string,
  operator: FilterOperatorName,
  path: string,
  maxPatternLength: number,
): void {
  if (!longerThan(text, maxPatternLength)) return;
  throw new PublicError('BAD_USER_INPUT', {
    message:
      `${path} is longer than ${maxPatternLength} characters, the most a value of ${operator} ` +
      'may hold. Send a shorter value, or raise [limits] max_pattern_length in fraiseql.toml.',
    extensions: { maxPatternLength },
  });
}

/**
 * A client's LIKE pattern, passed through. PostgreSQL raises an error for a pattern ending in a
 * lone escape character; refusing it here says what is wrong instead.
 */
function likePattern(text: string, path: string): string {
  if (trailingBackslashes(text) % 2 === 1) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path} ends with the escape character \\: write \\\\ for a literal backslash`,
    });
  }
  return text;
}

function pattern(
  value: ValueExpression,
  sqlOperator: 'LIKE' | 'ILIKE',
  boundPattern: string,
  parameters: ParameterList,
): string {
  return `${value.text} ${sqlOperator} ${parameters.add(boundPattern)}`;
}

/**
 * `in`/`nin` bind the whole list as one JSON array, so the SQL text does not depend on its length
 * and no driver-specific array encoding is involved. An empty `in` matches nothing. An empty
 * `nin` would match every row, which is how a client-built filter silently widens (a list of
 * ids to exclude that came back empty), so it is refused like an empty filter. Elements are
 * never null, so `NOT IN` has no NULL surprises.
 */
function membership(
  value: ValueExpression,
  family: ScalarFamily,
  negated: boolean,
  operand: unknown,
  path: string,
  parameters: ParameterList,
): string {
  if (!Array.isArray(operand)) {
    throw new PublicError('BAD_USER_INPUT', { message: `${path} must be a list` });
  }
  if (operand.length === 0 && negated) {
    throw new PublicError('EMPTY_FILTER', {
      message: `${path} is an empty list: nin [] excludes nothing and would match every row. Drop the condition, or give at least one value`,
    });
  }
  if (operand.length === 0) return 'FALSE';

  const elements = operand.map((element: unknown, index) => {
    const elementPath = `${path}[${index}]`;
    if (element === null || element === undefined) {
      throw new PublicError('EMPTY_FILTER', {
        message: `${elementPath} is null: use isnull to match missing values`,
      });
    }
    return operandText(element, family, elementPath);
  });
  const keyword = negated ? 'NOT IN' : 'IN';

  if (value.parameterType === 'jsonb') {
    // operandText already produced JSON text for each element.
    const placeholder = parameters.add(`[${elements.join(',')}]`);
    return `${value.typed} ${keyword} (SELECT jsonb_array_elements(${placeholder}::jsonb))`;
  }
  const placeholder = parameters.add(jsonText(elements, path));
  const element = castParameter(
    `jsonb_array_elements_text(${placeholder}::jsonb)`,
    value.parameterType,
  );
  return `${value.typed} ${keyword} (SELECT ${element})`;
}
