import { PublicError } from '../errors/public-error.ts';
import type { FilterCost } from './where-cost.ts';

/**
 * How much `where` filtering one request may ask for, summed over all its root fields (each
 * alias is a root field of its own). A variable may be reused by any number of aliases, so the
 * size of the document and of the body say nothing about the filters' work; this does.
 */
export interface FilterBudget {
  /**
   * Most operator conditions in all the request's filters together (`[limits]
   * max_filter_conditions`). Default 200.
   */
  readonly maxConditions: number;
  /**
   * Most characters in all the values of pattern operators (`like ilike contains icontains
   * startswith endswith`) in the request's filters together (`[limits] max_pattern_budget`).
   * Default 10,000.
   */
  readonly maxPatternCharacters: number;
}

/**
 * The defaults of `FilterBudget`. Filters people and interfaces write hold a handful of
 * conditions, a few dozen for an advanced search, and lists of values go in one `in`; 200
 * leaves room for several such root fields in one request. 10,000 pattern characters are ten
 * patterns of the longest value `max_pattern_length` allows by default, or a hundred search
 * terms of a hundred characters.
 */
export const DEFAULT_FILTER_BUDGET: FilterBudget = {
  maxConditions: 200,
  maxPatternCharacters: 10_000,
};

/**
 * Refuses a request whose filters, `cost` summed over all its root fields, exceed `budget`:
 * `BAD_USER_INPUT` naming each limit exceeded, what the request holds and the setting that
 * raises it. Call it before any statement is built or looked up, so that neither the
 * database nor a cached statement does work the budget does not allow.
 */
export function enforceFilterBudget(cost: FilterCost, budget: FilterBudget): void {
  const overConditions = cost.conditions > budget.maxConditions;
  const overPatterns = cost.patternCharacters > budget.maxPatternCharacters;
  if (!overConditions && !overPatterns) return;

  const sentences: string[] = [];
  if (overConditions) {
    sentences.push(
      `The where filters of this request hold ${cost.conditions} conditions, more than the ` +
        `${budget.maxConditions} one request may hold (every root field and alias counts). ` +
        'Use in for a list of values, split the request, or raise [limits] ' +
        'max_filter_conditions in fraiseql.toml.',
    );
  }
  if (overPatterns) {
    sentences.push(
      `The values of like, ilike, contains, icontains, startswith and endswith in the where ` +
        `filters of this request hold ${cost.patternCharacters} characters, more than the ` +
        `${budget.maxPatternCharacters} one request may hold (every root field and alias ` +
        'counts). Send fewer or shorter patterns, split the request, or raise [limits] ' +
        'max_pattern_budget in fraiseql.toml.',
    );
  }
  throw new PublicError('BAD_USER_INPUT', {
    message: sentences.join(' '),
    extensions: {
      filterConditions: cost.conditions,
      maxFilterConditions: budget.maxConditions,
      patternCharacters: cost.patternCharacters,
      maxPatternBudget: budget.maxPatternCharacters,
    },
  });
}
