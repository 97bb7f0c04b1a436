import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { loadConfig } from '../../config/load-config.ts';
import { computeSchemaJsonHash } from '../../schema/content-hash.ts';
import { compileProjectSchema, isModuleSource } from '../project-schema.ts';
import { checkSchemaJsonTarget, schemaJsonOfModule } from './compile-schema-json.ts';

export interface CompileOptions {
  readonly dir: string;
  readonly database?: boolean;
  readonly check?: boolean;
  readonly output?: string;
}

/**
 * `fraiseql-ts compile`: schema source + fraiseql.toml -> schema.compiled.json. A TypeScript
 * source also gets its FraiseQL `schema.json` written beside it, unless a `schema.json` that
 * fraiseql-ts did not write is there (see `checkSchemaJsonTarget`): that is an error, and
 * nothing is written. With `--database`, every view, function and inject column is checked
 * against the database, with the grants the request roles need, and each problem is printed
 * with the operation and what to change. Exit code 1 when anything is an error.
 */
export async function runCompile(options: CompileOptions): Promise<number> {
  const config = loadConfig({ dir: options.dir });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const shown = (path: string): string => relative(process.cwd(), path) || path;

  const result = await compileProjectSchema(config);
  const { schema } = result;
  out(
    `Compiled ${shown(result.source)}: ${Object.keys(schema.types).length} types, ` +
      `${Object.keys(schema.queries).length} queries, ${Object.keys(schema.mutations).length} mutations.`,
  );
  for (const warning of result.warnings) out(`warning: ${warning}`);
  for (const note of result.notes) out(`note: ${note}`);
  for (const key of result.ignoredKeys) out(`ignored: ${key.path}: ${key.reason}`);

  const target = options.output === undefined ? config.paths.compiled : resolve(options.output);
  let failed = false;
  let schemaJson: { readonly path: string; readonly document: unknown } | undefined;
  if (isModuleSource(result.source)) {
    const path = join(dirname(result.source), 'schema.json');
    const document = await schemaJsonOfModule(result.source);
    const verdict = checkSchemaJsonTarget({
      path,
      document,
      sourceName: shown(result.source),
      shownPath: shown(path),
      compiledPaths: [target, config.paths.compiled],
    });
    if (verdict.kind === 'foreign') {
      out(`error: ${verdict.message}`);
      failed = true;
    } else {
      schemaJson = { path, document };
    }
  }

  if (options.database === true) {
    // Loaded here: without --database, compile needs no database driver.
    const { openProjectDatabase } = await import('../project-database.ts');
    const { checkSchemaAgainstDatabase, loadCatalogForSchema } = await import(
      '../../schema/check-against-database.ts'
    );
    const database = await openProjectDatabase(config);
    try {
      const roles = {
        anon: config.database.anon_role,
        authenticated: config.database.authenticated_role,
      };
      const catalog = await loadCatalogForSchema(database, schema, roles);
      const problems = checkSchemaAgainstDatabase(schema, catalog);
      for (const problem of problems) out(`${problem.severity}: ${problem.operation}: ${problem.message}`);
      failed ||= problems.some((problem) => problem.severity === 'error');
      if (problems.length === 0) {
        out(
          'The database has every view, column and function the schema uses, and the request ' +
            'roles may use them.',
        );
      }
    } finally {
      await database.close();
    }
  }

  if (options.check === true) {
    out(failed ? 'Check failed; nothing written.' : 'Check passed; nothing written (--check).');
    return failed ? 1 : 0;
  }
  if (failed) {
    out('Not written: fix the errors above first.');
    return 1;
  }

  // The compiled file records the schema.json written with it, so that the next compile knows
  // that file is its own (see checkSchemaJsonTarget).
  const compiled =
    schemaJson === undefined
      ? schema
      : { ...schema, schemaJsonHash: computeSchemaJsonHash(schemaJson.document) };
  // `-o build/schema.compiled.json` should not fail with a stack trace because build/ is new.
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(compiled, null, 2)}\n`);
  out(`Wrote ${shown(target)} (hash ${schema.contentHash}).`);
  if (schemaJson !== undefined) {
    writeFileSync(schemaJson.path, `${JSON.stringify(schemaJson.document, null, 2)}\n`, 'utf8');
    out(`Wrote ${shown(schemaJson.path)} (FraiseQL schema.json format).`);
  }
  return 0;
}
