import { test } from 'node:test';

import { buildMutationStatement } from '../../src/sql/mutation-statement.ts';
import { buildReadStatement, type ReadQuery } from '../../src/sql/read-statement.ts';
import { DOCUMENT_ONLY_COLUMNS, POST, POST_COLUMNS, SCHEMA } from './support/fixture-schema.ts';
import { assertGolden } from './support/golden.ts';
import { masked, object, scalar, scalarList, typename } from './support/selections.ts';

const LIST: ReadQuery = {
  source: { schema: 'public', name: 'v_post' },
  jsonbColumn: 'data',
  type: POST,
  schema: SCHEMA,
  columns: POST_COLUMNS,
  selection: [scalar('id', 'ID'), scalar('title')],
  single: false,
  equalities: [],
  limit: 20,
};

test('golden: list with the default page and the id tiebreak', () => {
  assertGolden('list-basic', buildReadStatement(LIST));
});

test('golden: single lookup by native id with an injected tenant', () => {
  assertGolden(
    'single-by-id',
    buildReadStatement({
      ...LIST,
      single: true,
      limit: undefined,
      equalities: [
        { storageKey: 'id', scalar: 'ID', value: '00000000-0000-0000-0000-000000000001' },
        { storageKey: 'tenant_id', scalar: 'UUID', value: '11111111-1111-1111-1111-111111111111' },
      ],
    }),
  );
});

test('golden: where with combinators, a nested relation and typed casts', () => {
  assertGolden(
    'list-where-combinators',
    buildReadStatement({
      ...LIST,
      where: {
        published: { eq: true },
        _or: [{ views: { gte: 100 } }, { author: { name: { eq: 'Alice' }, age: { lt: 40 } } }],
        _not: { createdAt: { lt: '2024-01-01T00:00:00Z' } },
        rating: { gt: 2.5 },
      },
      offset: 40,
    }),
  );
});

test('golden: every string operator, membership and null tests', () => {
  assertGolden(
    'list-where-string-operators',
    buildReadStatement({
      ...LIST,
      where: {
        title: {
          contains: '50%_off',
          icontains: 'post',
          startswith: 'F',
          endswith: '\\',
          like: 'F%t',
          ilike: '%POST',
          neq: 'x',
        },
        status: { in: ['DRAFT', 'PUBLISHED'], nin: ['ARCHIVED'] },
        body: { isnull: true },
        slug: { isnull: false, in: ['first'] },
        metadata: { eq: { lang: 'en' } },
        publishedOn: { gte: '2024-01-01' },
        publishAt: { lt: '12:00:00' },
        price: { in: ['10.50', 2] },
      },
    }),
  );
});

test('golden: orderBy on a native column and JSONB keys, outer order repeated', () => {
  assertGolden(
    'list-order-by',
    buildReadStatement({
      ...LIST,
      orderBy: [
        { field: 'createdAt', direction: 'DESC' },
        { field: 'views', direction: 'ASC' },
        { field: 'title' },
      ],
      limit: 5,
      offset: 10,
    }),
  );
});

test('golden: a view with only id and data reads everything from the document', () => {
  assertGolden(
    'list-document-only',
    buildReadStatement({
      ...LIST,
      source: { name: 'v_post_document' },
      columns: DOCUMENT_ONLY_COLUMNS,
      where: { createdAt: { gte: '2024-01-01T00:00:00Z' }, slug: { eq: 'first' } },
      orderBy: [{ field: 'createdAt', direction: 'DESC' }],
      equalities: [{ storageKey: 'views', scalar: 'Int', value: 10 }],
    }),
  );
});

test('golden: nested projection with lists, __typename and a masked field', () => {
  assertGolden(
    'projection-nested',
    buildReadStatement({
      ...LIST,
      selection: [
        typename('Post'),
        scalar('id', 'ID'),
        scalar('views', 'Int'),
        scalarList('tags'),
        scalar('metadata', 'Json'),
        object('author', 'User', [scalar('name'), scalar('age', 'Int')]),
        object(
          'comments',
          'Comment',
          [typename('Comment'), scalar('body'), object('author', 'User', [scalar('name')])],
          { isList: true },
        ),
        masked('secretNote'),
      ],
    }),
  );
});

test('golden: a selection of 60 keys is built without json_build_object', () => {
  const selection = Array.from({ length: 60 }, (_, index) =>
    scalar(`k${index}`, 'String', 'title'),
  );
  assertGolden('projection-wide', buildReadStatement({ ...LIST, selection }));
});

test('golden: mutation_response function called with named parameters', () => {
  assertGolden(
    'mutation-response-named',
    buildMutationStatement({
      shape: {
        name: { schema: 'app', name: 'fn_rename_post' },
        parameters: [
          { name: 'p_id', type: 'uuid' },
          { name: 'p_input', type: 'jsonb' },
          { name: 'p_user_id', type: 'uuid' },
        ],
        returns: 'mutation_response',
      },
      arguments: [
        { name: 'id', value: '00000000-0000-0000-0000-000000000001' },
        { name: 'input', value: { title: "It's new" } },
      ],
      inject: [{ name: 'user_id', value: '22222222-2222-2222-2222-222222222222' }],
      selection: [scalar('id', 'ID'), scalar('title'), object('author', 'User', [scalar('name')])],
      returnsList: false,
    }),
  );
});

test('golden: jsonb function called by position (nothing injected)', () => {
  assertGolden(
    'mutation-jsonb-positional',
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
        { name: 'input', value: { title: 'Hello' } },
        { name: 'note', value: 'u1' },
      ],
      inject: [],
      selection: [typename('Post'), scalar('title'), scalar('echoedBy')],
      returnsList: false,
    }),
  );
});
