import { writeFile } from 'node:fs/promises';

import { compileSchema } from '../schema/compile-schema.ts';
import { SchemaCompileError } from '../schema/schema-compile-error.ts';
import { parseSchemaJson } from '../schema/schema-json.ts';
import {
  checkGraphqlName,
  checkOptionNames,
  isRecord,
  readInject,
  readText,
} from './declaration-checks.ts';
import type { EnumDeclaration } from './enum-type.ts';
import type { InputTypeDeclaration } from './input-type.ts';
import type { MutationDeclaration } from './mutation.ts';
import type { ObjectTypeDeclaration } from './object-type.ts';
import { readAutoParams, type AutoParamOptions, type QueryDeclaration } from './query.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonDocument } from './schema-json-document.ts';

/** The FraiseQL AuthoringIR version written to `schema.json`. */
export const SCHEMA_JSON_VERSION = '2.0.0';

/** Everything a schema declares. Every list defaults to empty. */
export interface SchemaOptions {
  readonly types?: readonly ObjectTypeDeclaration[];
  readonly enums?: readonly EnumDeclaration[];
  readonly inputTypes?: readonly InputTypeDeclaration[];
  readonly queries?: readonly QueryDeclaration[];
  readonly mutations?: readonly MutationDeclaration[];
  /** Scalars beyond the built-in ones (`DateTime`, `UUID`, `Email`, ... need no declaring). */
  readonly customScalars?: readonly (
    string | { readonly name: string; readonly description?: string }
  )[];
  /** How the GraphQL names are written. Default `preserve`. */
  readonly namingConvention?: 'preserve' | 'camelCase';
  /** Project-wide automatic arguments of list queries. Default: all on. */
  readonly queryDefaults?: AutoParamOptions;
  /**
   * Injects added to every operation (`base`), every query or every mutation; an operation's
   * own inject wins per key. Default: none.
   */
  readonly injectDefaults?: {
    readonly base?: Readonly<Record<string, string>>;
    readonly queries?: Readonly<Record<string, string>>;
    readonly mutations?: Readonly<Record<string, string>>;
  };
}

/** A whole schema: export it as the default export of `schema.ts`. */
export interface SchemaDefinition {
  readonly kind: 'fraiseql-ts.schema';
  /** The FraiseQL `schema.json` document (a fresh copy each call). */
  toSchemaJson(): SchemaJsonDocument;
  /** Writes `schema.json` (pretty-printed, UTF-8) to `path`. */
  writeSchemaJson(path: string): Promise<void>;
}

const SCHEMA_OPTIONS = [
  'types',
  'enums',
  'inputTypes',
  'queries',
  'mutations',
  'customScalars',
  'namingConvention',
  'queryDefaults',
  'injectDefaults',
];

/**
 * Gathers declarations into a schema and checks the whole of it at once with the same rules
 * as `fraiseql-ts compile` (unknown types, duplicate names, inject collisions, ...), so that a
 * mistake stops the module from loading. A query without `sqlSource` is given the view of the
 * type it returns, so the written `schema.json` is explicit.
 *
 * @throws SchemaAuthoringError for a malformed option; SchemaCompileError listing every
 *   problem the compiler finds.
 */
