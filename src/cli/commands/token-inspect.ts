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
 * With `--json`, every outcome is one JSON document on standard output, a failure to inspect
 * included (`{ "accepted": false, "error": "..." }`, see `printInspectError`), so a script
 * can always parse what it gets. Reading the token from standard input (`-`) keeps it out of
 * the shell history.
 */
export async function runTokenInspect(args: TokenInspectArgs, io: TokenCommandIo): Promise<number> {
  const json = args.json === true;
  let token = args.token;
  if (token === '-') {
    if (io.readStdin === undefined) {
      return printInspectError(io, json, 'reading the token from standard input is not available here', 2);
    }
    token = await io.readStdin();
  }
  token = token.trim();
  if (token === '') {
    return printInspectError(io, json, 'no token given (pass it as an argument, or "-" and pipe it)', 2);
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

/**
 * Reports that no inspection could be made (no token, no project, a configuration error) and
 * returns `exitCode`: as `{ "accepted": false, "error": "<message>" }` on standard output with
 * `--json`, else as a line on standard error.
 */
export function printInspectError(
  io: Pick<TokenCommandIo, 'stdout' | 'stderr'>,
  json: boolean,
  message: string,
  exitCode: number,
): number {
  if (json) io.stdout(`${JSON.stringify({ accepted: false, error: message }, null, 2)}\n`);
  else io.stderr(`fraiseql-ts token inspect: ${message}\n`);
  return exitCode;
}
