import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';

/**
 * Scalars beyond GraphQL's five. Values come out of the database already as JSON, so output is
 * passed through; input is checked where the format is well defined (UUID, dates), so a bad
 * argument is refused with a message before any SQL runs.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}(:?\d{2})?|Z)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}(:?\d{2})?|Z)?$/i;

type InputCheck = (value: unknown) => unknown;

function stringMatching(scalar: string, pattern: RegExp, example: string): InputCheck {
  return (value) => {
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw new GraphQLError(`${scalar} must be a string like ${example}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
}

function anyString(scalar: string): InputCheck {
  return (value) => {
    if (typeof value !== 'string') {
      throw new GraphQLError(`${scalar} must be a string, got ${JSON.stringify(value)}`);
    }
    return value;
  };
}

function decimal(value: unknown): unknown {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return value;
  throw new GraphQLError(`Decimal must be a number or a numeric string, got ${JSON.stringify(value)}`);
}

/** Input checks by scalar name; a Map so a scalar named like an `Object` member finds none. */
const INPUT_CHECKS: ReadonlyMap<string, InputCheck> = new Map<string, InputCheck>([
  ['UUID', stringMatching('UUID', UUID, '123e4567-e89b-12d3-a456-426614174000')],
  ['Date', stringMatching('Date', DATE, '2026-12-03')],
  ['Time', stringMatching('Time', TIME, '14:30:00')],
  ['DateTime', stringMatching('DateTime', DATE_TIME, '2026-12-03T14:30:00Z')],
  ['Decimal', decimal],
  ['Json', (value) => value],
  ['JSON', (value) => value],
]);

/** Builds the GraphQL scalar for a custom scalar name used by the compiled schema. */
export function buildCustomScalar(name: string): GraphQLScalarType {
  const check = INPUT_CHECKS.get(name) ?? anyString(name);
  return new GraphQLScalarType({
    name,
    serialize: (value) => value,
    parseValue: check,
    parseLiteral: (node: ValueNode, variables) => {
      if (node.kind === Kind.NULL) return null;
      return check(valueFromASTUntyped(node, variables ?? undefined));
    },
  });
}
