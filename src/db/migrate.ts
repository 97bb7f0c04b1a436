import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isDatabaseError, type Database } from './database.ts';
import { quoteLiteral } from './quote-sql.ts';
import { checkRequestRoles, requestRoleSetupSql, type RequestRoles } from './request-roles.ts';
import { findTransactionControlLine } from './transaction-control.ts';

/** Options of `migrate`. */
export interface MigrateOptions {
  /** The project's migrations: every `*.sql` file directly in it, in name order. Default: none. */
  readonly migrationsDir?: string;
  /** The request roles to create (when missing) and let the login role switch to. */
  readonly roles: RequestRoles;
}

/** What a migrate run did, as `source/name` (`builtin/001_fraiseql_schema.sql`). */
export interface MigrateResult {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

/** A migration that failed or cannot be applied; the message names the file and the fix. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** The built-in SQL files shipped with fraiseql-ts. */
export const BUILTIN_MIGRATIONS_DIR = fileURLToPath(
  new URL('./builtin-migrations/', import.meta.url),
);

/** The first built-in file creates the table that records migrations; it runs on every run. */
const BOOTSTRAP_FILE = '001_fraiseql_schema.sql';

/** Key of the transaction-level advisory lock every migration step takes ("fraiseq" in ASCII). */
const MIGRATION_LOCK_KEY = '28836210331051377';

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.sql$/;
const ALREADY_APPLIED_HINT = 'FRAISEQL_ALREADY_APPLIED';

type Source = 'builtin' | 'project';

interface MigrationFile {
  readonly source: Source;
  readonly name: string;
  readonly path: string;
  readonly sql: string;
  readonly checksum: string;
}

/**
 * Applies the built-in migrations, then the project's, each file in its own transaction and
 * recorded in `fraiseql.schema_migrations`. A failing file is rolled back and not recorded; a
 * recorded file whose content changed is refused. Concurrent runs (several instances starting
 * at once) are serialised by an advisory lock, and a file applied meanwhile by another run is
 * reported as already applied. Ends with `checkRequestRoles`, so unsafe roles fail the run.
 */
export async function migrate(db: Database, options: MigrateOptions): Promise<MigrateResult> {
  const builtin = readMigrationFiles('builtin', BUILTIN_MIGRATIONS_DIR);
  const project =
    options.migrationsDir === undefined ? [] : readMigrationFiles('project', options.migrationsDir);
  const bootstrap = builtin.find((file) => file.name === BOOTSTRAP_FILE);
  if (bootstrap === undefined) throw new Error(`Built-in migration ${BOOTSTRAP_FILE} is missing.`);

  await runScript(db, bootstrap, bootstrap.sql);
  await runScript(
    db,
    { label: 'The request role setup', sql: '' },
    requestRoleSetupSql(options.roles),
  );

  const recorded = await readRecorded(db);
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const file of [...builtin, ...project]) {
    const label = `${file.source}/${file.name}`;
    const known = recorded.get(label);
    if (known !== undefined) {
      refuseChanged(file, known);
      result.alreadyApplied.push(label);
      continue;
    }
    const outcome = await applyFile(db, file);
    if (outcome === 'applied') {
      result.applied.push(label);
    } else {
      refuseChanged(file, (await readRecorded(db)).get(label) ?? file.checksum);
      result.alreadyApplied.push(label);
    }
  }
  // Last, so that a migration could still fix a role: a request role that is a superuser or
  // bypasses row-level security must not go unnoticed until the server refuses to start.
  await checkRequestRoles(db, options.roles);
  return result;
}

