import type { ScalarFamily } from './scalar-family.ts';

/**
 * Column types the SQL layer compares natively (casting the bound value to the column's type, so
 * an index on the column can serve the filter). The names are fixed strings chosen here, never
 * the catalog's text, so nothing from the catalog is spliced into SQL as a type.
 */
export type NativeColumnType =
  | 'text'
  | 'uuid'
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'real'
  | 'double precision'
  | 'boolean'
  | 'timestamptz'
  | 'date'
  | 'time'
  | 'jsonb';

const CANONICAL: Readonly<Record<string, NativeColumnType>> = {
  text: 'text',
  varchar: 'text',
  'character varying': 'text',
  uuid: 'uuid',
  smallint: 'smallint',
  int2: 'smallint',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  numeric: 'numeric',
  decimal: 'numeric',
  real: 'real',
  float4: 'real',
  'double precision': 'double precision',
  float8: 'double precision',
  boolean: 'boolean',
  bool: 'boolean',
  timestamptz: 'timestamptz',
  'timestamp with time zone': 'timestamptz',
  date: 'date',
  time: 'time',
  'time without time zone': 'time',
  jsonb: 'jsonb',
};

/**
 * Maps a catalog type name (`format_type` output such as `character varying(40)` or
 * `timestamp with time zone`, or a `udt_name` such as `int4`) to a known type, or undefined.
 * Unknown types (char(n), citext, enums, domains, `timestamp` without zone, `json`...) are
 * compared through their text form instead, which is always valid if slower.
 */
export function canonicalColumnType(pgType: string): NativeColumnType | undefined {
  const normalised = pgType
    .trim()
    .toLowerCase()
    .replace(/^pg_catalog\./, '')
    .replace(/\(\s*\d+\s*(,\s*\d+\s*)?\)/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return Object.hasOwn(CANONICAL, normalised) ? CANONICAL[normalised] : undefined;
}

/** True when a column of this type holds values of the scalar family with the same meaning. */
export function columnFitsFamily(column: NativeColumnType, family: ScalarFamily): boolean {
  switch (family) {
    case 'string':
      return column === 'text' || column === 'uuid';
    case 'integer':
    case 'decimal':
      return (
        column === 'smallint' ||
        column === 'integer' ||
        column === 'bigint' ||
        column === 'numeric' ||
        column === 'real' ||
        column === 'double precision'
      );
    case 'boolean':
      return column === 'boolean';
    case 'datetime':
      return column === 'timestamptz';
    case 'date':
      return column === 'date';
    case 'time':
      return column === 'time';
    case 'json':
      return column === 'jsonb';
    case 'vector':
      return false;
  }
}
