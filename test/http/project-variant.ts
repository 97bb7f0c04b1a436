/**
 * A throw-away project directory that serves the bundled blog example with other settings:
 * its fraiseql.toml points at the example's schema and migrations by absolute path and adds
 * the TOML given, so a test can tighten limits or change the mode without copying files.
 *
 *   const variant = blogVariant('[limits]\nmax_depth = 3\n');
 *   try { ... startTestServer({ projectDir: variant.dir }) ... } finally { variant.remove(); }
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled example, as an absolute path. */
export const BLOG_DIR = fileURLToPath(new URL('../../examples/blog/', import.meta.url));

export interface ProjectVariant {
  readonly dir: string;
  remove(): void;
}

/**
 * Writes the variant. `extraToml` is appended after `[schema]`, `[database]` and `[auth]`, so it
 * may add any other section (`[limits]`, `[server]`, ...). The audience stays the example's.
 */
export function blogVariant(extraToml: string): ProjectVariant {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-blog-variant-'));
  const toml = [
    '[schema]',
    `source = ${JSON.stringify(join(BLOG_DIR, 'schema.ts'))}`,
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
