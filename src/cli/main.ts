import { readFileSync } from 'node:fs';

import { Command, Option } from 'commander';

import { runCommand } from './run-command.ts';

/**
 * `fraiseql-ts`: each subcommand imports its module only when it runs, so `token inspect`
 * does not load the GraphQL engine or the database driver.
 */
const program = new Command()
  .name('fraiseql-ts')
  .description('A database-first GraphQL engine for PostgreSQL, with its security layer on by default.')
  .version(packageVersion(), '-V, --version', 'print the version of fraiseql-ts')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

/** The version in fraiseql-ts's own package.json. */
function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest
    ? String(manifest.version)
    : 'unknown';
}

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

const token = program.command('token').description('issue, inspect and revoke JWTs');

token
  .command('issue', { isDefault: true })
  .description('print a development token signed with the configured secret')
  .addOption(dirOption())
  .option('-s, --sub <subject>', 'subject (sub claim), required: the user the token speaks for')
  .option('--scope <scope...>', 'scopes to grant (repeat or space-separate)')
  .option('--role <role...>', 'roles to grant')
  .option('--aud <audience>', 'audience (aud claim; default JWT_AUDIENCE)')
  .option('--iss <issuer>', 'issuer (iss claim; default JWT_ISSUER)')
  .option('--ttl <seconds>', 'lifetime in seconds', '3600')
  .option('--claim <key=value...>', 'extra claims, e.g. --claim org.id=42 (value parsed as JSON when it can be)')
  .option('--json', 'print the token and its claims as JSON')
  .option('--force', 'issue even in production (development tokens are refused there by default)')
  .addHelpText(
    'after',
    '\nExample (alice, a seeded user of the bundled example):\n' +
      '  fraiseql-ts token issue --dir examples/blog --sub 11111111-1111-1111-1111-111111111111 --scope read:posts',
  )
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

const serverOption = (): Option =>
  new Option(
    '--server <url>',
    'the running server to go through when it holds the embedded database (default: the address ' +
      'that server recorded beside its data directory; without one the command refuses rather than guess)',
  );

const rbac = program
  .command('rbac')
  .description("manage roles, permissions and grants (fraiseql_auth) for requiresPermission");

rbac
  .command('grant')
  .description('grant a permission to a role (--role, --permission) or a role to a user (--user, --role)')
  .addOption(dirOption())
  .option('--role <role>', 'the role')
  .option('--permission <permission>', 'the permission to grant to the role')
  .option('--user <subject>', "the user (token subject) to grant the role to")
  .option('--json', 'print the outcome as JSON')
  .addOption(serverOption())
  .action((options: { dir: string; role?: string; permission?: string; user?: string; json?: boolean; server?: string }) =>
    runCommand(async () => (await import('./commands/rbac.ts')).runRbacGrant(options)),
  );

rbac
  .command('revoke')
  .description('revoke a permission from a role (--role, --permission) or a role from a user (--user, --role)')
  .addOption(dirOption())
  .option('--role <role>', 'the role')
  .option('--permission <permission>', 'the permission to revoke from the role')
  .option('--user <subject>', 'the user (token subject) to revoke the role from')
  .option('--json', 'print the outcome as JSON')
  .addOption(serverOption())
  .action((options: { dir: string; role?: string; permission?: string; user?: string; json?: boolean; server?: string }) =>
    runCommand(async () => (await import('./commands/rbac.ts')).runRbacRevoke(options)),
  );

rbac
  .command('list')
  .description("list roles and permissions, or one user's grants (--user)")
  .argument('[what]', 'roles or permissions (default: both)')
  .addOption(dirOption())
  .option('--user <subject>', "list this user's roles and permissions")
  .option('--json', 'print as JSON')
  .addOption(serverOption())
  .action((what: string | undefined, options: { dir: string; user?: string; json?: boolean; server?: string }) =>
    runCommand(async () => (await import('./commands/rbac.ts')).runRbacList(what, options)),
  );

token
  .command('revoke')
  .description('revoke one token (its jti, or the token itself) or, with --user, every token of a subject')
  .argument('[jti-or-token]', 'the token id (jti) or the whole token')
  .addOption(dirOption())
  .option('--user <sub>', 'revoke every token and session of this subject instead')
  .action((target: string | undefined, options: { dir: string; user?: string }) =>
    runCommand(async () => (await import('./commands/token-revoke.ts')).runTokenStoreCommand('revoke', target, options)),
  );

token
  .command('cleanup')
  .description('delete expired revocations, refresh tokens and sessions once (the server also does it hourly)')
  .addOption(dirOption())
  .action((options: { dir: string }) =>
    runCommand(async () => (await import('./commands/token-revoke.ts')).runTokenStoreCommand('cleanup', undefined, options)),
  );

const users = program
  .command('users')
  .description('manage login users (fraiseql_auth.users); passwords are typed at a prompt or piped with --password-stdin');

