import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CommandError } from '../run-command.ts';

/** The project `init` copies: the bundled blog example, which the test suite keeps working. */
const TEMPLATE_DIR = fileURLToPath(new URL('../../../examples/blog/', import.meta.url));
const TEMPLATE_FILES = ['fraiseql.toml', 'schema.ts', '.gitignore'];

/** This fraiseql-ts checkout or installation, which a new project depends on. */
const FRAISEQL_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The nearest directory at or above `dir` that holds a package.json, if any. */
function enclosingPackage(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** The new project's name: its directory's name, in the characters npm allows. */
function projectName(target: string): string {
  return basename(target).toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'fraiseql-project';
}

/** The example's fraiseql.toml, named after the new project instead of the blog. */
function projectToml(target: string): string {
  const template = readFileSync(join(TEMPLATE_DIR, 'fraiseql.toml'), 'utf8');
  return template
    .replace(/^# The bundled example: .*$/m, `# ${projectName(target)}: made by fraiseql-ts init from the blog example.`)
    .replace(/^name = "blog"$/m, `name = ${JSON.stringify(projectName(target))}`);
}

/**
 * The package.json of a project outside any npm package: ESM (`"type": "module"`, which the
 * TypeScript schema needs: under CommonJS Node refuses to load it) and a dependency on this
 * fraiseql-ts, so `npm install` gives `import ... from 'fraiseql-ts'` and the command.
 */
function projectPackageJson(target: string): string {
  const name = projectName(target);
  const manifest = {
    name,
    private: true,
    type: 'module',
    dependencies: { 'fraiseql-ts': `file:${FRAISEQL_ROOT.replace(/\/$/, '')}` },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * `fraiseql-ts init [dir]`: writes fraiseql.toml, schema.ts, migrations/ and .gitignore (and a
 * package.json when the directory is in no npm package), a working blog to edit into your own
 * schema. Refuses a non-empty directory unless --force,
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
    if (basename(to) === 'fraiseql.toml') writeFileSync(to, projectToml(target));
    else copyFileSync(from, to);
    written.push(relative(target, to));
  };
  for (const file of TEMPLATE_FILES) copy(join(TEMPLATE_DIR, file), join(target, file));
  for (const file of readdirSync(join(TEMPLATE_DIR, 'migrations')).filter((name) => name.endsWith('.sql')).sort()) {
    copy(join(TEMPLATE_DIR, 'migrations', file), join(target, 'migrations', file));
  }

  // Inside this checkout the schema's import resolves to it as it is. Inside another npm
  // package, that package decides (it needs "type": "module" and fraiseql-ts installed). Outside
  // any package, the project gets its own package.json.
  const enclosing = enclosingPackage(target);
  const insideFraiseql = enclosing !== undefined && resolve(enclosing) === resolve(FRAISEQL_ROOT);
  const ownPackage = enclosing === undefined || resolve(enclosing) === target;
  if (enclosing === undefined) {
    writeFileSync(join(target, 'package.json'), projectPackageJson(target));
    written.push('package.json');
  }
  const install = insideFraiseql
    ? []
    : ownPackage && enclosing === undefined
      ? ['  npm install                    # installs fraiseql-ts from ' + FRAISEQL_ROOT]
      : [
          `  npm install ${FRAISEQL_ROOT}   # in ${enclosing ?? target}; its package.json needs "type": "module"`,
        ];

  const where = relative(process.cwd(), target) || '.';
  process.stdout.write(
    [
      `Created a fraiseql-ts project in ${where}:`,
      ...written.map((file) => `  ${file}`),
      ...(skipped.length > 0 ? ['Kept existing files:', ...skipped.map((file) => `  ${file}`)] : []),
      '',
      'Next:',
      ...(where === '.' ? [] : [`  cd ${where}`]),
      ...install,
      '  npx fraiseql-ts serve          # migrates the embedded database and serves http://127.0.0.1:8000/graphql',
      '  npx fraiseql-ts token issue --sub 11111111-1111-1111-1111-111111111111 --scope read:posts',
      '',
    ].join('\n'),
  );
  return 0;
}
