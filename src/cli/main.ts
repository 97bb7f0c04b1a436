import { Command, Option } from 'commander';

import { runCommand } from './run-command.ts';

/**
 * `fraiseql-ts`: each subcommand imports its module only when it runs, so `token inspect`
 * does not load the GraphQL engine or the database driver.
 */
const program = new Command()
  .name('fraiseql-ts')
  .description('A database-first GraphQL engine for PostgreSQL, with its security layer on by default.')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

const dirOption = (): Option =>
  new Option('-d, --dir <path>', 'project directory holding fraiseql.toml').default('.');

program
  .command('init')
  .description('create a new project (schema, migrations, fraiseql.toml) like the bundled blog example')
  .argument('[dir]', 'directory to create', '.')
  .option('--force', 'write into a directory that is not empty')
  .action((dir: string, options: { force?: boolean }) =>
    runCommand(async () => (await import('./commands/init.ts')).runInit(dir, options)),
  );

program
  .command('serve')
  .description('serve the GraphQL API (applies pending migrations first, unless --no-migrate)')
  .addOption(dirOption())
  .option('-p, --port <port>', 'port to listen on (default 8000, or [server] port)')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--no-migrate', 'do not apply pending migrations before serving')
  .action((options: { dir: string; port?: string; host?: string; migrate: boolean }) =>
    runCommand(async () => (await import('./commands/serve.ts')).runServe(options)),
  );

program
  .command('compile')
  .description('compile the schema (schema.ts or schema.json) into the form the server loads')
  .addOption(dirOption())
  .option('--database', 'also check views, functions and inject columns against the database')
  .option('--check', 'report problems without writing the compiled file')
  .option('-o, --output <file>', 'where to write (default [schema] compiled)')
  .action((options: { dir: string; database?: boolean; check?: boolean; output?: string }) =>
    runCommand(async () => (await import('./commands/compile.ts')).runCompile(options)),
  );

program
  .command('migrate')
  .description("apply the project's SQL migrations in order and record them")
  .addOption(dirOption())
  .action((options: { dir: string }) =>
    runCommand(async () => (await import('./commands/migrate.ts')).runMigrate(options)),
  );

const token = program.command('token').description('issue or inspect JWTs');

token
  .command('issue', { isDefault: true })
  .description('print a development token signed with the configured secret')
  .addOption(dirOption())
  .option('-s, --sub <subject>', 'subject (sub claim)', 'user-1')
  .option('--scope <scope...>', 'scopes to grant (repeat or space-separate)')
  .option('--role <role...>', 'roles to grant')
  .option('--aud <audience>', 'audience (aud claim; default JWT_AUDIENCE)')
  .option('--iss <issuer>', 'issuer (iss claim; default JWT_ISSUER)')
  .option('--ttl <seconds>', 'lifetime in seconds', '3600')
  .option('--claim <key=value...>', 'extra claims, e.g. --claim org.id=42 (value parsed as JSON when it can be)')
  .option('--json', 'print the token and its claims as JSON')
  .option('--force', 'issue even in production (development tokens are refused there by default)')
  .action((options: Record<string, unknown>) =>
    runCommand(async () => (await import('./commands/token.ts')).runTokenIssueCommand(options)),
  );

token
  .command('inspect')
  .description('decode a token and check it against the configuration, one line per check')
  .argument('<token>', 'the token (or "-" to read it from standard input)')
  .addOption(dirOption())
  .option('--json', 'print the checks as JSON')
  .action((value: string, options: Record<string, unknown>) =>
    runCommand(async () => (await import('./commands/token.ts')).runTokenInspectCommand(value, options)),
  );

await program.parseAsync(process.argv);
