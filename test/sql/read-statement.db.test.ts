import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  buildMutationStatement,
  type MutationResponseRow,
} from '../../src/sql/mutation-statement.ts';
import { buildReadStatement, type ReadQuery, type ReadRow } from '../../src/sql/read-statement.ts';
import type { SelectedField } from '../../src/sql/selection.ts';
import { FIXTURE_SQL } from './support/fixture-data.ts';
import { openFixtureDatabase, type FixtureDatabase } from './support/fixture-database.ts';
import { DOCUMENT_ONLY_COLUMNS, POST, POST_COLUMNS, SCHEMA } from './support/fixture-schema.ts';
import { masked, object, scalar, scalarList, typename } from './support/selections.ts';

let db: FixtureDatabase;

before(async () => {
  db = await openFixtureDatabase();
  await db.exec(FIXTURE_SQL);
});

after(async () => {
  await db.close();
});

const BASE: ReadQuery = {
  source: { name: 'v_post' },
  jsonbColumn: 'data',
  type: POST,
  schema: SCHEMA,
  columns: POST_COLUMNS,
  selection: [scalar('title')],
  single: false,
  equalities: [],
  limit: 100,
};

async function read(query: Partial<ReadQuery>): Promise<unknown[]> {
  const rows = await db.run<ReadRow>(buildReadStatement({ ...BASE, ...query }));
  return rows.map((row) => (row.json === null ? null : JSON.parse(row.json)));
}

async function titles(query: Partial<ReadQuery>): Promise<string[]> {
  const items = await read({ ...query, selection: [scalar('title')] });
  return items.map((item) => (item as { title: string }).title);
}

const ALL = ['First post', 'Second post', '100% off_sale', "It's a \\ backslash", 'Zebra'];

test('without filter every row comes back, ordered by the id tiebreak', async () => {
  assert.deepEqual(await titles({}), ALL);
});

test('the projection keeps selection order, JSON types, nested objects, lists, nulls', async () => {
  const selection: SelectedField[] = [
    typename('Post'),
    scalar('views', 'Int'),
    scalar('title'),
    scalar('rating', 'Float'),
    scalar('published', 'Boolean'),
    scalar('price', 'Decimal'),
    scalarList('tags'),
    scalar('metadata', 'Json'),
    object('author', 'User', [scalar('name'), scalar('age', 'Int'), typename('User', 'kind')]),
    object('comments', 'Comment', [scalar('body'), object('author', 'User', [scalar('name')])], {
      isList: true,
    }),
    masked('secretNote'),
  ];
  const rows = await db.run<ReadRow>(buildReadStatement({ ...BASE, selection, limit: 3 }));
  const first = rows[0]?.json ?? '';
  // Key order is part of the contract: compare the raw text's key sequence.
  assert.deepEqual(Object.keys(JSON.parse(first) as object), [
    '__typename',
    'views',
    'title',
    'rating',
    'published',
    'price',
    'tags',
    'metadata',
    'author',
    'comments',
    'secretNote',
  ]);
  assert.deepEqual(
    rows.map((row) => JSON.parse(row.json ?? 'null')),
    [
      {
        __typename: 'Post',
        views: 10,
        title: 'First post',
        rating: 4.5,
        published: true,
        price: '10.50',
        tags: ['a', 'b'],
        metadata: { lang: 'en' },
        author: { name: 'Alice', age: 31, kind: 'User' },
        comments: [
          { body: 'Nice', author: { name: 'Bob' } },
          null,
          { body: 'Thanks', author: null },
        ],
        secretNote: null,
      },
      {
        __typename: 'Post',
        views: 200,
        title: 'Second post',
        rating: 3,
        published: false,
        price: '2.25',
        tags: [],
        metadata: { lang: 'fr' },
        author: { name: 'Bob', age: 25, kind: 'User' },
        comments: [],
        secretNote: null,
      },
      {
        __typename: 'Post',
        views: 10,
        title: '100% off_sale',
        rating: null,
        published: true,
        price: null,
        tags: null,
        metadata: null,
        author: null,
        comments: null,
        secretNote: null,
      },
    ],
  );
});

test('a projection of more than 50 keys keeps every key in order', async () => {
  const selection = Array.from({ length: 75 }, (_, index) =>
    index % 2 === 0 ? scalar(`k${index}`, 'String', 'title') : scalar(`k${index}`, 'Int', 'views'),
  );
  const rows = await db.run<ReadRow>(buildReadStatement({ ...BASE, selection, limit: 1 }));
  const text = rows[0]?.json ?? '';
  const item = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(
    Object.keys(item),
    selection.map((field) => field.responseKey),
  );
  assert.equal(item.k0, 'First post');
  assert.equal(item.k1, 10);
  assert.equal(item.k74, 'First post');
});

