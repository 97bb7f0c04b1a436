import { CompileContext } from './compile-context.ts';
import { compileMutations } from './compile-mutations.ts';
import { compileQueries } from './compile-queries.ts';
import {
  compileEnums,
  compileInputTypes,
  compileObjectTypes,
  registerNamedTypes,
} from './compile-types.ts';
import type { AutoParams, CompiledSchema, IgnoredKey } from './compiled-schema.ts';
import { computeContentHash } from './content-hash.ts';
import { findInjectKeyConflicts } from './find-inject-key-conflicts.ts';
import { SchemaCompileError } from './schema-compile-error.ts';
import { parseSchemaJson, type ParsedSchemaJson } from './schema-json.ts';
import { warnUnscopedTenantFields } from './tenant-scope.ts';

/** Options that come from the project (`fraiseql.toml`) rather than from `schema.json`. */
export interface CompileOptions {
  /** Overrides the document's `naming_convention`. Default: the document's, else `preserve`. */
  readonly namingConvention?: 'preserve' | 'camelCase';
  /**
   * Which automatic arguments list queries get (`[query_defaults]`). Each key defaults to the
   * document's `query_defaults`, else `true`; a query's own `auto_params` wins over both.
   */
  readonly queryDefaults?: Partial<AutoParams>;
}

/** A compiled schema, with the warnings and notes worth showing to whoever ran the compile. */
export interface CompileResult {
  readonly schema: CompiledSchema;
  /** Each warning starts with where it applies, e.g. `queries[users]: ...`. */
  readonly warnings: readonly string[];
  /**
   * What is served differently from its declaration on purpose (a non-null relation served
   * nullable, ...), each starting with where it applies. Nothing to fix; shown once per compile.
   */
  readonly notes: readonly string[];
  /** The same list as `schema.ignoredKeys`, for reporting. */
  readonly ignoredKeys: readonly IgnoredKey[];
}

/**
 * Compiles a parsed `schema.json` into the form the server loads. Every problem is collected:
 * unknown or misplaced types, unsafe SQL names, bad scopes and roles, bad inject keys and claims,
 * inject keys that are also arguments, one inject key read from two claims, duplicate names,
 * contradictory access rules, automatic arguments on single-object queries, list-returning
 * mutations, and more.
 *
 * @throws SchemaCompileError listing every problem found.
 */
export function compileSchema(
  parsed: ParsedSchemaJson,
  options: CompileOptions = {},
): CompileResult {
  const { ir } = parsed;
  const ctx = new CompileContext(ir);

  if (ir.version !== undefined && !/^2(\.|$)/.test(ir.version)) {
    ctx.problem(
      'version',
      `schema.json version "${ir.version}" is not supported: fraiseql-ts reads FraiseQL's 2.x format`,
    );
  }

  registerNamedTypes(ctx);
  const enums = compileEnums(ctx);
  const types = compileObjectTypes(ctx);
  warnUnscopedTenantFields(ctx, types);
  const inputTypes = compileInputTypes(ctx);
  const queries = compileQueries(ctx, listDefaults(ir.query_defaults, options.queryDefaults));
  const mutations = compileMutations(ctx, inputTypes);
  for (const conflict of findInjectKeyConflicts(queries, mutations)) {
    ctx.problem(conflict.where, conflict.message);
  }

  if (ctx.problems.length > 0) {
    throw new SchemaCompileError('The schema cannot be compiled', ctx.problems);
  }

  const body: Omit<CompiledSchema, 'contentHash'> = {
    formatVersion: 1,
    namingConvention: options.namingConvention ?? ir.naming_convention ?? 'preserve',
    types,
    enums,
    inputTypes,
    customScalars: ctx.customScalars(),
    queries,
    mutations,
    ignoredKeys: parsed.ignoredKeys,
  };
  const schema: CompiledSchema = { ...body, contentHash: computeContentHash(body) };
  return { schema, warnings: ctx.warnings, notes: ctx.notes, ignoredKeys: parsed.ignoredKeys };
}

/** Reads and compiles a `schema.json` given as text or as a parsed JSON value. */
export function compileSchemaJson(input: unknown, options: CompileOptions = {}): CompileResult {
  return compileSchema(parseSchemaJson(input), options);
}

function listDefaults(
  fromDocument:
    { where?: boolean; order_by?: boolean; limit?: boolean; offset?: boolean } | undefined,
  fromOptions: Partial<AutoParams> | undefined,
): AutoParams {
  return {
    where: fromOptions?.where ?? fromDocument?.where ?? true,
    orderBy: fromOptions?.orderBy ?? fromDocument?.order_by ?? true,
    limit: fromOptions?.limit ?? fromDocument?.limit ?? true,
    offset: fromOptions?.offset ?? fromDocument?.offset ?? true,
  };
}