export function defineSchema(options: SchemaOptions): SchemaDefinition {
  const where = 'defineSchema';
  checkOptionNames(options, SCHEMA_OPTIONS, where);

  const types = declarations(options.types, 'type', 'types');
  const document: SchemaJsonDocument = {
    version: SCHEMA_JSON_VERSION,
    types: types.map((item) => item.json),
    queries: [],
  };
  const enums = declarations(options.enums, 'enum', 'enums');
  if (enums.length > 0) document.enums = enums.map((item) => item.json);
  const inputs = declarations(options.inputTypes, 'input', 'inputTypes');
  if (inputs.length > 0) document.input_types = inputs.map((item) => item.json);
  const scalars = readCustomScalars(options.customScalars);
  if (scalars.length > 0) document.custom_scalars = scalars;

  const views = new Map(types.map((item) => [item.name, item.json.sql_source]));
  document.queries = declarations(options.queries, 'query', 'queries').map((item) => {
    const view = item.json.sql_source ?? views.get(item.json.return_type);
    return view === undefined ? { ...item.json } : { ...item.json, sql_source: view };
  });
  const mutations = declarations(options.mutations, 'mutation', 'mutations');
  if (mutations.length > 0) document.mutations = mutations.map((item) => item.json);

  if (options.namingConvention !== undefined) {
    if (options.namingConvention !== 'preserve' && options.namingConvention !== 'camelCase') {
      throw new SchemaAuthoringError(
        `${where}: "namingConvention" must be "preserve" or "camelCase"`,
      );
    }
    document.naming_convention = options.namingConvention;
  }
  if (options.queryDefaults !== undefined) {
    document.query_defaults = readAutoParams(options.queryDefaults, `${where} queryDefaults`);
  }
  if (options.injectDefaults !== undefined) {
    document.inject_defaults = readInjectDefaults(options.injectDefaults);
  }

  const frozen = JSON.stringify(document);
  try {
    compileSchema(parseSchemaJson(JSON.parse(frozen) as unknown));
  } catch (error) {
    if (error instanceof SchemaCompileError) {
      throw new SchemaCompileError('defineSchema: the schema is not valid', error.problems);
    }
    throw error;
  }

  return Object.freeze({
    kind: 'fraiseql-ts.schema',
    toSchemaJson: (): SchemaJsonDocument => JSON.parse(frozen) as SchemaJsonDocument,
    writeSchemaJson: async (path: string): Promise<void> => {
      await writeFile(path, `${JSON.stringify(JSON.parse(frozen), null, 2)}\n`, 'utf8');
    },
  });
}

type Declaration =
  | ObjectTypeDeclaration
  | EnumDeclaration
  | InputTypeDeclaration
  | QueryDeclaration
  | MutationDeclaration;

/** Checks a list holds declarations of one kind, made by the matching function, named once. */
function declarations<Kind extends Declaration['kind']>(
  list: unknown,
  kind: Kind,
  option: string,
): Extract<Declaration, { kind: Kind }>[] {
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw new SchemaAuthoringError(`defineSchema: "${option}" must be a list`);
  const names = new Set<string>();
  return list.map((item: unknown, index) => {
    if (!isDeclarationOf(item, kind)) {
      throw new SchemaAuthoringError(
        `defineSchema: ${option}[${index}] is not a ${kind} declaration; create it with ${FACTORIES[kind]}()`,
      );
    }
    if (names.has(item.name)) {
      throw new SchemaAuthoringError(`defineSchema: ${option} declares "${item.name}" twice`);
    }
    names.add(item.name);
    return item;
  });
}

const FACTORIES: Readonly<Record<Declaration['kind'], string>> = {
  type: 'type',
  enum: 'enumType',
  input: 'inputType',
  query: 'query',
  mutation: 'mutation',
};

function isDeclarationOf<Kind extends Declaration['kind']>(
  item: unknown,
  kind: Kind,
): item is Extract<Declaration, { kind: Kind }> {
  return (
    isRecord(item) && item.kind === kind && typeof item.name === 'string' && isRecord(item.json)
  );
}

function readCustomScalars(value: unknown): { name: string; description?: string }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new SchemaAuthoringError('defineSchema: "customScalars" must be a list');
  }
  return value.map((item: unknown) => {
    const where = 'defineSchema customScalars';
    if (typeof item === 'string') {
      checkGraphqlName(item, where);
      return { name: item };
    }
    checkOptionNames(item, ['name', 'description'], where);
    checkGraphqlName(item.name, where);
    const description = readText(item.description, where, 'description');
    return description === undefined ? { name: item.name } : { name: item.name, description };
  });
}

function readInjectDefaults(value: unknown): NonNullable<SchemaJsonDocument['inject_defaults']> {
  const where = 'defineSchema injectDefaults';
  checkOptionNames(value, ['base', 'queries', 'mutations'], where);
  const defaults: NonNullable<SchemaJsonDocument['inject_defaults']> = {};
  const base = readInject(value.base, `${where}.base`);
  if (base !== undefined) defaults.base = base;
  const queries = readInject(value.queries, `${where}.queries`);
  if (queries !== undefined) defaults.queries = queries;
  const mutations = readInject(value.mutations, `${where}.mutations`);
  if (mutations !== undefined) defaults.mutations = mutations;
  return defaults;
}