test('ORDER BY survives the outer projection, in both directions and with ties', async () => {
  assert.deepEqual(await titles({ orderBy: [{ field: 'createdAt', direction: 'DESC' }] }), [
    '100% off_sale', // 2024-03-01, tie broken by id
    "It's a \\ backslash",
    'Second post',
    'First post',
    'Zebra',
  ]);
  // Numbers sort as numbers (10 < 9 as text), nulls last ascending.
  assert.deepEqual(await titles({ orderBy: [{ field: 'views' }] }), [
    'Zebra',
    'First post',
    '100% off_sale',
    'Second post',
    "It's a \\ backslash",
  ]);
  assert.deepEqual(
    await titles({
      orderBy: [
        { field: 'views', direction: 'DESC' },
        { field: 'title', direction: 'DESC' },
      ],
    }),
    ["It's a \\ backslash", 'Second post', 'First post', '100% off_sale', 'Zebra'],
  );
});

test('limit and offset page through a stable order', async () => {
  const orderBy = [{ field: 'createdAt', direction: 'DESC' }];
  const pages = [
    await titles({ orderBy, limit: 2, offset: 0 }),
    await titles({ orderBy, limit: 2, offset: 2 }),
    await titles({ orderBy, limit: 2, offset: 4 }),
  ];
  assert.deepEqual(pages.flat(), await titles({ orderBy }));
  assert.deepEqual(await titles({ limit: 0 }), []);
});

test('the same filters give the same rows with and without native columns', async () => {
  const cases: unknown[] = [
    { createdAt: { gte: '2024-02-01T10:00:00Z' } },
    { slug: { in: ['first', 'fifth'] } },
    { slug: { isnull: true } },
    { id: { eq: '00000000-0000-0000-0000-000000000002' } },
    {
      id: { in: ['00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000005'] },
    },
  ];
  for (const where of cases) {
    const native = await titles({ where });
    const documentOnly = await titles({
      where,
      source: { name: 'v_post_document' },
      columns: DOCUMENT_ONLY_COLUMNS,
    });
    assert.deepEqual(native, documentOnly, JSON.stringify(where));
    assert.ok(native.length > 0, JSON.stringify(where));
  }
});

test('every operator returns the rows it promises', async () => {
  const expectations: [unknown, string[]][] = [
    [{ title: { eq: 'Zebra' } }, ['Zebra']],
    [{ views: { neq: 10 } }, ['Second post', 'Zebra']],
    [{ views: { gt: 9 } }, ['First post', 'Second post', '100% off_sale']],
    [{ views: { gte: 10, lt: 200 } }, ['First post', '100% off_sale']],
    [{ views: { lte: 9 } }, ['Zebra']],
    [{ rating: { gt: 3.5 } }, ['First post', 'Zebra']],
    [{ price: { lt: '3' } }, ['Second post']],
    [{ published: { eq: false } }, ['Second post', 'Zebra']],
    [{ status: { in: ['DRAFT'] } }, ['Second post', "It's a \\ backslash"]],
    [{ status: { nin: ['DRAFT'] } }, ['First post', '100% off_sale', 'Zebra']],
    [{ views: { in: [] } }, []],
    [{ views: { isnull: true } }, ["It's a \\ backslash"]],
    [{ rating: { isnull: false } }, ['First post', 'Second post', 'Zebra']],
    [{ metadata: { eq: { lang: 'fr' } } }, ['Second post']],
    [{ metadata: { in: [{ lang: 'fr' }, { lang: 'de' }] } }, ['Second post']],
    [{ publishedOn: { gte: '2024-01-15' } }, ['Second post']],
    [{ publishAt: { lt: '12:00' } }, ['First post']],
    [{ createdAt: { lt: '2024-01-01T00:00:00+00:00' } }, ['Zebra']],
    [{ title: { contains: '%' } }, ['100% off_sale']],
    [{ title: { contains: '_' } }, ['100% off_sale']],
    [{ title: { contains: '\\' } }, ["It's a \\ backslash"]],
    [{ title: { contains: "'" } }, ["It's a \\ backslash"]],
    [{ title: { icontains: 'POST' } }, ['First post', 'Second post']],
    [{ title: { startswith: 'Ze' } }, ['Zebra']],
    [{ title: { endswith: 'sale' } }, ['100% off_sale']],
    [{ title: { like: '%o_t' } }, ['First post', 'Second post']],
    [{ title: { ilike: 's%' } }, ['Second post']],
    [{ author: { name: { eq: 'Alice' } } }, ['First post', "It's a \\ backslash"]],
    [
      { author: { age: { gt: 30 }, _not: { name: { eq: 'Carol' } } } },
      ['First post', "It's a \\ backslash"],
    ],
    [
      { author: { email: { isnull: true } } },
      ['Second post', '100% off_sale', "It's a \\ backslash", 'Zebra'],
    ],
    [{ _or: [{ views: { gt: 100 } }, { title: { eq: 'Zebra' } }] }, ['Second post', 'Zebra']],
    [
      { _and: [{ published: { eq: true } }, { views: { eq: 10 } }] },
      ['First post', '100% off_sale'],
    ],
    [{ _not: { published: { eq: true } } }, ['Second post', 'Zebra']],
  ];
  for (const [where, expected] of expectations) {
    assert.deepEqual(await titles({ where }), expected, JSON.stringify(where));
  }
});

