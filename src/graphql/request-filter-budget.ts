import { DEFAULT_FILTER_BUDGET, enforceFilterBudget } from '../sql/filter-budget.ts';
import {
  addFilterCosts,
  measureWhere,
  NO_FILTER_COST,
  type FilterCost,
} from '../sql/where-cost.ts';
import type { ExecutorContext } from './execute-operation.ts';
import type { ResolvedRootField } from './resolve-root-fields.ts';

/**
 * Refuses the request when the `where` filters of all its root fields together exceed the
 * context's budget (`context.filterBudget`, default `DEFAULT_FILTER_BUDGET`): `BAD_USER_INPUT`
 * naming the limit, what the request holds and the setting that raises it. A pattern value
 * longer than `context.maxPatternLength` is refused first, naming that value.
 *
 * It reads the coerced arguments, before any root field is authorized, built or looked up in
 * the statement cache, so a request over budget reaches neither the database nor a cached
 * statement: a cached statement counts exactly as one built afresh. Every alias counts, and a
 * variable reused by many aliases counts once per use, as the database would evaluate it.
 */
export function enforceRequestFilterBudget(
  context: Pick<ExecutorContext, 'compiled' | 'filterBudget' | 'maxPatternLength'>,
  fields: readonly ResolvedRootField[],
): void {
  const { compiled } = context;
  const options =
    context.maxPatternLength === undefined ? {} : { maxPatternLength: context.maxPatternLength };
  let total = NO_FILTER_COST;
  // A variable reused by many aliases is one object: walk it once per type.
  const measured = new Map<string, Map<unknown, FilterCost>>();

  for (const field of fields) {
    if (field.kind !== 'query' || !Object.hasOwn(field.args, 'where')) continue;
    const where = field.args.where;
    const typeName = field.query.returnType;
    const type = compiled.types[typeName];
    if (where === undefined || where === null || type === undefined) continue;

    let ofType = measured.get(typeName);
    if (ofType === undefined) {
      ofType = new Map();
      measured.set(typeName, ofType);
    }
    let cost = ofType.get(where);
    if (cost === undefined) {
      cost = measureWhere(where, type, compiled, options);
      ofType.set(where, cost);
    }
    total = addFilterCosts(total, cost);
  }
  enforceFilterBudget(total, context.filterBudget ?? DEFAULT_FILTER_BUDGET);
}