/** Reads `*.sql` files directly inside `dir`, sorted by name (code-unit order, not locale). */
function readMigrationFiles(source: Source, dir: string): MigrationFile[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir);
  } catch (error) {
    throw new MigrationError(
      `Migrations directory ${dir} cannot be read (${error instanceof Error ? error.message : String(error)}). ` +
        `Create it, or point migrations_dir in fraiseql.toml at the right folder.`,
      { cause: error },
    );
  }
  const files = names
    .filter((name) => name.endsWith('.sql'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return files.map((name) => {
    const path = join(dir, name);
    if (!FILE_NAME.test(name)) {
      throw new MigrationError(
        `Migration file name ${JSON.stringify(name)} in ${dir} is not allowed: use letters, digits, ` +
          `dots, dashes and underscores, starting with a letter or digit (e.g. 002_posts.sql).`,
      );
    }
    // Line endings are normalised so that a checkout with CRLF does not count as a change.
    const sql = readFileSync(path, 'utf8').replaceAll('\r\n', '\n');
    const control = findTransactionControlLine(sql);
    if (control !== undefined) {
      throw new MigrationError(
        `Migration ${source}/${name} line ${String(control.line)} ("${control.text}") controls the ` +
          `transaction itself. Each file already runs in its own transaction: remove that statement.`,
      );
    }
    const checksum = createHash('sha256').update(sql).digest('hex');
    return { source, name, path, sql, checksum };
  });
}

async function readRecorded(db: Database): Promise<Map<string, string>> {
  const rows = await db.query<{ source: string; name: string; checksum: string }>(
    'SELECT source, name, checksum FROM fraiseql.schema_migrations',
  );
  return new Map(rows.rows.map((row) => [`${row.source}/${row.name}`, row.checksum]));
}

function refuseChanged(file: MigrationFile, recordedChecksum: string): void {
  if (recordedChecksum === file.checksum) return;
  throw new MigrationError(
    `Migration ${file.source}/${file.name} (${file.path}) was changed after it was applied ` +
      `(recorded checksum ${recordedChecksum.slice(0, 12)}..., file now ${file.checksum.slice(0, 12)}...). ` +
      `Applied migrations are never re-run: restore the file and put the change in a new ` +
      `migration file with a later name.`,
  );
}

/** Applies and records one file in one transaction; 'raced' when another run recorded it first. */
async function applyFile(db: Database, file: MigrationFile): Promise<'applied' | 'raced'> {
  const source = quoteLiteral(file.source);
  const name = quoteLiteral(file.name);
  const guard = `DO $fraiseql_guard$
BEGIN
  IF EXISTS (SELECT 1 FROM fraiseql.schema_migrations WHERE source = ${source} AND name = ${name}) THEN
    RAISE EXCEPTION 'migration already applied' USING HINT = '${ALREADY_APPLIED_HINT}';
  END IF;
END
$fraiseql_guard$`;
  const record =
    `INSERT INTO fraiseql.schema_migrations (source, name, checksum) ` +
    `VALUES (${source}, ${name}, ${quoteLiteral(file.checksum)})`;
  try {
    await runScript(db, file, [guard, file.sql, record].join('\n;\n'));
  } catch (error) {
    if (error instanceof MigrationError && isAlreadyApplied(error.cause)) return 'raced';
    throw error;
  }
  return 'applied';
}

function isAlreadyApplied(error: unknown): boolean {
  return isDatabaseError(error) && error.hint === ALREADY_APPLIED_HINT;
}

/** What a script runs, for error messages: a file, or a step of migrate itself. */
type ScriptSubject = MigrationFile | { readonly label: string; readonly sql: string };

/** Runs `body` between BEGIN (plus the advisory lock) and COMMIT; a failure names the subject. */
async function runScript(db: Database, subject: ScriptSubject, body: string): Promise<void> {
  const prefix = `BEGIN;\nSELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});\n`;
  const script = `${prefix}${body}\n;\nCOMMIT;\n`;
  try {
    await db.exec(script);
  } catch (error) {
    if (isAlreadyApplied(error)) throw new MigrationError('already applied', { cause: error });
    throw new MigrationError(describeFailure(subject, script, error), { cause: error });
  }
}

function describeFailure(subject: ScriptSubject, script: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let where = '';
  const position = Number((error as { position?: unknown }).position);
  const start = subject.sql === '' ? -1 : script.indexOf(subject.sql);
  if (Number.isInteger(position) && position > 0 && start >= 0) {
    // PostgreSQL reports a 1-based character offset into the whole script.
    const offset = position - 1 - start;
    if (offset >= 0 && offset <= subject.sql.length) {
      where = ` at line ${String(subject.sql.slice(0, offset).split('\n').length)}`;
    }
  }
  const extra = isDatabaseError(error)
    ? [error.detail, error.hint].filter(
        (text): text is string => typeof text === 'string' && text !== '',
      )
    : [];
  const what =
    'label' in subject
      ? subject.label
      : `Migration ${subject.source}/${subject.name} (${subject.path})`;
  return (
    `${what} failed${where}: ${message}` +
    (extra.length > 0 ? ` (${extra.join('; ')})` : '') +
    `. Nothing from this step was applied; fix the cause and run migrate again.`
  );
}
