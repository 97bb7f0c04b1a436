import type { ErrorReason } from '../errors/catalogue.ts';
import { PublicError } from '../errors/public-error.ts';
import { hideInputValues, quotesInputValues } from '../log/hide-input-values.ts';
import { redactSecretsInText } from '../log/redact-secrets.ts';
import { isDatabaseError, type DatabaseErrorLike } from './database.ts';

/**
 * Turns whatever a database call threw into the public error a client may see, by SQLSTATE
 * (PostgreSQL appendix A). Database text that could reveal SQL, table names or other rows is
 * never copied into a public message; the original goes to `logDetail` and `cause` for the
 * log. Anything not recognised becomes `INTERNAL`.
 */
export function toPublicError(error: unknown, options: { production: boolean }): PublicError {
  if (error instanceof PublicError) return error;
  if (!isDatabaseError(error)) {
    if (isConnectionFailure(error)) {
      // pg's pool gives the same timeout when the server is down and when every connection is
      // in use: the message must not claim the database is down when it is only busy.
      const busyOrDown = error instanceof Error && error.message.startsWith('timeout exceeded when trying to connect');
      return new PublicError('SERVICE_UNAVAILABLE', {
        message: busyOrDown
          ? 'No database connection became free in time (the database is busy or unreachable). Retry the request later.'
          : 'The database is unreachable. Retry the request later.',
        cause: error,
        logDetail: { reason: error instanceof Error ? error.message : String(error) },
      });
    }
    return new PublicError('INTERNAL', { cause: error });
  }

  const code = error.code ?? '';
  const logDetail = describeForLog(error);
  const base = { cause: error, logDetail };

  if (code === 'P0001') {
    const raised = raisedByFunction(error);
    if (raised !== undefined)
      return new PublicError(raised.reason, { ...base, message: raised.message });
    return new PublicError('INTERNAL', base);
  }
  if (code.startsWith('22')) {
    return new PublicError('BAD_USER_INPUT', {
      ...base,
      message: badInputMessage(code),
      ...(options.production ? {} : { extensions: { sqlstate: code } }),
    });
  }
  if (code.startsWith('23')) {
    const constraint = options.production ? undefined : error.constraint;
    return new PublicError('CONSTRAINT_VIOLATION', {
      ...base,
      message:
        constraintMessage(code) + (constraint === undefined ? '' : ` (constraint ${constraint})`),
      ...(options.production ? {} : { extensions: { sqlstate: code } }),
    });
  }
  switch (code) {
    case '42501':
      // Also a row-level security WITH CHECK failure ("new row violates row-level security").
      return new PublicError('PERMISSION_DENIED', base);
    case '57014':
      return new PublicError('TIMEOUT', base);
    case '40001':
    case '40P01':
    case '55P03':
      return new PublicError('SERVICE_UNAVAILABLE', {
        ...base,
        message:
          'The database could not finish the request because of concurrent changes. Retry the request.',
        extensions: { retryable: true },
      });
    case '53300':
    case '57P01':
    case '57P02':
    case '57P03':
      return new PublicError('SERVICE_UNAVAILABLE', {
        ...base,
        message: 'The database is unavailable. Retry the request later.',
        extensions: { retryable: true },
      });
    default:
      if (code.startsWith('08')) {
        return new PublicError('SERVICE_UNAVAILABLE', {
          ...base,
          message: 'The database is unreachable. Retry the request later.',
        });
      }
      return new PublicError('INTERNAL', base);
  }
}

/**
 * The spec page's convention for business errors raised by SQL functions:
 * `RAISE EXCEPTION 'Resource not found' USING ERRCODE = 'P0001', HINT = 'NOT_FOUND'`.
 * The HINT names the public code and the exception's message is shown as written.
 */
const RAISED_HINTS: Readonly<Record<string, { reason: ErrorReason; fallback: string }>> = {
  NOT_FOUND: { reason: 'NOT_FOUND', fallback: 'Not found' },
  CONFLICT: { reason: 'CONFLICT', fallback: 'Conflict' },
  FORBIDDEN: { reason: 'PERMISSION_DENIED', fallback: 'User does not have permission' },
  BAD_USER_INPUT: { reason: 'BAD_USER_INPUT', fallback: 'Invalid input' },
  UNAUTHENTICATED: { reason: 'RAISED_UNAUTHENTICATED', fallback: 'Authentication required' },
  CONSTRAINT_VIOLATION: { reason: 'CONSTRAINT_VIOLATION', fallback: 'Constraint violation' },
};

function raisedByFunction(
  error: DatabaseErrorLike,
): { reason: ErrorReason; message: string } | undefined {
  const hint = error.hint?.trim();
  if (hint === undefined || !Object.hasOwn(RAISED_HINTS, hint)) return undefined;
  const entry = RAISED_HINTS[hint];
  if (entry === undefined) return undefined;
  const message = error.message.trim();
  return { reason: entry.reason, message: message === '' ? entry.fallback : message };
}

/** Class 22 describes a value the caller sent; the messages name the kind of problem only. */
function badInputMessage(code: string): string {
  switch (code) {
    case '22001':
      return 'A value is too long for the field it is stored in.';
    case '22003':
      return 'A number is outside the allowed range.';
    case '22004':
    case '22002':
      return 'A required value is missing.';
    case '22007':
    case '22008':
      return 'A date or time value is not valid.';
    case '22012':
      return 'The input leads to a division by zero.';
    case '22021':
    case '22P05':
    case '2200N':
      return 'A value contains characters that are not allowed.';
    case '22P02':
      return 'A value does not have the format its type requires (for example a malformed UUID or number).';
    case '22030':
    case '22031':
    case '22032':
    case '22033':
    case '22034':
    case '22035':
    case '22036':
    case '22037':
    case '22038':
    case '22039':
    case '2203A':
    case '2203B':
    case '2203C':
    case '2203D':
    case '2203E':
    case '2203F':
      return 'A JSON value is not valid here.';
    default:
      return 'A value in the request is not valid.';
  }
}

/** Class 23: plain words, no table names; the constraint name is added outside production. */
function constraintMessage(code: string): string {
  switch (code) {
    case '23505':
      return 'A record with the same unique value already exists.';
    case '23503':
      return 'The change refers to a record that does not exist, or removes a record that others still refer to.';
    case '23502':
      return 'A required value is missing.';
    case '23514':
      return 'A value does not satisfy a rule of the data.';
    case '23P01':
      return 'The change conflicts with an existing record.';
    default:
      return 'The change breaks a rule of the data.';
  }
}

function describeForLog(error: DatabaseErrorLike): Record<string, unknown> {
  // Data and integrity errors quote the client's input; the log keeps the sentence only.
  const clean = (text: string): string =>
    redactSecretsInText(quotesInputValues(error.code) ? hideInputValues(text) : text);
  const detail: Record<string, unknown> = {
    sqlstate: error.code,
    databaseMessage: clean(error.message),
  };
  if (error.detail !== undefined) detail.databaseDetail = clean(error.detail);
  if (error.hint !== undefined) detail.databaseHint = error.hint;
  if (error.constraint !== undefined) detail.constraint = error.constraint;
  return detail;
}

/** Socket-level failures and pool timeouts from node-postgres. */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === 'EPIPE'
  ) {
    return true;
  }
  return (
    error.message.startsWith('timeout exceeded when trying to connect') ||
    error.message.startsWith('Connection terminated')
  );
}
