import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PublicError } from '../../src/errors/public-error.ts';
import { buildReadStatement, type ReadQuery } from '../../src/sql/read-statement.ts';
import { POST, POST_COLUMNS, SCHEMA } from './support/fixture-schema.ts';
import { scalar } from './support/selections.ts';

const LIST: ReadQuery = {
  source: { name: 'v_post' },
  jsonbColumn: 'data',
  type: POST,
  schema: SCHEMA,
  columns: POST_COLUMNS,
  selection: [scalar('title')],
  single: false,
  equalities: [],
  limit: 10,
};

function publicError(reason: string, message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PublicError, String(error));
    assert.equal(error.reason, reason);
    assert.match(error.message, message);
    return true;
  };
}

test('lists always carry a bound LIMIT and OFFSET, 0 when none was given', () => {
  const statement = buildReadStatement({ ...LIST, limit: 7 });
  assert.match(statement.text, /\n {2}LIMIT \$1::bigint OFFSET \$2::bigint\n\) AS t\n/);
  assert.deepEqual(statement.values, ['7', '0']);
  assert.deepEqual(buildReadStatement({ ...LIST, limit: 7, offset: 3 }).values, ['7', '3']);
});

test('a list without a limit is a programmer error; bad numbers are the client’s', () => {
  assert.throws(() => buildReadStatement({ ...LIST, limit: undefined }), TypeError);
  assert.throws(
    () => buildReadStatement({ ...LIST, limit: -1 }),
    publicError('BAD_USER_INPUT', /limit must be a whole number/),
  );
  assert.throws(
    () => buildReadStatement({ ...LIST, offset: 1.5 }),
    publicError('BAD_USER_INPUT', /offset must be/),
  );
});

test('single reads use LIMIT 2 and take no paging or ordering', () => {
  const statement = buildReadStatement({ ...LIST, single: true, limit: undefined });
  assert.match(statement.text, /\n {2}LIMIT 2\n\) AS t$/);
  assert.doesNotMatch(statement.text, /ORDER BY/);
  assert.deepEqual(statement.values, []);
  assert.throws(() => buildReadStatement({ ...LIST, single: true }), TypeError);
  assert.throws(
    () =>
      buildReadStatement({
        ...LIST,
        single: true,
        limit: undefined,
        orderBy: [{ field: 'views' }],
      }),
    TypeError,
  );
});

test('the document is selected once in the subquery and projected outside it', () => {
  const { text } = buildReadStatement({ ...LIST, where: { views: { gt: 1 } } });
  const [outer, inner] = text.split('FROM (\n');
  assert.match(outer ?? '', /t\."data"->>'title'/);
  assert.match(inner ?? '', /^ {2}SELECT "data", "id" AS "sort_1"\n {2}FROM "v_post"\n {2}WHERE/);
  assert.doesNotMatch(inner ?? '', /json_build_object/);
});

test('equalities: native columns untyped (the column types the parameter), JSONB keys cast', () => {
  const statement = buildReadStatement({
    ...LIST,
    equalities: [
      { storageKey: 'id', scalar: 'ID', value: 'abc' },
      { storageKey: 'views', scalar: 'Int', value: 3 },
      { storageKey: 'status', scalar: 'PostStatus', value: 'DRAFT' },
      { storageKey: 'org_id', scalar: 'String', value: 42 },
    ],
    where: { title: { eq: 'x' } },
  });
  assert.match(
    statement.text,
    new RegExp(
      [
        `WHERE "id" = \\$1`,
        `AND \\("data"->>'views'\\)::bigint = \\$2::bigint`,
        `AND "data"->>'status' = \\$3`,
        `AND "data"->>'org_id' = \\$4`,
        `AND "data"->>'title' = \\$5\n`,
      ].join('\n {4}'),
    ),
  );
  assert.deepEqual(statement.values, ['abc', '3', 'DRAFT', '42', 'x', '10', '0']);
});

test('a null equality value is refused rather than matching nothing or everything', () => {
  assert.throws(
    () =>
      buildReadStatement({
        ...LIST,
        equalities: [{ storageKey: 'org_id', scalar: 'ID', value: null }],
      }),
    publicError('EMPTY_FILTER', /^argument org_id is null/),
  );
  assert.throws(
    () => buildReadStatement({ ...LIST, where: null }),
    publicError('EMPTY_FILTER', /^where is null/),
  );
  assert.throws(
    () =>
      buildReadStatement({
        ...LIST,
        equalities: [{ storageKey: 'views', scalar: 'Int', value: 'x' }],
      }),
    publicError('BAD_USER_INPUT', /argument views must be an integer/),
  );
});

test('an argument on a scoped field is authorized like a where; an injected value is not', () => {
  const secret = { storageKey: 'secret_note', scalar: 'String', value: 'x' };
  const refusedAs = (path: string) => (error: unknown): boolean => {
    assert.ok(error instanceof PublicError, String(error));
    assert.equal(error.reason, 'INSUFFICIENT_SCOPE');
    assert.deepEqual(error.extensions, { path });
    return true;
  };
  assert.throws(
    () => buildReadStatement({ ...LIST, equalities: [{ ...secret, argument: 'secretNote' }] }),
    refusedAs('secretNote'),
  );
  assert.throws(
    () => buildReadStatement({ ...LIST, where: { secretNote: { eq: 'x' } } }),
    refusedAs('where.secretNote'),
  );

  const asked: string[] = [];
  const statement = buildReadStatement({
    ...LIST,
    equalities: [
      { ...secret, argument: 'secretNote' },
      { storageKey: 'title', scalar: 'String', value: 't', argument: 'title' },
    ],
    authorizeField: (owner, target, path) => {
      asked.push(`${owner.name}.${target.field.name} ${path}`);
    },
  });
  assert.deepEqual(asked, ['Post.secretNote secretNote', 'Post.title title']);
  assert.deepEqual(statement.values.slice(0, 2), ['x', 't']);

  // An injected value comes from the credentials, and a column no field reads is no field.
  buildReadStatement({
    ...LIST,
    equalities: [secret, { storageKey: 'org_id', scalar: 'ID', value: '1', argument: 'orgId' }],
  });
});

test('identifiers that are not plain names never reach the SQL', () => {
  assert.throws(() => buildReadStatement({ ...LIST, source: { name: 'v_post; DROP' } }), TypeError);
  assert.throws(() => buildReadStatement({ ...LIST, jsonbColumn: 'data"' }), TypeError);
  assert.throws(
    () =>
      buildReadStatement({
        ...LIST,
        equalities: [{ storageKey: "k'", scalar: 'String', value: 'v' }],
      }),
    TypeError,
  );
});