test('equalities use native columns and JSONB keys, and combine with where', async () => {
  assert.deepEqual(
    await titles({
      equalities: [
        { storageKey: 'slug', scalar: 'String', value: 'first' },
        { storageKey: 'views', scalar: 'Int', value: 10 },
      ],
    }),
    ['First post'],
  );
  assert.deepEqual(
    await titles({
      equalities: [{ storageKey: 'status', scalar: 'PostStatus', value: 'PUBLISHED' }],
      where: { views: { lt: 10 } },
    }),
    ['Zebra'],
  );
});

test('statements run inside a request transaction as the request role', async () => {
  const statement = buildReadStatement({
    ...BASE,
    source: { name: 'v_my_post' },
    selection: [scalar('title')],
    orderBy: [{ field: 'createdAt', direction: 'DESC' }],
  });
  const [result] = await db.database.runInRequestTransaction(
    { role: 'fraiseql_authenticated', settings: { 'app.user_id': 'u1' } },
    [statement],
  );
  assert.deepEqual(
    result?.rows.map((row) => JSON.parse(String(row.json))),
    [{ title: "It's a \\ backslash" }, { title: 'First post' }],
  );
});

test('a single read by id returns at most two rows', async () => {
  const one = await read({
    single: true,
    limit: undefined,
    equalities: [{ storageKey: 'id', scalar: 'ID', value: '00000000-0000-0000-0000-000000000003' }],
    selection: [scalar('id', 'ID'), scalar('title')],
  });
  assert.deepEqual(one, [{ id: '00000000-0000-0000-0000-000000000003', title: '100% off_sale' }]);
  const many = await read({
    single: true,
    limit: undefined,
    equalities: [{ storageKey: 'status', scalar: 'String', value: 'PUBLISHED' }],
  });
  assert.equal(many.length, 2);
});

test('mutation_response: success projects the entity, failure reports status', async () => {
  const call = (id: string) =>
    buildMutationStatement({
      shape: {
        name: { name: 'fn_rename_post' },
        parameters: [
          { name: 'p_id', type: 'uuid' },
          { name: 'p_input', type: 'jsonb' },
        ],
        returns: 'mutation_response',
      },
      arguments: [
        { name: 'id', value: id },
        { name: 'input', value: { title: "Renamed 'post' $$ --" } },
      ],
      inject: [],
      selection: [scalar('title'), object('author', 'User', [scalar('name')])],
      returnsList: false,
    });

  const [ok] = await db.run<MutationResponseRow>(call('00000000-0000-0000-0000-000000000005'));
  assert.equal(ok?.succeeded, true);
  assert.equal(ok?.http_status, 200);
  assert.equal(ok?.entity_type, 'Post');
  assert.deepEqual(JSON.parse(ok?.entity ?? 'null'), {
    title: "Renamed 'post' $$ --",
    author: { name: 'Carol' },
  });

  const [missing] = await db.run<MutationResponseRow>(call('00000000-0000-0000-0000-0000000000ff'));
  assert.equal(missing?.succeeded, false);
  assert.equal(missing?.error_class, 'not_found');
  assert.equal(missing?.http_status, 404);
  assert.equal(missing?.entity, null);
  assert.deepEqual(JSON.parse(missing?.error_detail ?? 'null'), {
    id: '00000000-0000-0000-0000-0000000000ff',
  });
});

test('jsonb and json functions: positional call, document projected', async () => {
  const [echo] = await db.run<ReadRow>(
    buildMutationStatement({
      shape: {
        name: { name: 'fn_echo' },
        parameters: [
          { name: '', type: 'jsonb' },
          { name: '', type: 'text' },
        ],
        returns: 'jsonb',
      },
      arguments: [
        { name: 'input', value: { title: 'Hi', extra: 'not selected' } },
        { name: 'note', value: "u'1" },
      ],
      inject: [],
      selection: [typename('Post'), scalar('echoedBy'), scalar('title')],
      returnsList: false,
    }),
  );
  assert.equal(echo?.json, '{"__typename" : "Post", "echoedBy" : "u\'1", "title" : "Hi"}');

  const [list] = await db.run<ReadRow>(
    buildMutationStatement({
      shape: {
        name: { name: 'fn_echo_json' },
        parameters: [{ name: 'p_doc', type: 'json' }],
        returns: 'json',
      },
      arguments: [{ name: 'doc', value: [{ title: 'a' }, null, { title: 'b' }] }],
      inject: [],
      selection: [scalar('title')],
      returnsList: true,
    }),
  );
  assert.deepEqual(JSON.parse(list?.json ?? 'null'), [{ title: 'a' }, null, { title: 'b' }]);
});
