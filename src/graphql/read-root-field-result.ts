import type { QueryResult } from '../db/database.ts';
import { PublicError } from '../errors/public-error.ts';
import type { ErrorReason } from '../errors/catalogue.ts';
import type { MutationResponseRow } from '../sql/mutation-statement.ts';
import type { ReadRow } from '../sql/read-statement.ts';
import type { ExecutorContext } from './execute-operation.ts';
import type { ResolvedRootField } from './resolve-root-fields.ts';

/** A root field's value as JSON text, or the error that replaced it (the value is then null). */
export interface RootFieldResult {
  readonly json: string;
  readonly error?: PublicError;
}

/**
 * Turns the rows of a root field's statement into its JSON. The database already shaped every
 * item; this only joins rows into a list, enforces single-row and page-size rules, and maps a
 * failed `mutation_response` to an error entry.
 */
export function readResultJson(
  context: ExecutorContext,
  field: Extract<ResolvedRootField, { kind: 'query' | 'mutation' }>,
  result: QueryResult,
): RootFieldResult {
  if (field.kind === 'query') return readQueryResult(context, field, result.rows as unknown as readonly ReadRow[]);
  const shape = context.catalog.functionShape(field.mutation.sqlFunction);
  if (shape.returns === 'mutation_response') {
    return readMutationResponse(field, result.rows as unknown as readonly MutationResponseRow[]);
  }
  const rows = result.rows as unknown as readonly ReadRow[];
  if (shape.returns === 'setof jsonb' || shape.returns === 'setof json') {
    if (field.mutation.returnsList) return { json: `[${rows.map((row) => row.json ?? 'null').join(',')}]` };
  }
  return single(field.mutation.name, field.mutation.nullable, rows);
}

function readQueryResult(
  context: ExecutorContext,
  field: Extract<ResolvedRootField, { kind: 'query' }>,
  rows: readonly ReadRow[],
): RootFieldResult {
  const { query, args } = field;
  if (!query.returnsList) return single(query.name, query.nullable, rows);

  const explicitLimit = typeof args.limit === 'number';
  if (!explicitLimit && rows.length > context.maxPageSize) {
    throw new PublicError('BAD_USER_INPUT', {
      message:
        `${query.name} matches more than ${context.maxPageSize} rows, the maximum page size. ` +
        `Pass limit (at most ${context.maxPageSize}) and offset to page through them, or narrow where.`,
      extensions: { maxPageSize: context.maxPageSize },
    });
  }
  return { json: `[${rows.map((row) => row.json ?? 'null').join(',')}]` };
}

function single(name: string, nullable: boolean, rows: readonly { json: string | null }[]): RootFieldResult {
  if (rows.length > 1) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${name} returns one row, but more than one matched these arguments. Give arguments that identify one row.`,
    });
  }
  const json = rows[0]?.json ?? null;
  if (json === null && !nullable) {
    throw new PublicError('NOT_FOUND', { message: `${name} found nothing for these arguments.` });
  }
  return { json: json ?? 'null' };
}

/**
 * FraiseQL's error classes and the catalogue reasons they become. A Map, not an object: the
 * class comes from the function's row, and `constructor` or `__proto__` must not find
 * `Object`'s members.
 */
const ERROR_CLASS_REASONS: ReadonlyMap<string, ErrorReason> = new Map([
  ['validation', 'BAD_USER_INPUT'],
  ['conflict', 'CONFLICT'],
  ['not_found', 'NOT_FOUND'],
  ['unauthorized', 'MISSING_TOKEN'],
  ['forbidden', 'PERMISSION_DENIED'],
  ['timeout', 'TIMEOUT'],
  ['rate_limited', 'SERVICE_UNAVAILABLE'],
  ['service_unavailable', 'SERVICE_UNAVAILABLE'],
]);

/** The classes FraiseQL's `mutation_response` defines that are the server's failure. */
const INTERNAL_ERROR_CLASSES: ReadonlySet<string> = new Set(['internal', 'transaction_failed']);

function readMutationResponse(
  field: Extract<ResolvedRootField, { kind: 'mutation' }>,
  rows: readonly MutationResponseRow[],
): RootFieldResult {
  const { mutation } = field;
  const [row, ...others] = rows;
  if (row === undefined || others.length > 0) {
    throw new Error(`Function of mutation ${mutation.name} returned ${rows.length} mutation_response rows, not 1`);
  }
  if (row.succeeded === true) {
    if (row.entity === null && !mutation.nullable) {
      throw new Error(`Mutation ${mutation.name} succeeded but its function returned no entity`);
    }
    return { json: row.entity ?? 'null' };
  }

  const errorClass = row.error_class ?? 'internal';
  const reason = ERROR_CLASS_REASONS.get(errorClass);
  if (reason === undefined) {
    // internal / transaction_failed / unknown: the function's message may describe internals.
    const advice = INTERNAL_ERROR_CLASSES.has(errorClass)
      ? ''
      : ` That is not one of FraiseQL's error classes (${[...ERROR_CLASS_REASONS.keys(), ...INTERNAL_ERROR_CLASSES].join(', ')}): ` +
        `make the function return one of them, e.g. through fraiseql.mutation_err.`;
    throw new Error(
      `Mutation ${mutation.name} failed with error_class ${JSON.stringify(errorClass)}: ${row.message ?? ''}.${advice}`,
    );
  }
  const detail = parseDetail(row.error_detail);
  // The row's http_status, when it sets one, is the response's status too: a client must not
  // see one status on the response and another in extensions.httpStatus.
  const error = new PublicError(reason, {
    ...(row.http_status === null ? {} : { status: row.http_status }),
    message: row.message !== null && row.message !== '' ? row.message : `${mutation.name} failed (${errorClass}).`,
    extensions: {
      reason: 'MUTATION_FAILED',
      errorClass,
      ...(row.status_detail === null ? {} : { statusDetail: row.status_detail }),
      ...(row.http_status === null ? {} : { httpStatus: row.http_status }),
      ...(detail === undefined ? {} : { detail }),
    },
  });
  if (!mutation.nullable) throw error;
  return { json: 'null', error };
}

function parseDetail(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
