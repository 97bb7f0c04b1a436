import { PublicError } from '../errors/public-error.ts';
import { explanationOf } from './auth-failure.ts';
import type { AuthLogger } from './auth-logger.ts';

/**
 * Logs why a credential was refused, as one debug line: `Authentication refused (<reason>):
 * <explanation>`, with the facts behind it (expected and actual values, kid, alg) and the
 * token's `fingerprint`, the one `token inspect` prints, so a client's complaint can be matched
 * with the server's line. Every refusal goes through here, whether the token's signature and
 * claims failed or the revocation check refused it afterwards. Never the token or a secret.
 * An error that is not a `PublicError` is a bug, logged as an error.
 */
export function logAuthRefusal(
  logger: AuthLogger,
  error: unknown,
  fingerprint: string | undefined,
): void {
  if (error instanceof PublicError) {
    // The explanation is the message of the line; the rest are the facts behind it.
    const { explanation: _explanation, ...facts } = error.logDetail ?? {};
    logger.debug(
      { ...facts, reason: error.reason, fingerprint },
      `Authentication refused (${error.reason}): ${explanationOf(error)}`,
    );
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  logger.error({ error: message, fingerprint }, 'Token verification failed unexpectedly');
}
