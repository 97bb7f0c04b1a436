import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PublicError } from '../../src/errors/public-error.ts';
import type { FilterContext } from '../../src/sql/filter-context.ts';
import { compileOrderBy } from '../../src/sql/order-by.ts';
import { ParameterList } from '../../src/sql/parameter-list.ts';
import { DOCUMENT_ONLY_COLUMNS, POST, POST_COLUMNS, SCHEMA } from './support/fixture-schema.ts';

function keys(orderBy: unknown, options: Partial<FilterContext> = {}): string[] {
  const parameters = new ParameterList();
  const compiled = compileOrderBy(orderBy, POST, {
    schema: SCHEMA,
    columns: POST_COLUMNS,
    jsonbColumn: 'data',
    parameters,
    ...options,
  });
  assert.deepEqual(parameters.values, [], 'orderBy binds no values');
  return compiled.map((key) => `${key.expression} ${key.direction}`);
}

const ALLOWED =
  'id, title, body, slug, views, rating, price, published, createdAt, publishedOn, publishAt, ' +
  'externalId, status, contactEmail, secretNote';

function refused(orderBy: unknown, message: string | RegExp): void {
  assert.throws(
    () => keys(orderBy),
    (error: unknown) => {
      assert.ok(error instanceof PublicError);
      assert.equal(error.reason, 'BAD_USER_INPUT');
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
}

test('keys are typed by scalar, prefer native columns, and end with the id tiebreak', () => {
  assert.deepEqual(
    keys([
      { field: 'createdAt', direction: 'DESC' },
      { field: 'views', direction: 'ASC' },
      { field: 'rating' },
      { field: 'publishedOn', direction: 'desc' },
      { field: 'title', direction: null },
      { field: 'status' },
    ]),
    [
      '"created_at" DESC',
      `("data"->>'views')::bigint ASC`,
      `("data"->>'rating')::numeric ASC`,
      `("data"->>'published_on')::date DESC`,
      `"data"->>'title' ASC`,
      `"data"->>'status' ASC`,
      '"id" ASC',
    ],
  );
});

test('no orderBy still gives a stable order; a view without id gets no tiebreak', () => {
  assert.deepEqual(keys(undefined), ['"id" ASC']);
  assert.deepEqual(keys(null), ['"id" ASC']);
  assert.deepEqual(keys([]), ['"id" ASC']);
  assert.deepEqual(keys([{ field: 'views' }], { columns: new Map([['data', 'jsonb']]) }), [
    `("data"->>'views')::bigint ASC`,
  ]);
  assert.deepEqual(keys({ field: 'createdAt' }, { columns: DOCUMENT_ONLY_COLUMNS }), [
    `("data"->>'created_at')::timestamptz ASC`,
    '"id" ASC',
  ]);
});

test('sorting on the id column already is not repeated', () => {
  assert.deepEqual(keys([{ field: 'id', direction: 'DESC' }]), ['"id" DESC']);
  assert.deepEqual(keys([{ field: 'id' }, { field: 'views' }]), [
    '"id" ASC',
    `("data"->>'views')::bigint ASC`,
  ]);
});

test('anything but a single scalar field is refused, naming the allowed fields', () => {
  refused(
    [{ field: 'nope' }],
    `orderBy[0].field: Post cannot be sorted by nope; use one of ${ALLOWED}`,
  );
  refused([{ field: 'author' }], /cannot be sorted by author/);
  refused([{ field: 'tags' }], /cannot be sorted by tags/);
  refused([{ field: 'metadata' }], /cannot be sorted by metadata/);
  refused([{ field: 'created_at' }], /cannot be sorted by created_at/);
  refused([{ field: "x' DESC; --" }], /cannot be sorted by "x' DESC; --"/);
  refused([{ direction: 'ASC' }], `orderBy[0].field must name a field of Post: one of ${ALLOWED}`);
  refused([{ field: 'views', direction: 'UP' }], 'orderBy[0].direction must be ASC or DESC');
  refused([{ field: 'views', direction: 'ASC; DROP TABLE x' }], /must be ASC or DESC/);
  refused(
    [{ field: 'views', nulls: 'FIRST' }],
    'orderBy[0].nulls is not accepted: give only field and direction',
  );
  refused(['views'], 'orderBy[0] must be an object { field, direction }');
  refused(
    [{ field: 'views' }, { field: 'views', direction: 'DESC' }],
    /views is already a sort key/,
  );
});

test('sorting on a protected field is refused without an authorizer', () => {
  assert.throws(
    () => keys([{ field: 'secretNote' }]),
    (error: unknown) => error instanceof PublicError && error.reason === 'INSUFFICIENT_SCOPE',
  );
  assert.deepEqual(keys([{ field: 'secretNote' }], { authorizeField: () => undefined }), [
    `"data"->>'secret_note' ASC`,
    '"id" ASC',
  ]);
});
