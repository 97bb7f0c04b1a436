import type { GraphQLError } from 'graphql';

import { ERROR_CATALOGUE, type ErrorReason } from '../errors/catalogue.ts';
import type { PublicError } from '../errors/public-error.ts';

/** One entry of a GraphQL response's `errors` list. */
export interface ErrorEntry {
  readonly message: string;
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly path?: readonly (string | number)[];
  readonly extensions: Readonly<Record<string, unknown>>;
}

/** The entry for a PublicError: its message, and `code` plus its own extensions. */
export function publicErrorEntry(
  error: PublicError,
  requestId: string,
  path?: readonly (string | number)[],
): ErrorEntry {
  return {
    message: error.message,
    ...(path === undefined ? {} : { path }),
    extensions: { code: error.code, ...error.extensions, requestId },
  };
}

/** The entry for a graphql-js parse or validation error, under a catalogue reason. */
export function graphqlErrorEntry(error: GraphQLError, reason: ErrorReason, requestId: string): ErrorEntry {
  return {
    message: withoutSuggestions(error.message),
    ...(error.locations === undefined ? {} : { locations: error.locations }),
    ...(error.path === undefined ? {} : { path: error.path }),
    extensions: { code: ERROR_CATALOGUE[reason].code, reason, requestId },
  };
}

const SUGGESTION = ' Did you mean ';

/**
 * graphql-js ends validation and coercion messages with `Did you mean "users"?`, naming what
 * exists in the full schema. Per-caller introspection hides operations and fields a caller may
 * not use, and production turns introspection off; suggestions would list them anyway, one
 * typo at a time. The message without them still says what was wrong.
 *
 * Cuts from the first ` Did you mean ` after which the only `?` is the message's last
 * character. Found with two searches, not a regular expression: the message quotes the client's
 * values, and `/ Did you mean [^?]*\?$/` rescans to the end from every occurrence, quadratic in
 * a value that repeats the phrase.
 */
export function withoutSuggestions(message: string): string {
  if (!message.endsWith('?')) return message;
  const lastButOneQuestion = message.lastIndexOf('?', message.length - 2);
  const start = message.indexOf(SUGGESTION, lastButOneQuestion + 1);
  return start === -1 ? message : message.slice(0, start);
}

/** A response body with errors and, when given, the data part already serialised. */
export function errorsBody(entries: readonly ErrorEntry[], dataJson?: string): string {
  const errors = JSON.stringify(entries);
  return dataJson === undefined ? `{"errors":${errors}}` : `{"errors":${errors},"data":${dataJson}}`;
}
