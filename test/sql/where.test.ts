import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PublicError } from '../../src/errors/public-error.ts';
import type { ErrorReason } from '../../src/errors/catalogue.ts';
import type { FilterContext } from '../../src/sql/filter-context.ts';
import { ParameterList } from '../../src/sql/parameter-list.ts';
import { compileWhere } from '../../src/sql/where.ts';
import { DOCUMENT_ONLY_COLUMNS, POST, POST_COLUMNS, SCHEMA } from './support/fixture-schema.ts';

function compile(
  filter: unknown,
  options: Partial<FilterContext> = {},
): { sql: string; values: readonly (string | null)[] } {
  const parameters = new ParameterList();
  const sql = compileWhere(filter, POST, {
    schema: SCHEMA,
    columns: POST_COLUMNS,
    jsonbColumn: 'data',
    parameters,
    ...options,
  });
  return { sql, values: parameters.values };
}

function refused(
  filter: unknown,
  reason: ErrorReason,
  message: RegExp | string,
  options = {},
): void {
  assert.throws(
    () => compile(filter, options),
    (error: unknown) => {
      assert.ok(error instanceof PublicError, `expected a PublicError, got ${String(error)}`);
      assert.equal(error.reason, reason);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
    JSON.stringify(filter),
  );
}

test('comparison operators cast both sides by the declared scalar', () => {
  const cases: [unknown, string, string][] = [
    [{ title: { eq: 'a' } }, `"data"->>'title' = $1`, 'a'],
    [{ title: { neq: 'a' } }, `"data"->>'title' <> $1`, 'a'],
    [{ title: { gt: 'a' } }, `"data"->>'title' > $1`, 'a'],
    [{ views: { gte: 5 } }, `("data"->>'views')::bigint >= $1::bigint`, '5'],
    [{ views: { lt: -5 } }, `("data"->>'views')::bigint < $1::bigint`, '-5'],
    [{ rating: { lte: 2.5 } }, `("data"->>'rating')::numeric <= $1::numeric`, '2.5'],
    [{ price: { eq: '10.50' } }, `("data"->>'price')::numeric = $1::numeric`, '10.50'],
    [{ published: { eq: false } }, `("data"->>'published')::boolean = $1::boolean`, 'false'],
    [
      { publishedOn: { gt: '2024-01-01' } },
      `("data"->>'published_on')::date > $1::date`,
      '2024-01-01',
    ],
    [{ publishAt: { lt: '10:00' } }, `("data"->>'publish_at')::time < $1::time`, '10:00'],
    [{ metadata: { eq: { a: [1] } } }, `"data"->'metadata' = $1::jsonb`, '{"a":[1]}'],
    [{ status: { eq: 'DRAFT' } }, `"data"->>'status' = $1`, 'DRAFT'],
    [{ externalId: { eq: 'X' } }, `"data"->>'external_id' = $1`, 'X'],
  ];
  for (const [filter, sql, value] of cases) {
    assert.deepEqual(compile(filter), { sql, values: [value] }, JSON.stringify(filter));
  }
});

test('native columns are used for top-level keys, with the column type on the parameter', () => {
  assert.deepEqual(compile({ createdAt: { gte: '2024-01-01T00:00:00Z' } }), {
    sql: `"created_at" >= $1::timestamptz`,
    values: ['2024-01-01T00:00:00Z'],
  });
  assert.deepEqual(compile({ id: { eq: 'abc' } }).sql, `"id" = $1::uuid`);
  assert.deepEqual(compile({ slug: { eq: 'x' } }).sql, `"slug" = $1`);
  assert.deepEqual(compile({ id: { contains: 'ab' } }).sql, `"id"::text LIKE $1`);
  assert.deepEqual(compile({ slug: { isnull: true } }).sql, `"slug" IS NULL`);
  // A column whose type does not fit the scalar is compared through its text form.
  const odd = new Map([['views', 'character(3)']]);
  assert.deepEqual(
    compile({ views: { gt: 1 } }, { columns: odd }).sql,
    `("views"::text)::bigint > $1::bigint`,
  );
  // The JSONB column itself is never a "native" field, nor is a nested key.
  assert.equal(compile({ author: { id: { eq: 'u1' } } }).sql, `"data"->'author'->>'id' = $1`);
  assert.equal(
    compile({ createdAt: { gte: 'x' } }, { columns: DOCUMENT_ONLY_COLUMNS }).sql,
    `("data"->>'created_at')::timestamptz >= $1::timestamptz`,
  );
});

test('in and nin bind one JSON array; an empty in is FALSE, an empty nin is refused', () => {
  assert.deepEqual(compile({ title: { in: ['a', "b'c"] } }), {
    sql: `"data"->>'title' IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    values: ['["a","b\'c"]'],
  });
  assert.deepEqual(compile({ views: { nin: [1, 2] } }), {
    sql: `("data"->>'views')::bigint NOT IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)`,
    values: ['["1","2"]'],
  });
  assert.deepEqual(
    compile({ id: { in: ['u'] } }).sql,
    `"id" IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)`,
  );
  assert.deepEqual(compile({ metadata: { in: [{ a: 1 }, 'x'] } }), {
    sql: `"data"->'metadata' IN (SELECT jsonb_array_elements($1::jsonb))`,
    values: ['[{"a":1},"x"]'],
  });
  assert.deepEqual(compile({ title: { in: [] } }), { sql: 'FALSE', values: [] });
  assert.throws(
    () => compile({ title: { nin: [] } }),
    (error: unknown) =>
      error instanceof PublicError &&
      error.reason === 'EMPTY_FILTER' &&
      /nin \[\] excludes nothing and would match every row/.test(error.message),
  );
});

test('isnull tests the text form, so JSON null and a missing key both count as null', () => {
  assert.equal(compile({ metadata: { isnull: true } }).sql, `"data"->>'metadata' IS NULL`);
  assert.equal(compile({ views: { isnull: false } }).sql, `"data"->>'views' IS NOT NULL`);
});

test('pattern operators escape %, _ and \\ in the bound value; like and ilike do not', () => {
  const cases: [string, string, string][] = [
    ['contains', 'LIKE', '%50\\%\\_\\\\off%'],
    ['icontains', 'ILIKE', '%50\\%\\_\\\\off%'],
    ['startswith', 'LIKE', '50\\%\\_\\\\off%'],
    ['endswith', 'LIKE', '%50\\%\\_\\\\off'],
    ['like', 'LIKE', '50%_\\off'],
    ['ilike', 'ILIKE', '50%_\\off'],
  ];
  for (const [operator, keyword, bound] of cases) {
    assert.deepEqual(
      compile({ title: { [operator]: '50%_\\off' } }),
      { sql: `"data"->>'title' ${keyword} $1`, values: [bound] },
      operator,
    );
  }
});

test('keys at one level are ANDed; _and/_or/_not group and flatten', () => {
  assert.equal(
    compile({ title: { eq: 'a', neq: 'b' }, views: { gt: 1 } }).sql,
    `("data"->>'title' = $1 AND "data"->>'title' <> $2 AND ("data"->>'views')::bigint > $3::bigint)`,
  );
  assert.equal(
    compile({
      _or: [{ title: { eq: 'a' } }, { _or: [{ title: { eq: 'b' } }, { title: { eq: 'c' } }] }],
    }).sql,
    `("data"->>'title' = $1 OR "data"->>'title' = $2 OR "data"->>'title' = $3)`,
  );
  assert.equal(
    compile({ _and: [{ title: { eq: 'a' } }], _not: { title: { eq: 'b' }, views: { eq: 1 } } }).sql,
    `("data"->>'title' = $1 AND NOT ("data"->>'title' = $2 AND ("data"->>'views')::bigint = $3::bigint))`,
  );
  assert.equal(compile({ _not: { title: { eq: 'b' } } }).sql, `NOT ("data"->>'title' = $1)`);
  assert.equal(
    compile({ author: { _or: [{ name: { eq: 'a' } }, { age: { gt: 3 } }] } }).sql,
    `("data"->'author'->>'name' = $1 OR ("data"->'author'->>'age')::bigint > $2::bigint)`,
  );
});

test('a null or empty filter never widens the query: EMPTY_FILTER names the path', () => {
  refused(null, 'EMPTY_FILTER', 'where is null: omit the argument to read every row you may see');
  refused({}, 'EMPTY_FILTER', 'where is empty: give at least one condition, or omit the argument');
  refused({ title: undefined }, 'EMPTY_FILTER', /^where is empty/);
  refused({ title: {} }, 'EMPTY_FILTER', /^where\.title has no operator/);
  refused({ title: { eq: undefined } }, 'EMPTY_FILTER', /^where\.title has no operator/);
  refused({ title: null }, 'EMPTY_FILTER', /^where\.title is null/);
  refused(
    { title: { eq: null } },
    'EMPTY_FILTER',
    'where.title.eq is null: use isnull to match missing values',
  );
  refused({ views: { gt: null } }, 'EMPTY_FILTER', /^where\.views\.gt is null/);
  refused({ title: { contains: null } }, 'EMPTY_FILTER', /^where\.title\.contains is null/);
  refused({ title: { in: null } }, 'EMPTY_FILTER', /^where\.title\.in is null/);
  refused({ title: { in: ['a', null] } }, 'EMPTY_FILTER', /^where\.title\.in\[1\] is null/);
  refused({ title: { isnull: null } }, 'EMPTY_FILTER', /^where\.title\.isnull is null: pass true/);
  refused({ _and: [] }, 'EMPTY_FILTER', 'where._and is empty: give at least one condition');
  refused({ _or: [] }, 'EMPTY_FILTER', 'where._or is empty: give at least one condition');
  refused({ _and: null }, 'EMPTY_FILTER', /^where\._and is null/);
  refused({ _or: [{ title: { eq: 'a' } }, {}] }, 'EMPTY_FILTER', /^where\._or\[1\] is empty/);
  refused({ _not: {} }, 'EMPTY_FILTER', /^where\._not is empty/);
  refused({ _not: null }, 'EMPTY_FILTER', /^where\._not is null/);
  refused({ author: {} }, 'EMPTY_FILTER', /^where\.author is empty/);
  refused({ author: null }, 'EMPTY_FILTER', /^where\.author is null/);
  refused({ author: { name: { eq: null } } }, 'EMPTY_FILTER', /^where\.author\.name\.eq is null/);
});

test('unknown fields and operators, list fields and wrong shapes are BAD_USER_INPUT', () => {
  refused({ nope: { eq: 1 } }, 'BAD_USER_INPUT', 'where.nope: Post has no field nope');
  refused({ created_at: { eq: 'x' } }, 'BAD_USER_INPUT', /Post has no field created_at/);
  refused(
    { title: { _eq: 'a' } },
    'BAD_USER_INPUT',
    /^where\.title\._eq: String has no operator _eq; use one of eq, neq/,
  );
  refused({ views: { contains: '1' } }, 'BAD_USER_INPUT', /Int has no operator contains/);
  refused({ status: { gt: 'A' } }, 'BAD_USER_INPUT', /PostStatus has no operator gt/);
  refused({ tags: { eq: 'a' } }, 'BAD_USER_INPUT', /is a list, and list fields cannot be filtered/);
  refused({ comments: { body: { eq: 'a' } } }, 'BAD_USER_INPUT', /is a list/);
  refused(
    { views: { gt: 'ten' } },
    'BAD_USER_INPUT',
    'where.views.gt must be an integer, got a string',
  );
  refused({ views: { gt: 1.5 } }, 'BAD_USER_INPUT', /must be an integer/);
  refused({ rating: { gt: Number.NaN } }, 'BAD_USER_INPUT', /must be a finite number/);
  refused({ published: { eq: 'true' } }, 'BAD_USER_INPUT', /must be true or false/);
  refused({ title: { isnull: 'yes' } }, 'BAD_USER_INPUT', /must be true or false/);
  refused({ title: { in: 'a' } }, 'BAD_USER_INPUT', /must be a list/);
  refused({ title: { contains: 5 } }, 'BAD_USER_INPUT', /must be a string/);
  refused({ title: { eq: {} } }, 'BAD_USER_INPUT', /must be a string/);
  refused({ _and: { title: { eq: 'a' } } }, 'BAD_USER_INPUT', /must be a list of filters/);
  refused([{ title: { eq: 'a' } }], 'BAD_USER_INPUT', /must be an input object/);
  refused({ title: 'a' }, 'BAD_USER_INPUT', /must be an input object of operators/);
  refused(
    { "x'); DROP TABLE t; --": { eq: 1 } },
    'BAD_USER_INPUT',
    /has no field "x'\); DROP TABLE t; --"/,
  );
});

test('text PostgreSQL cannot store is refused before it reaches the database', () => {
  refused({ title: { eq: 'a\0b' } }, 'BAD_USER_INPUT', /NUL character/);
  refused({ title: { contains: 'a\0' } }, 'BAD_USER_INPUT', /NUL character/);
  refused({ title: { eq: 'a\uD800b' } }, 'BAD_USER_INPUT', /unpaired UTF-16 surrogate/);
  refused({ metadata: { eq: { k: '\0' } } }, 'BAD_USER_INPUT', /NUL character/);
  assert.deepEqual(compile({ title: { eq: '\\u0000 😀' } }).values, ['\\u0000 😀']);
});

test("nesting is limited; the number of conditions is the request budget's (filter-budget.ts)", () => {
  let deep: unknown = { title: { eq: 'a' } };
  for (let level = 0; level < 15; level += 1) deep = { _not: deep };
  assert.ok(compile(deep).sql.startsWith('NOT'));
  refused({ _not: deep }, 'BAD_USER_INPUT', /is nested more than 16 levels deep: flatten it/);
  refused({ _and: [deep] }, 'BAD_USER_INPUT', /nested more than 16 levels/);
  // No second, per-filter count: the executor refuses an over-budget request before compiling.
  const wide = { _or: Array.from({ length: 300 }, (_, index) => ({ views: { eq: index } })) };
  assert.equal(compile(wide).values.length, 300);
});

test('protected fields are refused unless the caller says otherwise', () => {
  refused(
    { secretNote: { eq: 'x' } },
    'INSUFFICIENT_SCOPE',
    'Insufficient scope for this operation',
  );
  refused(
    { _or: [{ title: { eq: 'a' } }, { reviewer: { name: { eq: 'x' } } }] },
    'MISSING_ROLE',
    'User does not have permission',
  );
  const seen: string[] = [];
  const result = compile(
    { secretNote: { eq: 'x' }, author: { name: { eq: 'y' } } },
    { authorizeField: (_owner, target, path) => void seen.push(`${target.field.name}@${path}`) },
  );
  assert.equal(result.sql, `("data"->>'secret_note' = $1 AND "data"->'author'->>'name' = $2)`);
  assert.deepEqual(seen, [
    'secretNote@where.secretNote',
    'author@where.author',
    'name@where.author.name',
  ]);
});

test('values are only ever bound: hostile text leaves the SQL unchanged', () => {
  const benign = compile({ title: { eq: 'x', contains: 'x', in: ['x'] } });
  const hostile = compile({
    title: { eq: "' OR 1=1 --", contains: '$$; DROP TABLE x; $$', in: ["'); --"] },
  });
  assert.equal(hostile.sql, benign.sql);
  assert.deepEqual(hostile.values, ["' OR 1=1 --", '%$$; DROP TABLE x; $$%', '["\'); --"]']);
});

test('a like pattern ending in a lone escape is refused; an escaped backslash is fine', () => {
  refused(
    { title: { like: 'abc\\' } },
    'BAD_USER_INPUT',
    'where.title.like ends with the escape character \\: write \\\\ for a literal backslash',
  );
  refused({ title: { ilike: '\\\\\\' } }, 'BAD_USER_INPUT', /ilike ends with the escape character/);
  assert.deepEqual(compile({ title: { like: 'abc\\\\' } }).values, ['abc\\\\']);
  assert.deepEqual(compile({ title: { contains: 'abc\\' } }).values, ['%abc\\\\%']);
});

test('a long run of backslashes in a like pattern is judged by counting it, once', () => {
  const options = { maxPatternLength: 200_000 };
  const even = `${'\\'.repeat(100_000)}x`;
  assert.deepEqual(compile({ title: { like: even } }, options).values, [even]);
  assert.deepEqual(compile({ title: { ilike: `x${'\\'.repeat(100_000)}` } }, options).values, [
    `x${'\\'.repeat(100_000)}`,
  ]);
  refused(
    { title: { like: `x${'\\'.repeat(99_999)}` } },
    'BAD_USER_INPUT',
    /^where\.title\.like ends with the escape character/,
    options,
  );
});

test('pattern values are capped at max_pattern_length characters, naming operator, field', () => {
  for (const operator of ['like', 'ilike', 'contains', 'icontains', 'startswith', 'endswith']) {
    assert.equal(compile({ title: { [operator]: 'a'.repeat(1000) } }).values.length, 1, operator);
    refused(
      { title: { [operator]: 'a'.repeat(1001) } },
      'BAD_USER_INPUT',
      `where.title.${operator} is longer than 1000 characters, the most a value of ${operator} ` +
        'may hold. Send a shorter value, or raise [limits] max_pattern_length in fraiseql.toml.',
    );
  }
  // Characters, as PostgreSQL counts them: a character outside the BMP is one, not two.
  assert.equal(compile({ title: { contains: '\u{1F600}'.repeat(1000) } }).values.length, 1);
  refused({ title: { contains: '\u{1F600}'.repeat(1001) } }, 'BAD_USER_INPUT', /longer than 1000/);
  // The cap is checked before anything else scans the value, and follows the setting.
  refused(
    { title: { like: '\\'.repeat(200_001) } },
    'BAD_USER_INPUT',
    /^where\.title\.like is longer than 1000 characters/,
  );
  refused(
    { title: { eq: 'x', startswith: 'abcdef' } },
    'BAD_USER_INPUT',
    /startswith is longer than 5/,
    { maxPatternLength: 5 },
  );
  assert.equal(compile({ title: { eq: 'a'.repeat(5000) } }).values[0], 'a'.repeat(5000));
});

test('JSON operands must survive JSON.stringify unchanged', () => {
  refused(
    { metadata: { eq: { a: Number.NaN } } },
    'BAD_USER_INPUT',
    /where\.metadata\.eq\.a must be a finite number/,
  );
  refused(
    { metadata: { eq: [1, undefined] } },
    'BAD_USER_INPUT',
    /where\.metadata\.eq\[1\] must be a JSON value/,
  );
  refused({ metadata: { eq: () => 1 } }, 'BAD_USER_INPUT', /must be a JSON value/);
  assert.deepEqual(compile({ metadata: { eq: { a: 1, skipped: undefined } } }).values, ['{"a":1}']);
});
