import { existsSync, readFileSync } from 'node:fs';
import { extname, relative } from 'node:path';

import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { CompiledSchema } from '../schema/compiled-schema.ts';
import { compileSchema, type CompileResult } from '../schema/compile-schema.ts';
import { loadCompiledSchema } from '../schema/load-compiled-schema.ts';
import { loadSchemaSource } from '../schema/load-schema-source.ts';
import type { SchemaJsonDocument } from '../authoring/schema-json-document.ts';
import { CommandError } from './run-command.ts';

/** A compiled schema and where it came from, for the start-up log. */
export interface ProjectSchema {
  readonly schema: CompiledSchema;
  readonly origin: string;
  readonly warnings: readonly string[];
  /** Compile notes: served differently from the declaration on purpose (see `CompileResult`). */
  readonly notes: readonly string[];
}

/** Compiles the project's schema source (schema.ts or schema.json) with its fraiseql.toml options. */
export async function compileProjectSchema(config: ResolvedConfig): Promise<CompileResult & { source: string }> {
  const source = config.paths.schemaSource;
  if (source === undefined) {
    throw new CommandError(
      `No schema found in ${config.projectDir}: create schema.ts (the TypeScript authoring API) or ` +
        'schema.json (FraiseQL format), or set [schema] source in fraiseql.toml.',
    );
  }
  const parsed = await loadSchemaSource(source);
  const result = compileSchema(parsed, {
    ...(config.schema.naming_convention === undefined ? {} : { namingConvention: config.schema.naming_convention }),
  });
  return { ...result, source };
}

/** The schema.json document of a compiled source, when the source is a TypeScript module. */
export function isModuleSource(source: string): boolean {
  return ['.ts', '.mts', '.js', '.mjs'].includes(extname(source).toLowerCase());
}

/**
 * The schema `serve` runs: compiled from source when there is one (so an edit is never served
 * stale), otherwise the compiled file. A compiled file that differs from the source is
 * reported, since it is what production would load.
 */
export async function loadProjectSchema(config: ResolvedConfig): Promise<ProjectSchema> {
  const compiledPath = config.paths.compiled;
  const hasCompiled = existsSync(compiledPath);
  if (config.paths.schemaSource === undefined || (config.production && hasCompiled)) {
    if (!hasCompiled) {
      throw new CommandError(
        `No schema found: neither a schema source (schema.ts, schema.json) nor ${relative(config.projectDir, compiledPath)} exists in ${config.projectDir}.`,
      );
    }
    const schema = loadCompiledSchema(readFileSync(compiledPath, 'utf8'));
    return { schema, origin: compiledPath, warnings: [], notes: [] };
  }

  const compiled = await compileProjectSchema(config);
  const warnings = [...compiled.warnings];
  if (hasCompiled) {
    const onDisk = readCompiledHash(compiledPath);
    if (onDisk !== compiled.schema.contentHash) {
      warnings.push(
        `${relative(config.projectDir, compiledPath)} is out of date with ${relative(config.projectDir, compiled.source)}; ` +
          'run `fraiseql-ts compile` so that production serves the same schema.',
      );
    }
  }
  return { schema: compiled.schema, origin: compiled.source, warnings, notes: compiled.notes };
}

function readCompiledHash(path: string): string | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as { contentHash?: unknown };
    return typeof value.contentHash === 'string' ? value.contentHash : undefined;
  } catch {
    return undefined;
  }
}

export type { SchemaJsonDocument };
