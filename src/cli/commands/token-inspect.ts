import type { AuthOptions } from '../../auth/auth-options.ts';
import type { FetchFunction } from '../../auth/fetch-key-document.ts';
import { formatTokenInspection } from '../../auth/format-token-inspection.ts';
import type { TokenIdRule } from '../../auth/token-id-rule.ts';
import { inspectToken } from '../../auth/token-inspection.ts';

/** What the token commands need from the CLI around them. */
export interface TokenCommandIo {
  /** Writes to standard output (the token, the report). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (warnings, refusals). */
  readonly stderr: (text: string) => void;
  /** Reads standard input whole, for `token inspect -`. Default: none (then `-` is refused). */
  readonly readStdin?: () => Promise<string>;
  /** The project's authentication options, as the server would use them. */
  readonly authOptions: AuthOptions;
  /** What the project's revocation check demands of `jti`. Default: no revocation check. */
  readonly tokenIdRule?: TokenIdRule;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** For JWKS and discovery fetches. Default the global `fetch`. */
  readonly fetch?: FetchFunction;
}

/** The arguments of `fraiseql-ts token inspect`. */
export interface TokenInspectArgs {
  /** The token, optionally with its `Bearer ` prefix; `-` reads it from standard input. */
  readonly token: string;
  /** `--json`: print the whole inspection as JSON instead of one line per check. */
  readonly json?: boolean;
}

/**
 * `fraiseql-ts token inspect <token>`: decodes the token without verifying it, checks it
 * against the project's configuration and prints one line per check (or JSON with `--json`).
 * Exit code 0 only when the server would accept the token; 1 when it would refuse it; 2 when
 * no token was given. Secrets are never printed: keys are named by their label only.
 *
 * Reading the token from standard input (`-`) keeps it out of the shell history.
 */
export async function runTokenInspect(args: TokenInspectArgs, io: TokenCommandIo): Promise<number> {
  let token = args.token;
  if (token === '-') {
    if (io.readStdin === undefined) {
      io.stderr(
        'fraiseql-ts token inspect: reading the token from standard input is not available here\n',
      );
      return 2;
    }
    token = await io.readStdin();
  }
  token = token.trim();
  if (token === '') {
    io.stderr(
      'fraiseql-ts token inspect: no token given (pass it as an argument, or "-" and pipe it)\n',
    );
    return 2;
  }

  const inspection = await inspectToken(token, io.authOptions, {
    ...(io.now === undefined ? {} : { now: io.now }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
    ...(io.tokenIdRule === undefined ? {} : { tokenIdRule: io.tokenIdRule }),
  });
  io.stdout(
    args.json === true
      ? `${JSON.stringify(inspection, null, 2)}\n`
      : formatTokenInspection(inspection),
  );
  return inspection.accepted ? 0 : 1;
}
