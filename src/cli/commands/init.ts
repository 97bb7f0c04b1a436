import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CommandError } from '../run-command.ts';

/** The project `init` copies: the bundled blog example, which the test suite keeps working. */
const TEMPLATE_DIR = fileURLToPath(new URL('../../../examples/blog/', import.meta.url));
const TEMPLATE_FILES = ['fraiseql.toml', 'schema.ts', '.gitignore'];

/**
 * `fraiseql-ts init [dir]`: writes fraiseql.toml, schema.ts, migrations/ and .gitignore, a
 * working blog to edit into your own schema. Refuses a non-empty directory unless --force,
 * and never overwrites a file that exists.
 */
export async function runInit(dir: string, options: { force?: boolean }): Promise<number> {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0 && options.force !== true) {
    throw new CommandError(
      `${target} is not empty. Choose an empty directory, or pass --force to add the project files ` +
        '(existing files are never overwritten).',
    );
  }
  mkdirSync(join(target, 'migrations'), { recursive: true });

  const written: string[] = [];
  const skipped: string[] = [];
  const copy = (from: string, to: string): void => {
    if (existsSync(to)) {
      skipped.push(relative(target, to));
      return;
    }
    copyFileSync(from, to);
    written.push(relative(target, to));
  };
  for (const file of TEMPLATE_FILES) copy(join(TEMPLATE_DIR, file), join(target, file));
  for (const file of readdirSync(join(TEMPLATE_DIR, 'migrations')).filter((name) => name.endsWith('.sql')).sort()) {
    copy(join(TEMPLATE_DIR, 'migrations', file), join(target, 'migrations', file));
  }

  const where = relative(process.cwd(), target) || '.';
  process.stdout.write(
    [
      `Created a fraiseql-ts project in ${where}:`,
      ...written.map((file) => `  ${file}`),
      ...(skipped.length > 0 ? ['Kept existing files:', ...skipped.map((file) => `  ${file}`)] : []),
      '',
      'Next:',
      ...(where === '.' ? [] : [`  cd ${where}`]),
      '  npm install fraiseql-ts        # if this directory is not inside a project that has it',
      '  npx fraiseql-ts serve          # migrates the embedded database and serves http://127.0.0.1:8000/graphql',
      '  npx fraiseql-ts token issue --sub 11111111-1111-1111-1111-111111111111 --scope read:posts',
      '',
    ].join('\n'),
  );
  return 0;
}
