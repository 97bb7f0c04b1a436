/**
 * A throw-away project serving the example blog (its schema and migrations, by absolute
 * path) with extra fraiseql.toml sections, e.g. `[sessions]\nsliding_renewal = true`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BLOG = fileURLToPath(new URL('../../../examples/blog/', import.meta.url));

export interface BlogProject {
  readonly dir: string;
  remove(): void;
}

/** Writes the project; `remove()` deletes it. */
export function blogWith(extraToml: string): BlogProject {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-sessions-'));
  writeFileSync(
    join(dir, 'fraiseql.toml'),
    [
      '[schema]',
      `source = ${JSON.stringify(join(BLOG, 'schema.ts'))}`,
      `compiled = ${JSON.stringify(join(dir, 'schema.compiled.json'))}`,
      '[database]',
      `migrations_dir = ${JSON.stringify(join(BLOG, 'migrations'))}`,
      '[auth]',
      'audience = "fraiseql-api"',
      extraToml,
    ].join('\n'),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
