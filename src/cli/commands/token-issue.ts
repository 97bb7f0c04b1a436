import { localTime } from '../../auth/describe-instant.ts';
import { issueDevelopmentToken } from '../../auth/token-issue.ts';
import type { TokenCommandIo } from './token-inspect.ts';

/** The options of `fraiseql-ts token issue`, named as the command's flags. */
export interface TokenIssueArgs {
  /** `--sub`: the subject. Required: there is no default user (see `SUBJECT_REQUIRED`). */
  readonly sub?: string;
  /** `--scope`: scopes; each value may itself hold several, separated by spaces or commas. */
  readonly scope?: readonly string[];
  /** `--role`: roles, same rule. */
  readonly role?: readonly string[];
  /** `--aud`: audience. Default: the first configured audience. */
  readonly aud?: string;
  /** `--iss`: issuer. Default: the configured issuer. */
  readonly iss?: string;
  /** `--ttl`: lifetime, in seconds or with a unit (`90s`, `30m`, `1h`, `2d`). Default 1 hour. */
  readonly ttl?: string | number;
  /**
   * `--claim key=value`: extra claims. The value is parsed as JSON when it can be (`42`,
   * `true`, `["a"]`), else kept as text; a dotted key nests (`org.id=42` gives `{org:{id:42}}`).
   */
  readonly claim?: readonly string[];
  /** `--json`: print `{ token, header, claims, expiresAt }` instead of the bare token. */
  readonly json?: boolean;
  /** `--force`: issue even in production (see `issueDevelopmentToken`). */
  readonly force?: boolean;
}

/**
 * The usage error of `token issue` without `--sub`. A made-up default subject would be no user
 * of the API: its views would refuse it with an error that blames the client's input (the
 * example's UUID columns: `A value does not have the format its type requires`).
 */
export const SUBJECT_REQUIRED =
  '--sub is required: the subject (sub claim) of the user the token speaks for, as the API ' +
  'knows it. In the bundled example, --sub 11111111-1111-1111-1111-111111111111 is alice; ' +
  '`fraiseql-ts users list` shows the subject of each login user.';

/**
 * `fraiseql-ts token issue`: prints an HS256 development token signed with the configured
 * `JWT_SECRET`, on its own line so that `TOKEN=$(fraiseql-ts token issue --sub <subject>)`
 * works; a note about what it grants goes to standard error. Exit code 0 on success, 1 when the
 * token cannot be issued (the reason is printed), 2 without `--sub` (a usage error). The secret
 * is never printed.
 */
export async function runTokenIssue(args: TokenIssueArgs, io: TokenCommandIo): Promise<number> {
  const usage = refuseWithoutSubject(args, io.stderr);
  if (usage !== undefined) return usage;
  try {
    const lifetimeSeconds = parseLifetime(args.ttl);
    const minted = await issueDevelopmentToken(
      {
        subject: args.sub ?? '',
        scopes: splitList(args.scope),
        roles: splitList(args.role),
        ...(args.aud === undefined ? {} : { audience: args.aud }),
        ...(args.iss === undefined ? {} : { issuer: args.iss }),
        ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
        claims: parseClaims(args.claim ?? []),
      },
      io.authOptions,
      { force: args.force === true, ...(io.now === undefined ? {} : { now: io.now }) },
    );
    const exp = minted.claims['exp'];
    const expiresAt = typeof exp === 'number' ? localTime(exp) : 'never';
    if (args.json === true) {
      io.stdout(`${JSON.stringify({ ...minted, expiresAt }, null, 2)}\n`);
    } else {
      io.stdout(`${minted.token}\n`);
      io.stderr(
        `Development token for "${String(minted.claims['sub'])}", valid until ${expiresAt}. ` +
          'Check it with: fraiseql-ts token inspect <token>\n',
      );
    }
    return 0;
  } catch (error) {
    io.stderr(
      `fraiseql-ts token issue: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

/**
 * Prints the usage error and resolves to its exit code (2) when `--sub` is missing or blank;
 * undefined otherwise. Checked before the project is read, so that nothing (a development
 * secret file) is written for a command that cannot run.
 */
export function refuseWithoutSubject(args: TokenIssueArgs, stderr: (text: string) => void): number | undefined {
  if (args.sub !== undefined && args.sub.trim() !== '') return undefined;
  stderr(`fraiseql-ts token issue: ${SUBJECT_REQUIRED}\n`);
  return 2;
}

/** Seconds from `3600`, `90s`, `30m`, `1h` or `2d`; undefined when not given. */
export function parseLifetime(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(value);
  if (match === null) {
    throw new Error(`--ttl "${value}" is not a duration; use seconds or 90s, 30m, 1h, 2d`);
  }
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit === 'm' ? 60 : unit === 'h' ? 3600 : unit === 'd' ? 86_400 : 1;
  return amount * factor;
}

/** Every item of repeated flags, each split on spaces and commas. */
function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/[\s,]+/)).filter((item) => item !== '');
}

/** `key=value` pairs into a claims object; dotted keys nest. */
export function parseClaims(pairs: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`--claim "${pair}" must look like key=value`);
    const path = pair.slice(0, equals).split('.');
    if (path.some((segment) => segment === '' || segment === '__proto__')) {
      throw new Error(`--claim "${pair}" has an invalid key`);
    }
    let target = claims;
    for (const segment of path.slice(0, -1)) {
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (
        next !== undefined &&
        (next === null || typeof next !== 'object' || Array.isArray(next))
      ) {
        throw new Error(`--claim "${pair}" nests under ${segment}, which already holds a value`);
      }
      const child: Record<string, unknown> =
        next === undefined ? {} : (next as Record<string, unknown>);
      target[segment] = child;
      target = child;
    }
    target[path[path.length - 1] ?? ''] = parseValue(pair.slice(equals + 1));
  }
  return claims;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
