import type { CompiledSchema, TypeRef } from './compiled-schema.ts';
import { compiledSchemaShape } from './compiled-schema-shape.ts';
import { computeContentHash } from './content-hash.ts';
import { findPrototypeKeys } from './prototype-keys.ts';
import { BUILT_IN_SCALARS } from './scalar-names.ts';
import { SchemaCompileError, type SchemaProblem } from './schema-compile-error.ts';

const SUMMARY = 'The compiled schema cannot be loaded';

/**
 * Reads a compiled schema (text or parsed JSON) and checks it before the server trusts it: the
 * format version, the shape (strict: no unknown keys), every SQL name, the content hash, and
 * that every type it names exists. A file edited after `compile` fails the hash check.
 *
 * @throws SchemaCompileError listing every problem found.
 */
export function loadCompiledSchema(input: unknown): CompiledSchema {
  const document = typeof input === 'string' ? parseJson(input) : input;
  const prototypeKeys = findPrototypeKeys(document);
  if (prototypeKeys.length > 0) {
    throw new SchemaCompileError(
      SUMMARY,
      prototypeKeys.map((where) => ({ where, message: '"__proto__" cannot be used as a key' })),
    );
  }
  const parsed = compiledSchemaShape.safeParse(document);
  if (!parsed.success) {
    throw new SchemaCompileError(
      SUMMARY,
      parsed.error.issues.map((issue) => ({
        where: issue.path.length === 0 ? '(document)' : issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }

  const schema = parsed.data;
  const problems = findDanglingReferences(schema);
  const expected = computeContentHash(schema);
  if (expected !== schema.contentHash) {
    problems.push({
      where: 'contentHash',
      message: `the content does not match its hash (expected ${expected}): the file was changed after it was compiled. Run "fraiseql-ts compile" again`,
    });
  }
  if (problems.length > 0) throw new SchemaCompileError(SUMMARY, problems);
  return schema;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SchemaCompileError(SUMMARY, [
      { where: '(document)', message: `not valid JSON: ${reason}` },
    ]);
  }
}

/** Every map key must equal its entry's name, and every type named must exist. */
function findDanglingReferences(schema: CompiledSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const known = new Set([
    ...Object.keys(schema.types),
    ...Object.keys(schema.enums),
    ...Object.keys(schema.inputTypes),
    ...schema.customScalars,
    ...BUILT_IN_SCALARS,
  ]);
  const checkRef = (ref: TypeRef, where: string): void => {
    if (ref.kind === 'list') checkRef(ref.of, where);
    else if (!known.has(ref.name)) problems.push({ where, message: `unknown type "${ref.name}"` });
  };
  const checkKeys = (
    section: string,
    entries: Readonly<Record<string, { name: string }>>,
  ): void => {
    for (const [key, entry] of Object.entries(entries)) {
      if (key !== entry.name) {
        problems.push({
          where: `${section}.${key}`,
          message: `holds "${entry.name}"; keys must equal names`,
        });
      }
    }
  };

  checkKeys('types', schema.types);
  checkKeys('enums', schema.enums);
  checkKeys('inputTypes', schema.inputTypes);
  checkKeys('queries', schema.queries);
  checkKeys('mutations', schema.mutations);
  for (const type of Object.values(schema.types)) {
    for (const field of type.fields) checkRef(field.type, `types.${type.name}.${field.name}`);
  }
  for (const input of Object.values(schema.inputTypes)) {
    for (const field of input.fields)
      checkRef(field.type, `inputTypes.${input.name}.${field.name}`);
  }
  const operations = [
    ...Object.values(schema.queries).map((item) => ['queries', item] as const),
    ...Object.values(schema.mutations).map((item) => ['mutations', item] as const),
  ];
  for (const [section, operation] of operations) {
    const where = `${section}.${operation.name}`;
    if (schema.types[operation.returnType] === undefined) {
      problems.push({ where, message: `returns unknown object type "${operation.returnType}"` });
    }
    for (const arg of operation.arguments) checkRef(arg.type, `${where}.${arg.name}`);
  }
  return problems;
}
