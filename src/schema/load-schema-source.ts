import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { isPlainObject } from './schema-json-path.ts';
import { parseSchemaJson, type ParsedSchemaJson } from './schema-json.ts';
import { SchemaSourceError } from './schema-source-error.ts';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/**
 * Reads a schema from a file: a `.json` file is a FraiseQL `schema.json`; a `.ts`, `.mts`,
 * `.js` or `.mjs` module is imported (the CLI runs under tsx, so TypeScript loads directly) and
 * its default export, the result of `defineSchema`, is turned into `schema.json` form. Either
 * way the result has been through `parseSchemaJson`.
 *
 * @throws SchemaSourceError when the file is missing, has another extension, cannot be
 *   imported, or exports no schema; SchemaCompileError when the schema itself is invalid.
 */
export async function loadSchemaSource(path: string): Promise<ParsedSchemaJson> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new SchemaSourceError(
      path,
      `Schema file not found: ${absolute}. Create it, or set [schema] source in fraiseql.toml to your schema.ts or schema.json`,
    );
  }

  const extension = extname(absolute).toLowerCase();
  if (extension === '.json') return parseSchemaJson(await readFile(absolute, 'utf8'));
  if (!MODULE_EXTENSIONS.has(extension)) {
    throw new SchemaSourceError(
      path,
      `Cannot read a schema from ${absolute}: use a .json file (FraiseQL schema.json) or a .ts/.js module whose default export is defineSchema(...)`,
    );
  }
  return parseSchemaJson(schemaOfModule(await importModule(path, absolute), path, absolute));
}

async function importModule(path: string, absolute: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    if (isErrorWithCode(error) && error.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new SchemaSourceError(
        path,
        `Cannot import ${absolute}: TypeScript needs tsx. Run it through the fraiseql-ts command or "node --import tsx"`,
        { cause: error },
      );
    }
    // Errors thrown while the module runs (an authoring mistake, a syntax error) explain
    // themselves; they are passed on unchanged.
    throw error;
  }
}

function schemaOfModule(module: Record<string, unknown>, path: string, absolute: string): unknown {
  const exported = module.default;
  if (exported === undefined) {
    throw new SchemaSourceError(
      path,
      `${absolute} has no default export: end it with "export default defineSchema({ types, queries, mutations })"`,
    );
  }
  if (isPlainObject(exported) && typeof exported.toSchemaJson === 'function') {
    return (exported.toSchemaJson as () => unknown)();
  }
  if (isPlainObject(exported) && ('types' in exported || 'queries' in exported)) return exported;
  throw new SchemaSourceError(
    path,
    `The default export of ${absolute} is not a schema: export the result of defineSchema(...)`,
  );
}

function isErrorWithCode(error: unknown): error is Error & { code: unknown } {
  return error instanceof Error && 'code' in error;
}
