/**
 * A throw-away project directory that serves the bundled blog example with other settings:
 * its fraiseql.toml points at the example's schema and migrations by absolute path and adds
 * the TOML given, so a test can tighten limits or change the mode without copying files.
 *
 *   const variant = blogVariant('[limits]\nmax_depth = 3\n');
 *   try { ... startTestServer({ projectDir: variant.dir }) ... } finally { variant.remove(); }
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled example, as an absolute path. */
export const BLOG_DIR = fileURLToPath(new URL('../../examples/blog/', import.meta.url));

export interface ProjectVariant {
  readonly dir: string;
  remove(): void;
}

export interface VariantOptions {
  /**
   * Edits the example's FraiseQL schema.json (a parsed copy); the variant then serves that
   * file instead of schema.ts. Default: serve schema.ts unchanged.
   */
  readonly editSchemaJson?: (schema: BlogSchemaJson) => void;
}

/** The parts of the example's schema.json a variant edits. */
export interface BlogSchemaJson {
  queries: Record<string, unknown>[];
  mutations: Record<string, unknown>[];
  [key: string]: unknown;
}

/**
 * Writes the variant. `extraToml` is appended after `[schema]`, `[database]` and `[auth]`, so it
 * may add any other section (`[limits]`, `[server]`, ...). The audience stays the example's.
 */
export function blogVariant(extraToml: string, options: VariantOptions = {}): ProjectVariant {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-blog-variant-'));
  let source = join(BLOG_DIR, 'schema.ts');
  if (options.editSchemaJson !== undefined) {
    const schema = JSON.parse(
      readFileSync(join(BLOG_DIR, 'schema.json'), 'utf8'),
    ) as BlogSchemaJson;
    options.editSchemaJson(schema);
    source = join(dir, 'schema.json');
    writeFileSync(source, JSON.stringify(schema, null, 2));
  }
  const toml = [
    '[schema]',
    `source = ${JSON.stringify(source)}`,
    `compiled = ${JSON.stringify(join(dir, 'schema.compiled.json'))}`,
    '',
    '[database]',
    `migrations_dir = ${JSON.stringify(join(BLOG_DIR, 'migrations'))}`,
    '',
    '[auth]',
    'audience = "fraiseql-api"',
    '',
    extraToml,
  ].join('\n');
  writeFileSync(join(dir, 'fraiseql.toml'), toml);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
