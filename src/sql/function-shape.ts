import type { QualifiedName } from '../schema/compiled-schema.ts';

/** One declared parameter of an SQL function, as the catalog lists it. */
export interface FunctionParameter {
  /** The parameter's name; empty when the function declares it without one. */
  readonly name: string;
  /** The catalog's type name (`format_type` output or `udt_name`): `jsonb`, `text`, `uuid`... */
  readonly type: string;
}

/**
 * What a mutation function returns. `mutation_response` covers FraiseQL's 13-column row however
 * it is declared (`RETURNS app.mutation_response`, `SETOF ...`, `RETURNS TABLE(...)`); `jsonb`
 * and `json` a single document; `setof jsonb`/`setof json` one document per returned row.
 */
export type FunctionReturnKind =
  'mutation_response' | 'jsonb' | 'json' | 'setof jsonb' | 'setof json';

/**
 * The signature of a mutation function, checked against the database catalog at startup. The
 * db layer maps its catalog rows into this shape; the SQL layer reads nothing else about it.
 */
export interface FunctionShape {
  readonly name: QualifiedName;
  /** In declaration order. */
  readonly parameters: readonly FunctionParameter[];
  readonly returns: FunctionReturnKind;
}
