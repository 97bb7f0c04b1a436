import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { toPublicError } from '../../src/db/map-database-error.ts';
import { PublicError } from '../../src/errors/public-error.ts';

function dbError(
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Error & { code: string; detail?: string } {
  return Object.assign(new Error(message), { code, ...extra });
}

const PRODUCTION = { production: true };
const DEVELOPMENT = { production: false };

describe('toPublicError', () => {
  test("class 22 is the caller's input: a fixed message without the value or SQL", () => {
    const error = dbError('22P02', 'invalid input syntax for type uuid: "secret-value"');
    const mapped = toPublicError(error, PRODUCTION);
    assert.equal(mapped.reason, 'BAD_USER_INPUT');
    assert.equal(mapped.code, 'BAD_USER_INPUT');
    assert.equal(mapped.status, 400);
    assert.match(mapped.message, /format its type requires/);
    assert.doesNotMatch(mapped.message, /secret-value/);
    assert.deepEqual(mapped.extensions, {});
    assert.equal(mapped.cause, error);
    // The log keeps the sentence, not the value the client sent.
    assert.equal(mapped.logDetail?.databaseMessage, 'invalid input syntax for type uuid: "[value hidden]"');

    assert.match(toPublicError(dbError('22001', 'value too long'), PRODUCTION).message, /too long/);
    assert.match(
      toPublicError(dbError('22012', 'division by zero'), PRODUCTION).message,
      /division by zero/,
    );
    assert.match(toPublicError(dbError('22999', 'odd'), PRODUCTION).message, /not valid/);
    assert.deepEqual(toPublicError(error, DEVELOPMENT).extensions, { sqlstate: '22P02' });
  });

  test('class 23: plain words; the constraint name only outside production', () => {
    const error = dbError(
      '23505',
      'duplicate key value violates unique constraint "tb_user_email_key"',
      {
        constraint: 'tb_user_email_key',
        detail: 'Key (email)=(alice@example.com) already exists.',
      },
    );
    const production = toPublicError(error, PRODUCTION);
    assert.equal(production.reason, 'CONSTRAINT_VIOLATION');
    assert.equal(production.status, 409);
    assert.equal(production.message, 'A record with the same unique value already exists.');
    assert.doesNotMatch(
      JSON.stringify({ m: production.message, e: production.extensions }),
      /alice|tb_user/,
    );
    assert.equal(production.logDetail?.databaseDetail, 'Key (email)=([value hidden]) already exists.');
    assert.equal(production.logDetail?.databaseMessage, error.message, 'the constraint name stays');

    const development = toPublicError(error, DEVELOPMENT);
    assert.equal(
      development.message,
      'A record with the same unique value already exists. (constraint tb_user_email_key)',
    );
    for (const [code, pattern] of [
      ['23503', /refers to a record that does not exist/],
      ['23502', /required value is missing/],
      ['23514', /rule of the data/],
      ['23P01', /conflicts with an existing record/],
    ] as const) {
      const mapped = toPublicError(dbError(code, 'x'), PRODUCTION);
      assert.equal(mapped.reason, 'CONSTRAINT_VIOLATION', code);
      assert.match(mapped.message, pattern);
    }
  });

  test('permission, timeout and retryable failures', () => {
    const denied = toPublicError(
      dbError('42501', 'new row violates row-level security policy for table "tb"'),
      PRODUCTION,
    );
    assert.equal(denied.code, 'FORBIDDEN');
    assert.equal(denied.status, 403);
    assert.equal(denied.message, 'User does not have permission');

    const timeout = toPublicError(
      dbError('57014', 'canceling statement due to statement timeout'),
      PRODUCTION,
    );
    assert.equal(timeout.code, 'TIMEOUT');
    assert.equal(timeout.status, 504);

    for (const code of ['40001', '40P01']) {
      const retry = toPublicError(dbError(code, 'could not serialize access'), PRODUCTION);
      assert.equal(retry.code, 'SERVICE_UNAVAILABLE');
      assert.equal(retry.status, 503);
      assert.match(retry.message, /Retry/);
      assert.deepEqual(retry.extensions, { retryable: true });
    }
    assert.equal(
      toPublicError(dbError('08006', 'connection failure'), PRODUCTION).code,
      'SERVICE_UNAVAILABLE',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    assert.equal(toPublicError(refused, PRODUCTION).code, 'SERVICE_UNAVAILABLE');
    assert.match(toPublicError(refused, PRODUCTION).message, /The database is unreachable/);
    // pg's pool says the same when every connection is busy: the message must not claim "down".
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    assert.equal(toPublicError(poolTimeout, PRODUCTION).code, 'SERVICE_UNAVAILABLE');
    assert.match(
      toPublicError(poolTimeout, PRODUCTION).message,
      /^No database connection became free in time \(the database is busy or unreachable\)/,
    );
  });

  test('P0001 with a HINT naming a public code forwards the code and the message', () => {
    const cases = [
      ['NOT_FOUND', 'NOT_FOUND', 404],
      ['CONFLICT', 'CONFLICT', 409],
      ['FORBIDDEN', 'FORBIDDEN', 403],
      ['BAD_USER_INPUT', 'BAD_USER_INPUT', 400],
      ['UNAUTHENTICATED', 'UNAUTHENTICATED', 401],
      ['CONSTRAINT_VIOLATION', 'CONSTRAINT_VIOLATION', 409],
    ] as const;
    for (const [hint, code, status] of cases) {
      const mapped = toPublicError(dbError('P0001', 'Resource not found', { hint }), PRODUCTION);
      assert.equal(mapped.code, code, hint);
      assert.equal(mapped.status, status, hint);
      assert.equal(mapped.message, 'Resource not found');
    }
    assert.equal(
      toPublicError(dbError('P0001', '', { hint: 'NOT_FOUND' }), PRODUCTION).message,
      'Not found',
    );
  });

  test('anything else is INTERNAL with the catalogue message; the original stays in the log detail', () => {
    for (const error of [
      dbError('P0001', 'internal detail: table tb_secret', { hint: 'not a code' }),
      dbError('P0001', 'internal detail: table tb_secret'),
      dbError('P0001', 'internal detail', { hint: 'not_found' }),
      dbError('42P01', 'relation "tb_secret" does not exist'),
      dbError('XX000', 'internal'),
      new Error('something broke'),
      'a string',
    ]) {
      const mapped = toPublicError(error, DEVELOPMENT);
      assert.equal(mapped.reason, 'INTERNAL');
      assert.equal(mapped.status, 500);
      assert.match(mapped.message, /An internal error occurred/);
      assert.equal(mapped.cause, error);
    }
    const withHint = toPublicError(dbError('P0001', 'boom', { hint: 'whatever' }), PRODUCTION);
    assert.deepEqual(withHint.logDetail, {
      sqlstate: 'P0001',
      databaseMessage: 'boom',
      databaseHint: 'whatever',
    });
  });

  test('a PublicError passes through unchanged', () => {
    const error = new PublicError('NOT_FOUND', { message: 'Post not found' });
    assert.equal(toPublicError(error, PRODUCTION), error);
  });
});
