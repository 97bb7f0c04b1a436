import { quoteIdentifier, quoteLiteralKey } from './quote.ts';
import {
  canonicalColumnType,
  columnFitsFamily,
  type NativeColumnType,
} from './native-column-type.ts';
import { scalarFamily, sqlTypeOfScalar, type ScalarSqlType } from './scalar-family.ts';

/** A type a bound value is cast to. Always one of the fixed names above, never input. */
export type ParameterType = ScalarSqlType | NativeColumnType;

/**
 * One stored value (a view column or a key inside the JSONB document) in the three forms the
 * filter and sort compilers need.
 */
export interface ValueExpression {
  /** Compared and sorted with typed operators: `("data"->>'age')::bigint`, `"created_at"`. */
  readonly typed: string;
  /** The SQL type a bound value is cast to when compared with `typed` (`text` needs no cast). */
  readonly parameterType: ParameterType;
  /** The value as text, for pattern operators: `"data"->>'title'`, `"id"::text`. */
  readonly text: string;
  /** NULL exactly when the value is null or missing (JSON null included). */
  readonly nullTest: string;
}

/** Where stored values are read from. */
export interface ValueSource {
  /** The quoted JSONB column, possibly qualified: `"data"`, `t."data"`. */
  readonly document: string;
  /** The view's JSONB column name, never used as a native column. */
  readonly jsonbColumn: string;
  /** View columns: name -> PostgreSQL type (from the catalog). */
  readonly columns: ReadonlyMap<string, string>;
}

/**
 * The expression for the value at `storageKeys` (one key per nesting level) declared as
 * `scalar`. A top-level key that the view also exposes as a real column uses that column, so
 * PostgreSQL can use its indexes; anything else reads the JSONB document.
 */
export function valueExpression(
  source: ValueSource,
  storageKeys: readonly string[],
  scalar: string,
  isEnum: boolean,
): ValueExpression {
  const family = isEnum ? 'string' : scalarFamily(scalar);
  const sqlType = isEnum ? 'text' : sqlTypeOfScalar(scalar);
  const [first] = storageKeys;
  if (first === undefined) throw new TypeError('valueExpression needs at least one storage key');

  const columnType = storageKeys.length === 1 ? nativeColumnType(source, first) : undefined;
  if (columnType !== undefined) {
    const column = quoteIdentifier(first);
    const canonical = canonicalColumnType(columnType);
    if (canonical !== undefined && columnFitsFamily(canonical, family)) {
      return {
        typed: column,
        parameterType: canonical,
        text: canonical === 'text' ? column : `${column}::text`,
        nullTest: column,
      };
    }
    // A column of another type: compare its text form cast like a JSONB value would be.
    const asText = `${column}::text`;
    return {
      typed: sqlType === 'text' ? asText : `(${asText})::${sqlType}`,
      parameterType: sqlType,
      text: asText,
      nullTest: column,
    };
  }

  const parents = storageKeys
    .slice(0, -1)
    .map((key) => `->${quoteLiteralKey(key)}`)
    .join('');
  const last = quoteLiteralKey(storageKeys[storageKeys.length - 1] ?? first);
  const textPath = `${source.document}${parents}->>${last}`;
  const jsonPath = `${source.document}${parents}->${last}`;
  let typed: string;
  if (sqlType === 'text') typed = textPath;
  else if (sqlType === 'jsonb') typed = jsonPath;
  else typed = `(${textPath})::${sqlType}`;
  return { typed, parameterType: sqlType, text: textPath, nullTest: textPath };
}

function nativeColumnType(source: ValueSource, key: string): string | undefined {
  if (key === source.jsonbColumn) return undefined;
  return source.columns.get(key);
}

/** A placeholder cast to the type it is compared as: `$2::bigint`, or `$2` for text. */
export function castParameter(placeholder: string, parameterType: ParameterType): string {
  return parameterType === 'text' ? placeholder : `${placeholder}::${parameterType}`;
}
