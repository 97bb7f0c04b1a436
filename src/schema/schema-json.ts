import type { IgnoredKey } from './compiled-schema.ts';
import { findIgnoredKeys } from './find-ignored-keys.ts';
import { findPrototypeKeys } from './prototype-keys.ts';
import { SchemaCompileError, type SchemaProblem } from './schema-compile-error.ts';
import { describePath, isPlainObject } from './schema-json-path.ts';
import { schemaJsonShape, type SchemaIr } from './schema-json-shapes.ts';

export type {
  IrArgument,
  IrAutoParams,
  IrEnum,
  IrField,
  IrInjectSource,
  IrInputField,
  IrInputType,
  IrMutation,
  IrObjectType,
  IrQuery,
  SchemaIr,
} from './schema-json-shapes.ts';

/** A `schema.json` read into the typed IR, with every key that was read but not acted on. */
export interface ParsedSchemaJson {
  readonly ir: SchemaIr;
  /** Sorted by path, so the same document always gives the same list. */
  readonly ignoredKeys: readonly IgnoredKey[];
}

/**
 * Reads a FraiseQL `schema.json` (the AuthoringIR), given as text or as a parsed JSON value.
 *
 * Keys fraiseql-ts acts on are checked for type; FraiseQL keys it does not act on yet, and
 * unknown keys, are accepted and listed in `ignoredKeys` with a reason. Refused, with a message
 * naming the right key: FraiseQL's known drift (`inject` for `inject_params`, `scope(s)` for
 * `requires_scope`, `return_array`), any unknown key within two edits of a security key, and
 * features that would leave data unprotected if ignored (`authorize`, `requires_actor`, ...).
 *
 * @throws SchemaCompileError listing every problem found.
 */
export function parseSchemaJson(input: unknown): ParsedSchemaJson {
  const document = typeof input === 'string' ? parseJsonText(input) : input;
  if (!isPlainObject(document)) {
    throw new SchemaCompileError('schema.json cannot be read', [
      {
        where: '(document)',
        message: 'the document must be a JSON object with "types", "queries", ...',
      },
    ]);
  }

  const report = findIgnoredKeys(document);
  const problems: SchemaProblem[] = [...report.problems];
  for (const where of findPrototypeKeys(document)) {
    problems.push({ where, message: '"__proto__" cannot be used as a key; rename it' });
  }
  const parsed = schemaJsonShape.safeParse(document);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ where: describePath(document, issue.path), message: issue.message });
    }
  }

  if (problems.length > 0 || !parsed.success) {
    throw new SchemaCompileError('schema.json cannot be used', problems);
  }
  return { ir: parsed.data, ignoredKeys: report.ignoredKeys };
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SchemaCompileError('schema.json cannot be read', [
      { where: '(document)', message: `the text is not valid JSON: ${reason}` },
    ]);
  }
}
