import type { ErrorReason } from '../errors/catalogue.ts';
import { PublicError } from '../errors/public-error.ts';

/**
 * Builds the `PublicError` for a refused credential. The client sees only the catalogue
 * message and `extensions.reason`; `explanation` (a sentence an operator can act on) and
 * `detail` (expected vs actual values, kid, alg) go to the log only. Neither may hold the
 * token or a secret.
 */
export function authFailure(
  reason: ErrorReason,
  explanation: string,
  detail: Record<string, unknown> = {},
  cause?: unknown,
): PublicError {
  return new PublicError(reason, {
    extensions: { reason },
    logDetail: { reason, explanation, ...detail },
    cause,
  });
}

/** The operator-facing sentence stored on an auth failure, or the error's message. */
export function explanationOf(error: PublicError): string {
  const explanation = error.logDetail?.['explanation'];
  return typeof explanation === 'string' ? explanation : error.message;
}
