/**
 * How a GraphQL scalar behaves in SQL: the type both sides of a comparison are cast to, and
 * whether its projection reads the JSONB value as text (`->>`) or keeps its JSON type (`->`).
 * filter-operators.ts, where.ts, order-by.ts and projection.ts all read this one table.
 */

/** A family of scalars that compare, sort and project alike. */
export type ScalarFamily =
  'string' | 'integer' | 'decimal' | 'boolean' | 'datetime' | 'date' | 'time' | 'json' | 'vector';

/** The SQL type a family is compared as. Fixed strings: never built from input. */
export type ScalarSqlType =
  'text' | 'bigint' | 'numeric' | 'boolean' | 'timestamptz' | 'date' | 'time' | 'jsonb';

const FAMILY_BY_SCALAR: Readonly<Record<string, ScalarFamily>> = {
  String: 'string',
  ID: 'string',
  UUID: 'string',
  Int: 'integer',
  BigInt: 'integer',
  Float: 'decimal',
  Decimal: 'decimal',
  Boolean: 'boolean',
  DateTime: 'datetime',
  Date: 'date',
  Time: 'time',
  Json: 'json',
  JSON: 'json',
  Vector: 'vector',
  HalfVector: 'vector',
  SparseVector: 'vector',
  BitVector: 'vector',
};

/**
 * The family of a scalar or enum name. Enums and every scalar not listed (FraiseQL's rich scalars
 * such as `Email` or `Slug`, and custom scalars) are stored as JSON strings, so they are `string`.
 */
export function scalarFamily(scalar: string): ScalarFamily {
  // hasOwn: a scalar named `constructor` must not reach Object.prototype.
  return (
    (Object.hasOwn(FAMILY_BY_SCALAR, scalar) ? FAMILY_BY_SCALAR[scalar] : undefined) ?? 'string'
  );
}

/** The SQL type values of a family are compared as (`Int` -> `bigint`, `Float` -> `numeric`...). */
export function sqlTypeOfFamily(family: ScalarFamily): ScalarSqlType {
  switch (family) {
    case 'string':
      return 'text';
    case 'integer':
      return 'bigint';
    case 'decimal':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'json':
    case 'vector':
      return 'jsonb';
  }
}

/** The SQL type a scalar is compared and sorted as. */
export function sqlTypeOfScalar(scalar: string): ScalarSqlType {
  // BigInt values may pass bigint's range in JSON; numeric compares them exactly either way.
  if (scalar === 'BigInt') return 'numeric';
  return sqlTypeOfFamily(scalarFamily(scalar));
}

/**
 * True when a projection reads the value as text (`->>`), giving a JSON string: String, ID, enums,
 * dates and every string-stored scalar, and `BigInt` (a JSON number past 2^53 would lose
 * precision in JavaScript clients). Numbers, booleans, JSON and vectors keep their JSON type.
 */
export function projectsAsText(scalar: string): boolean {
  if (scalar === 'BigInt') return true;
  switch (scalarFamily(scalar)) {
    case 'string':
    case 'datetime':
    case 'date':
    case 'time':
      return true;
    case 'integer':
    case 'decimal':
    case 'boolean':
    case 'json':
    case 'vector':
      return false;
  }
}
