import { issueDevelopmentToken } from '../../auth/token-issue.ts';
import { authSetupFromConfig } from '../../config/auth-options-from-config.ts';
import { loadConfig } from '../../config/load-config.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { DataDirLockedError } from '../../db/data-dir-lock.ts';
import type { Database } from '../../db/database.ts';
import type { PermissionSummary, RbacAdmin, RoleSummary, UserGrants } from '../../rbac/rbac-admin.ts';
import { RbacError } from '../../rbac/rbac-error.ts';
import { RbacHttpClient, RbacServerError } from '../../rbac/rbac-http-client.ts';
import { RbacStore } from '../../rbac/rbac-store.ts';
import { openProjectDatabase } from '../project-database.ts';
import { CommandError } from '../run-command.ts';
import { explicitServerUrl, serverHoldingDataDir } from '../server-holding-data-dir.ts';

/** Options shared by `rbac grant|revoke|list`. */
export interface RbacCommandOptions {
  readonly dir: string;
  readonly role?: string;
  readonly permission?: string;
  readonly user?: string;
  readonly json?: boolean;
  /**
   * `--server <url>`: the running server to go through when it holds the embedded database
   * (`http://127.0.0.1:8104`). Default: `[server]` host and port of the configuration.
   */
  readonly server?: string;
}

/** Where a command writes; tests capture it. */
export interface RbacCommandIo {
  readonly stdout: (text: string) => void;
  /** The environment the configuration is read with. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const PROCESS_IO: RbacCommandIo = { stdout: (text) => void process.stdout.write(text) };

/**
 * `fraiseql-ts rbac grant`: `--role R --permission P` grants a permission to a role;
 * `--user SUB --role R` grants a role to the user whose token subject is SUB. A missing role
 * or permission is created (and said so), as is the users row for SUB.
 */
export async function runRbacGrant(options: RbacCommandOptions, io: RbacCommandIo = PROCESS_IO): Promise<number> {
  const target = readTarget(options, 'grant');
  return withAdmin(options, io, async (admin) => {
    const lines: string[] = [];
    if (await ensure(() => admin.createRole(target.role))) lines.push(`created role ${target.role}`);
    if (target.kind === 'permission') {
      const permission = target.permission;
      if (await ensure(() => admin.createPermission(permission))) lines.push(`created permission ${permission}`);
      const outcome = await admin.grantPermission(target.role, permission);
      lines.push(
        outcome.alreadyGranted
          ? `role ${target.role} already held permission ${permission}`
          : `granted permission ${permission} to role ${target.role}`,
      );
      return report(io, options, { granted: true, role: target.role, permission, ...outcome }, lines);
    }
    const outcome = await admin.grantRole(target.user, target.role);
    if (outcome.userCreated) lines.push(`created user ${target.user}`);
    lines.push(
      outcome.alreadyGranted
        ? `user ${target.user} already held role ${target.role}`
        : `granted role ${target.role} to user ${target.user}`,
    );
    return report(io, options, { granted: true, role: target.role, subject: target.user, ...outcome }, lines);
  });
}

/** `fraiseql-ts rbac revoke`: the reverse of grant; nothing is created or deleted besides the grant. */
export async function runRbacRevoke(options: RbacCommandOptions, io: RbacCommandIo = PROCESS_IO): Promise<number> {
  const target = readTarget(options, 'revoke');
  return withAdmin(options, io, async (admin) => {
    if (target.kind === 'permission') {
      await admin.revokePermission(target.role, target.permission);
      return report(io, options, { revoked: true, role: target.role, permission: target.permission }, [
        `revoked permission ${target.permission} from role ${target.role}`,
      ]);
    }
    await admin.revokeRole(target.user, target.role);
    return report(io, options, { revoked: true, role: target.role, subject: target.user }, [
      `revoked role ${target.role} from user ${target.user}`,
    ]);
  });
}

/** `fraiseql-ts rbac list [roles|permissions]`, or `list --user SUB` for one user's grants. */
export async function runRbacList(
  what: string | undefined,
  options: RbacCommandOptions,
  io: RbacCommandIo = PROCESS_IO,
): Promise<number> {
  if (what !== undefined && what !== 'roles' && what !== 'permissions') {
    throw new CommandError(`Cannot list "${what}": use "rbac list roles", "rbac list permissions" or "rbac list --user <subject>".`);
  }
  return withAdmin(options, io, async (admin) => {
    if (options.user !== undefined) {
      const grants = await admin.userGrants(options.user);
      return report(io, options, grants, userLines(grants));
    }
    const roles = what === 'permissions' ? undefined : await admin.listRoles();
    const permissions = what === 'roles' ? undefined : await admin.listPermissions();
    const lines = [...(roles === undefined ? [] : roleLines(roles)), ...(permissions === undefined ? [] : permissionLines(permissions))];
    return report(io, options, { ...(roles === undefined ? {} : { roles }), ...(permissions === undefined ? {} : { permissions }) }, lines);
  });
}

type Target =
  | { readonly kind: 'permission'; readonly role: string; readonly permission: string }
  | { readonly kind: 'user'; readonly role: string; readonly user: string };

function readTarget(options: RbacCommandOptions, verb: 'grant' | 'revoke'): Target {
  const { role, permission, user } = options;
  if (role !== undefined && permission !== undefined && user === undefined) return { kind: 'permission', role, permission };
  if (role !== undefined && user !== undefined && permission === undefined) return { kind: 'user', role, user };
  const preposition = verb === 'grant' ? 'to' : 'from';
  throw new CommandError(
    `Say what to ${verb}: "rbac ${verb} --role <role> --permission <permission>" (a permission ${preposition} a role) ` +
      `or "rbac ${verb} --user <subject> --role <role>" (a role ${preposition} a user).`,
  );
}

/**
 * Runs `action` against the project's database, or, when a running server holds the embedded
 * database, through that server's admin API (at `--server`, else the configured host and
 * port). The admin API is called with a one-minute token signed with the
 * project's JWT secret (which this command can read anyway), so a grant reaches the running
 * server at once.
 */
async function withAdmin(
  options: RbacCommandOptions,
  io: RbacCommandIo,
  action: (admin: RbacAdmin) => Promise<number>,
): Promise<number> {
  const config = loadConfig({ dir: options.dir, ...(io.env === undefined ? {} : { env: io.env }) });
  if (options.server !== undefined) explicitServerUrl(options.server);
  let database: Database;
  try {
    database = await openProjectDatabase(config, { poolMax: 1, noteEmbedded: true });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    const baseUrl = serverHoldingDataDir(config, error, options.server);
    const hint =
      `The data directory is held by a running server, which this command reached at ${baseUrl}. ` +
      'If that is not the server, pass --server http://<host>:<port>.';
    return run(() => throughServer(config, baseUrl, error), action, hint);
  }
  try {
    await requireAuthTables(database);
    return await run(async () => new RbacStore(database), action, undefined);
  } finally {
    await database.close();
  }
}

async function run(
  open: () => Promise<RbacAdmin>,
  action: (admin: RbacAdmin) => Promise<number>,
  serverHint: string | undefined,
): Promise<number> {
  try {
    return await action(await open());
  } catch (error) {
    if (error instanceof RbacError) throw new CommandError(error.message);
    if (error instanceof RbacServerError) {
      throw new CommandError(serverHint === undefined ? error.message : `${error.message}\n${serverHint}`);
    }
    throw error;
  }
}

async function throughServer(config: ResolvedConfig, baseUrl: string, locked: DataDirLockedError): Promise<RbacAdmin> {
  let token: string;
  try {
    const issued = await issueDevelopmentToken(
      { subject: 'fraiseql-ts-cli', scopes: [config.authorization.admin_scope], lifetimeSeconds: 60 },
      authSetupFromConfig(config).options,
    );
    token = issued.token;
  } catch (error) {
    throw new CommandError(
      `${locked.message}\nThe admin API of that server (${baseUrl}/admin/rbac) could be used instead, but no ` +
        `token can be made for it here: ${error instanceof Error ? error.message : String(error)}. Stop the ` +
        'server, or call the admin API with a token holding the admin scope.',
    );
  }
  return new RbacHttpClient(baseUrl, token);
}

async function requireAuthTables(database: Database): Promise<void> {
  const result = await database.query<{ present: boolean }>(
    "SELECT to_regclass('fraiseql_auth.role_permissions') IS NOT NULL AS present",
  );
  if (result.rows[0]?.present !== true) {
    throw new CommandError(
      'This database has no fraiseql_auth tables yet: run "fraiseql-ts migrate" (or start the server once) first.',
    );
  }
}

/** True when created, false when it already existed. */
async function ensure(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    if (error instanceof RbacError && error.kind === 'conflict') return false;
    throw error;
  }
}

