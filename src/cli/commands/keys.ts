import { KeyAdministrationError, type KeyView } from '../../api-keys/key-administration.ts';
import { loadConfig } from '../../config/load-config.ts';
import { refuseWithoutProject } from '../project-directory.ts';
import { CommandError } from '../run-command.ts';
import { KEYS_PROJECT_NEED, openKeysBackend, type KeysBackend } from './keys-backend.ts';

/** Options shared by `keys create|list|rotate|revoke`. */
export interface KeysCommandOptions {
  readonly dir: string;
  /** The running server to go through when it holds the embedded database. */
  readonly server?: string;
  readonly json?: boolean;
}

/** `keys create` options. */
export interface KeysCreateOptions extends KeysCommandOptions {
  readonly owner?: string;
  readonly name?: string;
  readonly scope?: readonly string[];
  readonly expiresIn?: string;
  readonly expiresAt?: string;
}

/** `keys list` options. */
export interface KeysListOptions extends KeysCommandOptions {
  readonly owner?: string;
}

/** `keys rotate` options. */
export interface KeysRotateOptions extends KeysCommandOptions {
  readonly grace?: string;
  readonly expiresIn?: string;
  readonly expiresAt?: string;
}

/** Where a command writes and what it reads; tests pass their own. */
export interface KeysCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The environment the configuration is read with. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const PROCESS_IO: KeysCommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * `fraiseql-ts keys create --owner <subject> --name <name> --scope <scope...>`: prints the new
 * key once (on standard output, alone on its line, so it can be piped into a secret store).
 */
export async function runKeysCreate(options: KeysCreateOptions, io: KeysCommandIo = PROCESS_IO): Promise<number> {
  if (options.owner === undefined || options.name === undefined) {
    throw new CommandError(
      'Say whose key it is and what it is for: keys create --owner <subject or service> --name <name> --scope <scope...>',
      2,
    );
  }
  const owner = options.owner;
  const name = options.name;
  return withBackend(options, io, async (backend) => {
    const issued = await backend.administration.create({
      owner,
      name,
      scopes: splitScopes(options.scope),
      ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }),
      ...(options.expiresAt === undefined ? {} : { expires_at: options.expiresAt }),
    });
    if (options.json === true) {
      io.stdout(`${JSON.stringify({ key: issued.key, ...issued.view }, null, 2)}\n`);
    } else {
      io.stdout(`${issued.key}\n`);
      io.stderr(`Created ${describe(issued.view)}.\nStore the key now: it is shown only once and cannot be recovered.\n`);
    }
    return 0;
  });
}

/** `fraiseql-ts keys list [--owner <subject>]`: every key (or one owner's), never a secret. */
export async function runKeysList(options: KeysListOptions, io: KeysCommandIo = PROCESS_IO): Promise<number> {
  return withBackend(options, io, async (backend) => {
    const keys = await backend.administration.list(options.owner);
    if (options.json === true) {
      io.stdout(`${JSON.stringify({ keys }, null, 2)}\n`);
      return 0;
    }
    if (keys.length === 0) {
      io.stdout(options.owner === undefined ? 'No API keys.\n' : `No API keys of ${options.owner}.\n`);
      return 0;
    }
    io.stdout(keys.map((view) => `${listLine(view)}\n`).join(''));
    return 0;
  });
}

/**
 * `fraiseql-ts keys rotate <id|prefix|key> [--grace 24h]`: prints the new key once; the old
 * one keeps working for the grace time (default `[api_keys] rotation_grace_seconds`).
 */
export async function runKeysRotate(
  reference: string,
  options: KeysRotateOptions,
  io: KeysCommandIo = PROCESS_IO,
): Promise<number> {
  return withBackend(options, io, async (backend) => {
    const rotated = await backend.administration.rotate(reference, {
      ...(options.grace === undefined ? {} : { grace: options.grace }),
      ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }),
      ...(options.expiresAt === undefined ? {} : { expires_at: options.expiresAt }),
    });
    if (options.json === true) {
      io.stdout(`${JSON.stringify({ key: rotated.key, ...rotated.view, replaces: rotated.replaces }, null, 2)}\n`);
    } else {
      io.stdout(`${rotated.key}\n`);
      io.stderr(
        `Created ${describe(rotated.view)}, replacing ${label(rotated.replaces)}, which keeps working until ` +
          `${String(rotated.replaces['grace_until'])}.\nStore the new key now: it is shown only once. Revoke ` +
          `the old one early with: fraiseql-ts keys revoke ${String(rotated.replaces['id'])}\n`,
      );
    }
    return 0;
  });
}

/**
 * `fraiseql-ts keys revoke <id|prefix|key>`: the key stops working now, on every instance. A
 * key already revoked is said to be (exit code 0 all the same: it is revoked, as asked).
 */
export async function runKeysRevoke(
  reference: string,
  options: KeysCommandOptions,
  io: KeysCommandIo = PROCESS_IO,
): Promise<number> {
  return withBackend(options, io, async (backend) => {
    const { view, alreadyRevoked } = await backend.administration.revoke(reference);
    if (options.json === true) {
      io.stdout(`${JSON.stringify({ ...view, already_revoked: alreadyRevoked }, null, 2)}\n`);
    } else if (alreadyRevoked) {
      io.stdout(`The ${describe(view)} was already revoked (at ${String(view['revoked_at'])}); nothing changed.\n`);
    } else {
      io.stdout(`Revoked ${describe(view)}.\n`);
    }
    return 0;
  });
}

async function withBackend(
  options: KeysCommandOptions,
  io: KeysCommandIo,
  action: (backend: KeysBackend) => Promise<number>,
): Promise<number> {
  refuseWithoutProject(options.dir, KEYS_PROJECT_NEED, io.env ?? process.env);
  const config = loadConfig({ dir: options.dir, ...(io.env === undefined ? {} : { env: io.env }) });
  const backend = await openKeysBackend(config, options.server === undefined ? {} : { server: options.server });
  try {
    return await action(backend);
  } catch (error) {
    if (error instanceof KeyAdministrationError) throw new CommandError(error.message);
    throw error;
  } finally {
    await backend.close();
  }
}

/** Scopes from repeated or space/comma separated `--scope` values. */
function splitScopes(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/[\s,]+/)).filter((scope) => scope !== '');
}

function label(view: KeyView): string {
  return `${String(view['prefix'])}...${String(view['last4'])}`;
}

function describe(view: KeyView): string {
  const scopes = Array.isArray(view['scopes']) ? view['scopes'].join(' ') : '';
  return `key ${label(view)} (id ${String(view['id'])}, owner ${String(view['owner'])}, name "${String(view['name'])}", scopes: ${scopes || 'none'})`;
}

/**
 * One key of `keys list`. `until` is when the key stops (stopped) working: its grace time or
 * its expiry. A revoked key shows when it was revoked instead: its grace or expiry no longer
 * says anything about it.
 */
function listLine(view: KeyView): string {
  const scopes = Array.isArray(view['scopes']) ? view['scopes'].join(' ') : '';
  const status = String(view['status']);
  const until = status === 'revoked' ? undefined : (view['grace_until'] ?? view['expires_at']);
  return [
    String(view['id']),
    label(view),
    status.padEnd(8),
    `owner=${String(view['owner'])}`,
    `name=${JSON.stringify(view['name'])}`,
    `scopes=${scopes || '-'}`,
    ...(until === null || until === undefined ? [] : [`until=${String(until)}`]),
    ...(status === 'revoked' ? [`revoked=${String(view['revoked_at'])}`] : []),
    `last_used=${String(view['last_used_at'] ?? 'never')}`,
  ].join('  ');
}
