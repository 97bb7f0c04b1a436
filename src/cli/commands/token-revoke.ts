import { decodeJwt } from 'jose';

import { loadConfig } from '../../config/load-config.ts';
import type { RevocationBackend } from '../../sessions/revocation-store.ts';
import type { TokenRevoker } from '../../sessions/token-revoker.ts';
import { CommandError } from '../run-command.ts';
import { openSessionsDatabase } from './sessions-database.ts';

/** Arguments of `token revoke`. */
export interface TokenRevokeArgs {
  /** A `jti`, or a whole token (its `jti`, `sub` and `exp` are read without verifying it). */
  readonly target?: string;
  /** `--user <sub>`: every token of this subject instead. */
  readonly user?: string;
}

/**
 * `token revoke <jti|token>` or `token revoke --user <sub>`: the offline counterpart of
 * `POST /auth/logout` and `/auth/revoke-all`, against the configured `[revocation] store` (the
 * project's database, or Redis). Running servers learn of it through the store's notification
 * (NOTIFY, or a Redis PUBLISH) within a second.
 */
export async function tokenRevoke(revoker: TokenRevoker, args: TokenRevokeArgs, stdout: (text: string) => void): Promise<number> {
  if ((args.target === undefined) === (args.user === undefined)) {
    throw new CommandError('Give either a token id (jti) or a token, or --user <sub>, not both.', 2);
  }
  if (args.user !== undefined) {
    const result = await revoker.revokeAll(args.user, 'revoke-all (CLI)');
    stdout(`Revoked every token of "${result.sub}" issued until ${result.revoked_before}, and its sessions.\n`);
    return 0;
  }
  const target = (args.target ?? '').replace(/^Bearer\s+/i, '').trim();
  const { tokenId, expiresAt, subject } = readTarget(target);
  await revoker.revokeTokenId(tokenId, expiresAt, subject, 'revoked (CLI)');
  stdout(
    `Revoked token ${tokenId}${expiresAt === undefined ? '' : ` (it would have expired at ${expiresAt.toISOString()})`}.\n`,
  );
  return 0;
}

/**
 * `token cleanup`: deletes expired revocations, refresh tokens and sessions once. With the
 * Redis store there are no revocations to delete (its keys expire by TTL), so it says so and
 * deletes only what the database keeps.
 */
export async function tokenCleanup(revocations: RevocationBackend, stdout: (text: string) => void): Promise<number> {
  const counts = await revocations.cleanup();
  if (revocations.kind === 'redis') {
    stdout('Nothing to delete in Redis: revoked tokens and revoke-alls expire there on their own (TTL).\n');
  }
  stdout(
    `Deleted ${counts.revokedTokens} expired revoked token(s), ${counts.revokedUsers} expired revoke-all(s), ` +
      `${counts.refreshTokens} expired refresh token(s) and ${counts.sessions} ended session(s)` +
      `${revocations.kind === 'redis' ? ' from the database' : ''}.\n`,
  );
  return 0;
}

/** Entry point for `fraiseql-ts token revoke|cleanup`, against the project's database. */
export async function runTokenStoreCommand(
  action: 'revoke' | 'cleanup',
  target: string | undefined,
  options: { dir: string; user?: string },
): Promise<number> {
  const opened = await openSessionsDatabase(loadConfig({ dir: options.dir }));
  const stdout = (text: string): void => void process.stdout.write(text);
  try {
    return action === 'revoke'
      ? await tokenRevoke(opened.revoker, { ...(target === undefined ? {} : { target }), ...(options.user === undefined ? {} : { user: options.user }) }, stdout)
      : await tokenCleanup(opened.revocations, stdout);
  } finally {
    await opened.close();
  }
}

function readTarget(target: string): { tokenId: string; expiresAt?: Date; subject?: string } {
  if (target.split('.').length !== 3) {
    if (target === '' || target.length > 255) throw new CommandError('A token id (jti) has 1 to 255 characters.', 2);
    return { tokenId: target };
  }
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(target);
  } catch {
    throw new CommandError('This looks like a token but cannot be decoded; pass its jti instead.', 2);
  }
  const jti = claims['jti'];
  if (typeof jti !== 'string' || jti === '') {
    throw new CommandError('This token has no jti, so it cannot be revoked alone; use --user <sub> to revoke every token of its subject.', 2);
  }
  const exp = claims['exp'];
  const sub = claims['sub'];
  return {
    tokenId: jti,
    ...(typeof exp === 'number' ? { expiresAt: new Date(exp * 1000) } : {}),
    ...(typeof sub === 'string' ? { subject: sub } : {}),
  };
}