type UsersOptions = { dir: string; email?: string; role?: string; subject?: string; passwordStdin?: boolean; json?: boolean };
const runUsers = (action: 'add' | 'set-password' | 'disable' | 'enable' | 'list', username: string | undefined, options: UsersOptions) =>
  runCommand(async () => (await import('./commands/users.ts')).runUsersCommand(action, username, options));

users
  .command('add')
  .description('add a user who can log in at POST /auth/login')
  .argument('<username>', 'the login name')
  .addOption(dirOption())
  .option('--email <email>', 'email address')
  .option('--role <role>', 'primary role (must exist in fraiseql_auth.roles)')
  .option('--subject <sub>', 'token subject (sub claim); default: a random UUID')
  .option('--password-stdin', 'read the password from standard input instead of prompting')
  .action((username: string, options: UsersOptions) => runUsers('add', username, options));

users
  .command('set-password')
  .description("set a user's password (and revoke every token the user holds)")
  .argument('<username>', 'the login name')
  .addOption(dirOption())
  .option('--password-stdin', 'read the password from standard input instead of prompting')
  .action((username: string, options: UsersOptions) => runUsers('set-password', username, options));

users
  .command('disable')
  .description('stop a user from logging in and revoke every token the user holds')
  .argument('<username>', 'the login name')
  .addOption(dirOption())
  .action((username: string, options: UsersOptions) => runUsers('disable', username, options));

users
  .command('enable')
  .description('let a disabled user log in again')
  .argument('<username>', 'the login name')
  .addOption(dirOption())
  .action((username: string, options: UsersOptions) => runUsers('enable', username, options));

users
  .command('list')
  .description('list users (never their password hashes)')
  .addOption(dirOption())
  .option('--json', 'print as JSON')
  .action((options: UsersOptions) => runUsers('list', undefined, options));

const keys = program
  .command('keys')
  .description('create, list, rotate and revoke API keys (sk_...), and find leaked ones in files or git history');

keys
  .command('create')
  .description('create a key; prints it once on standard output')
  .addOption(dirOption())
  .option('--owner <subject>', "whose key it is: a user's token subject or a service name (required)")
  .option('--name <name>', 'what the key is for, shown in lists (required)')
  .option('--scope <scope...>', 'scopes the key carries (repeat or space-separate)')
  .option('--expires-in <duration>', 'lifetime: seconds, or 90d, 12h, 2w')
  .option('--expires-at <time>', 'expiry as an ISO 8601 time')
  .addOption(serverOption())
  .option('--json', 'print the key and its record as JSON')
  .action((options: { dir: string; owner?: string; name?: string; scope?: string[]; expiresIn?: string; expiresAt?: string; server?: string; json?: boolean }) =>
    runCommand(async () => (await import('./commands/keys.ts')).runKeysCreate(options)),
  );

keys
  .command('list')
  .description('list keys (never the keys themselves), with status and last use')
  .addOption(dirOption())
  .option('--owner <subject>', "only this owner's keys")
  .addOption(serverOption())
  .option('--json', 'print as JSON')
  .action((options: { dir: string; owner?: string; server?: string; json?: boolean }) =>
    runCommand(async () => (await import('./commands/keys.ts')).runKeysList(options)),
  );

keys
  .command('rotate')
  .description('replace a key with a new one; the old one keeps working for the grace time')
  .argument('<key>', 'the key id, its prefix (sk_ and 9 characters) or the key itself')
  .addOption(dirOption())
  .option('--grace <duration>', 'how long the old key keeps working (default [api_keys] rotation_grace_seconds)')
  .option('--expires-in <duration>', "the new key's lifetime (default: the old key's expiry)")
  .option('--expires-at <time>', "the new key's expiry as an ISO 8601 time")
  .addOption(serverOption())
  .option('--json', 'print the new key and both records as JSON')
  .action((reference: string, options: { dir: string; grace?: string; expiresIn?: string; expiresAt?: string; server?: string; json?: boolean }) =>
    runCommand(async () => (await import('./commands/keys.ts')).runKeysRotate(reference, options)),
  );

keys
  .command('revoke')
  .description('revoke a key now, on every running instance')
  .argument('<key>', 'the key id, its prefix (sk_ and 9 characters) or the key itself')
  .addOption(dirOption())
  .addOption(serverOption())
  .option('--json', 'print the revoked record as JSON')
  .action((reference: string, options: { dir: string; server?: string; json?: boolean }) =>
    runCommand(async () => (await import('./commands/keys.ts')).runKeysRevoke(reference, options)),
  );

keys
  .command('scan')
  .description('find real keys (valid checksum) in files and, with --git, in the whole git history; exit 1 if one is active')
  .argument('[paths...]', 'files or directories to read (default: the current directory)')
  .addOption(dirOption())
  .option('--git', 'also read every version of every file in the git history')
  .option('--revoke', 'revoke every active key found')
  .addOption(serverOption())
  .option('--json', 'print the report as JSON (keys by label only)')
  .action((paths: string[], options: { dir: string; git?: boolean; revoke?: boolean; server?: string; json?: boolean }) =>
    runCommand(async () => (await import('./commands/keys-scan.ts')).runKeysScan(paths, options)),
  );

await program.parseAsync(process.argv);
