import { loadConfig } from '../../config/load-config.ts';
import type { Database } from '../../db/database.ts';
import { createPasswordHasher, passwordProblem } from '../../sessions/password-hasher.ts';
import type { TokenRevoker } from '../../sessions/token-revoker.ts';
import { UserChangeError, UserStore, type UserSummary } from '../../sessions/user-store.ts';
import { CommandError } from '../run-command.ts';
import { readNewPassword } from './read-password.ts';
import { openSessionsDatabase } from './sessions-database.ts';

/** What `users` subcommands write to and read from. */
export interface UsersIo {
  readonly stdout: (text: string) => void;
  /** The new password (`--password-stdin`, or typed twice). */
  readonly readPassword: () => Promise<string>;
}

/** Options of `users add`. */
export interface UsersAddArgs {
  readonly email?: string;
  readonly role?: string;
  /** The JWT `sub`. Default: a random UUID. */
  readonly subject?: string;
}

/** `users add <username>`: a user with an argon2id password. */
export async function usersAdd(database: Database, username: string, args: UsersAddArgs, io: UsersIo): Promise<number> {
  const password = await newPassword(io);
  const hasher = await createPasswordHasher();
  try {
    const user = await new UserStore(database).create({
      username,
      passwordHash: await hasher.hash(password),
      ...(args.email === undefined ? {} : { email: args.email }),
      ...(args.role === undefined ? {} : { role: args.role }),
      ...(args.subject === undefined ? {} : { subject: args.subject }),
    });
    io.stdout(`Created user ${username} (id ${user.id}, token subject "${user.subject}").\n`);
    return 0;
  } catch (error) {
    if (error instanceof UserChangeError) throw new CommandError(error.message);
    throw error;
  }
}

/** `users set-password <username>`: sets it, and revokes every token the user holds. */
export async function usersSetPassword(
  database: Database,
  revoker: TokenRevoker,
  username: string,
  io: UsersIo,
): Promise<number> {
  const store = new UserStore(database);
  // Said before asking for a password that would only be thrown away.
  found(await store.findByUsername(username), username);
  const password = await newPassword(io);
  const hasher = await createPasswordHasher();
  const user = found(await store.setPasswordHash(username, await hasher.hash(password)), username);
  await revoker.revokeAll(user.subject, 'password set');
  io.stdout(`Password of ${username} set; every token and session it held has been revoked.\n`);
  return 0;
}

/** `users disable|enable <username>`; disabling revokes every token the user holds. */
export async function usersSetDisabled(database: Database, username: string, disabled: boolean, io: UsersIo): Promise<number> {
  const user = found(await new UserStore(database).setDisabled(username, disabled), username);
  io.stdout(
    disabled
      ? `User ${user.username ?? username} is disabled; every token and session it held has been revoked.\n`
      : `User ${user.username ?? username} is enabled; it may log in again.\n`,
  );
  return 0;
}

/** `users list`: one line per user, or JSON. */
export async function usersList(database: Database, json: boolean, io: UsersIo): Promise<number> {
  const users = await new UserStore(database).list();
  if (json) {
    io.stdout(`${JSON.stringify(users, null, 2)}\n`);
    return 0;
  }
  if (users.length === 0) io.stdout('No users yet. Add one with: fraiseql-ts users add <username>\n');
  for (const user of users) io.stdout(`${describe(user)}\n`);
  return 0;
}

/** Entry point for `fraiseql-ts users <action>`, against the project's database. */
export async function runUsersCommand(
  action: 'add' | 'set-password' | 'disable' | 'enable' | 'list',
  username: string | undefined,
  options: { dir: string; email?: string; role?: string; subject?: string; passwordStdin?: boolean; json?: boolean },
): Promise<number> {
  const config = loadConfig({ dir: options.dir });
  const opened = await openSessionsDatabase(config);
  const io: UsersIo = {
    stdout: (text) => void process.stdout.write(text),
    readPassword: () => readNewPassword(options.passwordStdin === true),
  };
  try {
    const name = username ?? '';
    switch (action) {
      case 'add':
        return await usersAdd(opened.database, name, options, io);
      case 'set-password':
        return await usersSetPassword(opened.database, opened.revoker, name, io);
      case 'disable':
        return await usersSetDisabled(opened.database, name, true, io);
      case 'enable':
        return await usersSetDisabled(opened.database, name, false, io);
      case 'list':
        return await usersList(opened.database, options.json === true, io);
    }
  } finally {
    await opened.close();
  }
}

async function newPassword(io: UsersIo): Promise<string> {
  const password = await io.readPassword();
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new CommandError(`Refused: ${problem}.`);
  return password;
}

function found<T>(user: T | undefined, username: string): T {
  if (user === undefined) throw new CommandError(`No user is named "${username}". See: fraiseql-ts users list`);
  return user;
}

function describe(user: UserSummary): string {
  const flags = [user.disabled ? 'disabled' : '', user.hasPassword ? '' : 'no password'].filter((flag) => flag !== '');
  return [
    `${user.id}`.padEnd(5),
    (user.username ?? '-').padEnd(16),
    `sub=${user.subject}`.padEnd(42),
    `roles=${user.roles.join(',') || '-'}`.padEnd(24),
    flags.join(', '),
  ].join(' ').trimEnd();
}
