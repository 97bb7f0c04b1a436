import { scalarFamily, type ScalarFamily } from './scalar-family.ts';

/**
 * The single source of truth for `where` operators: which exist for which scalar, and what
 * operand each takes. The GraphQL layer builds its `<Scalar>Filter` input types from
 * `operatorsForScalar`, and where.ts compiles exactly these names, so the two cannot drift.
 */

/** Every operator name a `<Scalar>Filter` may carry. */
export type FilterOperatorName =
  | 'eq'
  | 'neq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'nin'
  | 'isnull'
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'endswith'
  | 'like'
  | 'ilike';

/** `value`: one value; `list`: a list of values (`[T!]`); `boolean`: `true` or `false`. */
export type OperandShape = 'value' | 'list' | 'boolean';

/** One operator of a `<Scalar>Filter`: its name, the operand it takes, and what it means. */
export interface FilterOperator {
  readonly name: FilterOperatorName;
  readonly operand: OperandShape;
  /**
   * The GraphQL type name of the operand (of each element for `list`): the field's own scalar or
   * enum for comparisons, `String` for pattern operators (a fragment of a UUID or an enum value
   * is not itself a valid UUID or enum value), `Boolean` for `isnull`.
   */
  readonly operandType: string;
  readonly description: string;
}

type OperatorTemplate = Omit<FilterOperator, 'operandType'> & {
  /** `scalar`: the field's own type; otherwise a fixed GraphQL type name. */
  readonly operandType: 'scalar' | 'String' | 'Boolean';
};

const EQUALITY: readonly OperatorTemplate[] = [
  { name: 'eq', operand: 'value', operandType: 'scalar', description: 'Equal to the value.' },
  {
    name: 'neq',
    operand: 'value',
    operandType: 'scalar',
    description: 'Present and not equal to the value (a missing value does not match).',
  },
];

const ORDERING: readonly OperatorTemplate[] = [
  { name: 'gt', operand: 'value', operandType: 'scalar', description: 'Greater than the value.' },
  {
    name: 'gte',
    operand: 'value',
    operandType: 'scalar',
    description: 'Greater than or equal to the value.',
  },
  { name: 'lt', operand: 'value', operandType: 'scalar', description: 'Less than the value.' },
  {
    name: 'lte',
    operand: 'value',
    operandType: 'scalar',
    description: 'Less than or equal to the value.',
  },
];

const MEMBERSHIP: readonly OperatorTemplate[] = [
  {
    name: 'in',
    operand: 'list',
    operandType: 'scalar',
    description: 'Equal to one of the values. An empty list matches nothing.',
  },
  {
    name: 'nin',
    operand: 'list',
    operandType: 'scalar',
    description:
      'Present and equal to none of the values (a missing value does not match). ' +
      'An empty list matches every row.',
  },
];

const NULL_TEST: readonly OperatorTemplate[] = [
  {
    name: 'isnull',
    operand: 'boolean',
    operandType: 'Boolean',
    description: 'true: the value is null or missing; false: the value is present.',
  },
];

const PATTERNS: readonly OperatorTemplate[] = [
  {
    name: 'contains',
    operand: 'value',
    operandType: 'String',
    description: 'Contains the text (case-sensitive; % and _ match themselves).',
  },
  {
    name: 'icontains',
    operand: 'value',
    operandType: 'String',
    description: 'Contains the text, ignoring case (% and _ match themselves).',
  },
  {
    name: 'startswith',
    operand: 'value',
    operandType: 'String',
    description: 'Starts with the text (case-sensitive; % and _ match themselves).',
  },
  {
    name: 'endswith',
    operand: 'value',
    operandType: 'String',
    description: 'Ends with the text (case-sensitive; % and _ match themselves).',
  },
  {
    name: 'like',
    operand: 'value',
    operandType: 'String',
    description: 'Matches an SQL LIKE pattern: % is any text, _ one character, \\ escapes.',
  },
  {
    name: 'ilike',
    operand: 'value',
    operandType: 'String',
    description:
      'Matches an SQL LIKE pattern ignoring case: % is any text, _ one character, \\ escapes.',
  },
];

const PATTERN_NAMES: ReadonlySet<string> = new Set(PATTERNS.map((template) => template.name));

/**
 * Whether `name` is a pattern operator (`contains icontains startswith endswith like ilike`),
 * which PostgreSQL evaluates with LIKE: its cost on each row grows with the operand's length.
 */
export function isPatternOperator(name: string): name is FilterOperatorName {
  return PATTERN_NAMES.has(name);
}

function templatesFor(family: ScalarFamily, scalar: string, isEnum: boolean): OperatorTemplate[] {
  switch (family) {
    case 'string':
      // Text order is meaningful for String; for IDs, enums (not their declaration order) and
      // rich scalars such as IP addresses it would only mislead, so they get no ordering.
      return scalar === 'String' && !isEnum
        ? [...EQUALITY, ...ORDERING, ...MEMBERSHIP, ...NULL_TEST, ...PATTERNS]
        : [...EQUALITY, ...MEMBERSHIP, ...NULL_TEST, ...PATTERNS];
    case 'integer':
    case 'decimal':
    case 'datetime':
    case 'date':
    case 'time':
      return [...EQUALITY, ...ORDERING, ...MEMBERSHIP, ...NULL_TEST];
    case 'boolean':
    case 'json':
      return [...EQUALITY, ...MEMBERSHIP, ...NULL_TEST];
    case 'vector':
      // Similarity search is not offered; equality of embeddings is never what a client wants.
      return [...NULL_TEST];
  }
}

const cache = new Map<string, readonly FilterOperator[]>();

/**
 * The operators a `<Scalar>Filter` offers, in a stable order. Every scalar gets `eq`, `neq`, `in`,
 * `nin` and `isnull` (vectors only `isnull`); `gt`/`gte`/`lt`/`lte` exist for numbers, dates,
 * times and `String`; the pattern operators for every string-stored scalar (String, ID, UUID,
 * enums, rich scalars). `options.isEnum` (default false) marks an enum name.
 */
export function operatorsForScalar(
  scalar: string,
  options: { readonly isEnum?: boolean } = {},
): readonly FilterOperator[] {
  const isEnum = options.isEnum ?? false;
  const cacheKey = `${isEnum ? 'enum' : 'scalar'}:${scalar}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;

  const family = isEnum ? 'string' : scalarFamily(scalar);
  const operators = templatesFor(family, scalar, isEnum).map((template): FilterOperator =>
    Object.freeze({
      ...template,
      operandType: template.operandType === 'scalar' ? scalar : template.operandType,
    }),
  );
  const frozen = Object.freeze(operators);
  cache.set(cacheKey, frozen);
  return frozen;
}

/** The operator `name` for a scalar, or undefined when that scalar does not offer it. */
export function findFilterOperator(
  scalar: string,
  name: string,
  options: { readonly isEnum?: boolean } = {},
): FilterOperator | undefined {
  return operatorsForScalar(scalar, options).find((operator) => operator.name === name);
}