function report(io: RbacCommandIo, options: RbacCommandOptions, json: unknown, lines: readonly string[]): number {
  io.stdout(options.json === true ? `${JSON.stringify(json, null, 2)}\n` : lines.map((line) => `${line}\n`).join(''));
  return 0;
}

function roleLines(roles: readonly RoleSummary[]): string[] {
  if (roles.length === 0) return ['roles: none'];
  const width = Math.max(...roles.map((role) => role.name.length));
  return [
    'roles:',
    ...roles.map((role) => `  ${role.name.padEnd(width)}  ${role.permissions.join(', ') || '(no permissions)'}`),
  ];
}

function permissionLines(permissions: readonly PermissionSummary[]): string[] {
  if (permissions.length === 0) return ['permissions: none'];
  const width = Math.max(...permissions.map((permission) => permission.name.length));
  return [
    'permissions:',
    ...permissions.map(
      (permission) => `  ${permission.name.padEnd(width)}  ${permission.roles.join(', ') || '(no role holds it)'}`,
    ),
  ];
}

function userLines(grants: UserGrants): string[] {
  return [
    `user ${grants.subject}${grants.disabled ? ' (disabled: holds no permission)' : ''}`,
    `  primary role: ${grants.primaryRole ?? 'none'}`,
    `  roles:        ${grants.roles.join(', ') || 'none'}`,
    `  permissions:  ${grants.permissions.join(', ') || 'none'}`,
  ];
}
