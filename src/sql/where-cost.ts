import type { CompiledObjectType, CompiledSchema } from '../schema/compiled-schema.ts';
import { fieldNamed, resolveFieldTarget, type FieldTarget } from './field-target.ts';
import { findFilterOperator, isPatternOperator } from './filter-operators.ts';
import { characterCount } from './like-pattern.ts';
import { showName } from './shown-name.ts';
import { DEFAULT_WHERE_DEPTH } from './where.ts';
import { DEFAULT_MAX_PATTERN_LENGTH, refuseLongPattern } from './where-predicate.ts';

/** The work a `where` filter asks of the database, as a request's filter budget counts it. */
export interface FilterCost {
  /**
   * Operator conditions: each `operator: value` pair under a field, so `{ title: { eq, neq } }`
   * is two and `{ id: { in: [...] } }` is one, however long its list.
   */
  readonly conditions: number;
  /**
   * Characters (Unicode code points) in the values of pattern operators (`like ilike contains
   * icontains startswith endswith`): LIKE's work on each row grows with them.
   */
  readonly patternCharacters: number;
}

/** The cost of no filter at all. */
export const NO_FILTER_COST: FilterCost = { conditions: 0, patternCharacters: 0 };

/** The cost of two filters together. */
export function addFilterCosts(first: FilterCost, second: FilterCost): FilterCost {
  return {
    conditions: first.conditions + second.conditions,
    patternCharacters: first.patternCharacters + second.patternCharacters,
  };
}

/** How far `measureWhere` reads; each limit is `compileWhere`'s own. */
export interface MeasureOptions {
  /** Deepest nesting read; deeper parts are not counted (compileWhere refuses them). Default 16. */
  readonly maxDepth?: number;
  /** Most characters in one pattern value (`[limits] max_pattern_length`). Default 1000. */
  readonly maxPatternLength?: number;
}

/**
 * What `compileWhere` would compile from `filter` on `type`, counted without compiling it: one
 * condition per operator under a field, and the characters of every pattern operator's value,
 * through `_and`, `_or`, `_not` and nested objects.
 *
 * Counting runs before any statement is built, over every root field of a request, so a
 * request over its budget costs one walk of its arguments and nothing more. A pattern value
 * longer than `maxPatternLength` throws here, with the message `compileWhere` would give (the
 * most precise answer, and it bounds the counting of each value). Anything else `compileWhere`
 * refuses (unknown fields and operators, nulls, wrong shapes) is counted as far as it goes, and
 * left to the compile to refuse. Nothing past `maxDepth` is read, so a deep value costs no deep
 * walk.
 */
export function measureWhere(
  filter: unknown,
  type: CompiledObjectType,
  schema: CompiledSchema,
  options: MeasureOptions = {},
): FilterCost {
  const measurement: Measurement = {
    schema,
    maxDepth: options.maxDepth ?? DEFAULT_WHERE_DEPTH,
    maxPatternLength: options.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH,
    conditions: 0,
    patternCharacters: 0,
  };
  measureLevel(measurement, filter, type, 'where', 1);
  return { conditions: measurement.conditions, patternCharacters: measurement.patternCharacters };
}

interface Measurement {
  readonly schema: CompiledSchema;
  readonly maxDepth: number;
  readonly maxPatternLength: number;
  conditions: number;
  patternCharacters: number;
}

function isInputObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One level of a filter; `path` names it as `compileWhere`'s messages do. */
function measureLevel(
  measurement: Measurement,
  filter: unknown,
  type: CompiledObjectType,
  path: string,
  depth: number,
): void {
  if (depth > measurement.maxDepth || !isInputObject(filter)) return;

  for (const [key, value] of Object.entries(filter)) {
    switch (key) {
      case '_and':
      case '_or':
        if (!Array.isArray(value)) break;
        (value as readonly unknown[]).forEach((element, index) => {
          measureLevel(measurement, element, type, `${path}.${key}[${index}]`, depth + 1);
        });
        break;
      case '_not':
        measureLevel(measurement, value, type, `${path}._not`, depth + 1);
        break;
      default: {
        const field = fieldNamed(type, key);
        if (field === undefined) break;
        const fieldPath = `${path}.${showName(key)}`;
        const target = resolveFieldTarget(field, measurement.schema);
        if (target.kind === 'object') {
          measureLevel(measurement, value, target.type, fieldPath, depth + 1);
        } else {
          measureOperators(measurement, value, target, fieldPath);
        }
      }
    }
  }
}

/** `{ eq: ..., contains: ... }` under a scalar field: every operator present is a condition. */
function measureOperators(
  measurement: Measurement,
  operators: unknown,
  target: Extract<FieldTarget, { kind: 'scalar' }>,
  path: string,
): void {
  if (!isInputObject(operators)) return;
  for (const [name, operand] of Object.entries(operators)) {
    // An absent key (undefined) is no condition, as in compileWhere.
    if (operand === undefined) continue;
    measurement.conditions += 1;
    if (!isPatternOperator(name) || typeof operand !== 'string') continue;
    // Where compileWhere would compile this pattern, its own length check comes first.
    const operator = findFilterOperator(target.scalar, name, { isEnum: target.isEnum });
    if (!target.isList && operator !== undefined) {
      refuseLongPattern(operand, name, `${path}.${name}`, measurement.maxPatternLength);
    }
    measurement.patternCharacters += characterCount(operand);
  }
}
