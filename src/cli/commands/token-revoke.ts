import { explanationOf } from '../../auth/auth-failure.ts';
import { decodeCompactToken } from '../../auth/decode-compact-token.ts';
import { MAX_REVOCABLE_TOKEN_ID_LENGTH, tokenIdOf } from '../../auth/token-id-rule.ts';
import { loadConfig } from '../../config/load-config.ts';
import { PublicError } from '../../errors/public-error.ts';
import type { RevocationEnd } from '../../sessions/revocation-lifetime.ts';
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
  const target = (args.target ?? '').trim().replace(/^Bearer\s+/i, '').trim();
  const read = readTarget(target);
  const end = await revoker.revokeTokenId(read.tokenId, read.expiresAt, read.subject, 'revoked (CLI)');
  stdout(describeRevocation(read, end));
  return 0;
}

/** What `token revoke` was given, once read. */
interface RevocationTarget {
  /** `jti`: a bare token id was given; `token`: a whole token, whose claims were read. */
  readonly given: 'jti' | 'token';
  readonly tokenId: string;
  readonly expiresAt?: Date;
  readonly subject?: string;
}

/** The jtis this server issues (login, refresh, `token issue`): `crypto.randomUUID()`. */
const SERVER_TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function describeRevocation(target: RevocationTarget, end: RevocationEnd): string {
  if (target.given === 'token') {
    const facts = [
      `jti ${target.tokenId}`,
      ...(target.subject === undefined ? [] : [`subject "${target.subject}"`]),
      ...(target.expiresAt === undefined ? [] : [`it would have expired at ${target.expiresAt.toISOString()}`]),
    ];
    return `Revoked the whole token given (${facts.join(', ')}).\n`;
  }
  const lines = [
    end === 'never'
      ? `Revoked token id (jti) ${target.tokenId}: any token carrying it is refused for good (with no ` +
        'token in hand its expiry is unknown, and [auth] max_token_lifetime_seconds is unset, so no ' +
        'time is known after which it can no longer be accepted; pass the whole token to keep it ' +
        'revoked only until it expires).'
      : `Revoked token id (jti) ${target.tokenId}: any token carrying it is refused until ${end.toISOString()} ` +
        '(with no token in hand its expiry is unknown: that is the longest lifetime the server accepts, ' +
        '[auth] max_token_lifetime_seconds, plus twice the largest clock leeway).',
  ];
  if (!SERVER_TOKEN_ID.test(target.tokenId)) {
    lines.push(
      `Note: "${target.tokenId}" is not a UUID, the form of every jti this server issues (login, token issue). ` +
        "That is expected for another issuer's tokens; if you meant a token of this server, check the jti with " +
        'fraiseql-ts token inspect <token>, or pass the whole token.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `token cleanup`: deletes, once, what can no longer refuse or refresh anything (the rules are
 * `RevocationStore.cleanup`'s: a revoke-all, or a revocation of unknown expiry, only under
 * `[auth] max_token_lifetime_seconds`). With the Redis store there are no revocations to delete
 * (its keys expire by TTL, or never), so it says so and deletes only what the database keeps.
 */
export async function tokenCleanup(revocations: RevocationBackend, stdout: (text: string) => void): Promise<number> {
  const counts = await revocations.cleanup();
  if (revocations.kind === 'redis') {
    stdout('Nothing to delete in Redis: revoked tokens and revoke-alls expire there on their own (TTL), except those kept for good.\n');
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

/**
 * A bare `jti`, or a whole token whose `jti`, `exp` and `sub` are read (not verified: revoking
 * a token needs no trust in it). Text that looks like a JWT must decode as a whole one: a
 * truncated or mistyped token would otherwise be "revoked" as a jti nobody carries while the
 * real token stays valid. Any other text of 1 to 255 characters is taken as a jti, since other
 * issuers' jtis take many forms (`AT.<random>` at Okta, for one, so a single dot is allowed).
 */
function readTarget(target: string): RevocationTarget {
  const jwtSign = jwtLikeness(target);
  if (jwtSign === undefined) {
    if (target === '' || target.length > MAX_REVOCABLE_TOKEN_ID_LENGTH) {
      throw new CommandError(`A token id (jti) has 1 to ${MAX_REVOCABLE_TOKEN_ID_LENGTH} characters.`, 2);
    }
    return { given: 'jti', tokenId: target };
  }
  let claims: Readonly<Record<string, unknown>>;
  try {
    const decoded = decodeCompactToken(target, Number.MAX_SAFE_INTEGER);
    if (decoded.partLengths[2] === 0) throw new Error('the signature part is empty');
    claims = decoded.payload;
  } catch (error) {
    const why = error instanceof PublicError ? explanationOf(error) : error instanceof Error ? error.message : String(error);
    throw new CommandError(
      `This looks like a JWT (${jwtSign}) but is not a whole token (${why}), so nothing was revoked. ` +
        'Pass the whole token, three dot-separated parts as the client sends it, or its jti ' +
        '(fraiseql-ts token inspect <token> shows it).',
      2,
    );
  }
  const tokenId = tokenIdOf(claims);
  if (tokenId === undefined) {
    throw new CommandError('This token has no jti, so it cannot be revoked alone; use --user <sub> to revoke every token of its subject.', 2);
  }
  if (tokenId.length > MAX_REVOCABLE_TOKEN_ID_LENGTH) {
    throw new CommandError(`This token's jti has ${tokenId.length} characters; at most ${MAX_REVOCABLE_TOKEN_ID_LENGTH} can be revoked.`, 2);
  }
  const exp = claims['exp'];
  const sub = claims['sub'];
  return {
    given: 'token',
    tokenId,
    ...(typeof exp === 'number' ? { expiresAt: new Date(exp * 1000) } : {}),
    ...(typeof sub === 'string' ? { subject: sub } : {}),
  };
}

/**
 * Why `text` looks like a JWT, or undefined: it starts with `eyJ` (every JWT header is JSON
 * beginning `{"`, RFC 7515 §7.1), has two dots or more, or has a dot after a part that decodes
 * to JSON text.
 */
function jwtLikeness(text: string): string | undefined {
  if (text.startsWith('eyJ')) return 'it starts with eyJ, as an encoded JWT header does';
  const dots = text.split('.').length - 1;
  if (dots >= 2) return `it has ${dots} dots`;
  const [first = ''] = text.split('.');
  if (dots !== 1 || !/^[A-Za-z0-9_-]+$/.test(first)) return undefined;
  const decoded = Buffer.from(first, 'base64url').toString('utf8').trimStart();
  return decoded.startsWith('{') ? 'its first part decodes to JSON, as a JWT header does' : undefined;
}
