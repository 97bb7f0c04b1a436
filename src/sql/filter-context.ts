import type { CompiledSchema } from '../schema/compiled-schema.ts';
import type { FieldAuthorizer } from './field-authorizer.ts';
import type { ParameterList } from './parameter-list.ts';
import { quoteIdentifier } from './quote.ts';
import type { ValueSource } from './value-expression.ts';

/** What `compileWhere` and `compileOrderBy` need besides the client's value and the type. */
export interface FilterContext {
  /** Resolves nested object types (`author: { name: ... }`). */
  readonly schema: CompiledSchema;
  /**
   * The view's columns: name -> PostgreSQL type, from the catalog. A top-level key that is also
   * a column is read from the column.
   */
  readonly columns: ReadonlyMap<string, string>;
  /** The view's JSONB column (`data`). */
  readonly jsonbColumn: string;
  /** Receives every bound value. */
  readonly parameters: ParameterList;
  /** The SQL expression for the document. Default: the quoted `jsonbColumn`, unqualified. */
  readonly document?: string;
  /** May the caller filter or sort on a field? Default: `refuseProtectedFields`. */
  readonly authorizeField?: FieldAuthorizer;
  /** Deepest nesting of `_and`/`_or`/`_not` and nested objects. Default 16. */
  readonly maxDepth?: number;
  /**
   * Most characters in the value of a pattern operator (`like ilike contains icontains
   * startswith endswith`). Default 1000 (`[limits] max_pattern_length`).
   */
  readonly maxPatternLength?: number;
}

/** The value source (document expression, columns) a context describes. */
export function valueSourceOf(context: FilterContext): ValueSource {
  return {
    document: context.document ?? quoteIdentifier(context.jsonbColumn),
    jsonbColumn: context.jsonbColumn,
    columns: context.columns,
  };
}
