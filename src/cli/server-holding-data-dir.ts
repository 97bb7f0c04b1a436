import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { DataDirLockedError } from '../db/data-dir-lock.ts';
import { recordedServerUrl } from '../server/server-address-file.ts';
import { CommandError } from './run-command.ts';

/**
 * The running server to go through when it holds the embedded data directory: `--server` when
 * given, else the address that server recorded beside its lock. Never a guess from the
 * configured port: the command sends a short-lived admin token there, and another program may
 * be listening on it.
 *
 * @throws CommandError when `--server` is not a server URL, or no address is known.
 */
export function serverHoldingDataDir(
  config: ResolvedConfig,
  locked: DataDirLockedError,
  explicit: string | undefined,
): string {
  if (explicit !== undefined) return explicitServerUrl(explicit);
  const recorded = recordedServerUrl(config.paths.dataDir, locked.pid);
  if (recorded !== undefined) return recorded;
  throw new CommandError(
    `${locked.message}\nThat server recorded no address to reach it at (it was not started by ` +
      '"fraiseql-ts serve" of this version). Pass --server http://<host>:<port> of that server, ' +
      'or stop it and run the command again.',
  );
}

/**
 * `--server`: an http(s) URL of a server, without a path; refused with a message otherwise.
 * Commands check it up front, so a mistyped URL is reported even when the database can be
 * opened directly and the server would not be needed.
 */
export function explicitServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CommandError(`--server must be the URL of a running server, such as http://127.0.0.1:8000; got "${text}".`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.replace(/\/+$/, '') !== '' || url.search !== '') {
    throw new CommandError(
      `--server must be an http:// or https:// URL without a path, such as http://127.0.0.1:8000; got "${text}".`,
    );
  }
  return url.origin;
}
