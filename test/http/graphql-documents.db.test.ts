/**
 * GraphQL documents through the real server: several operations and operationName, fragments,
 * aliases, __typename, @skip/@include, variables of every kind (and bad ones), and
 * introspection in development, as each caller may see it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  errorCodes,
  firstError,
  GRAPHQL_RESPONSE,
  postGraphQL,
  type ExchangeReply,
} from './http-exchange.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const BOB_PUBLIC = 'b2000000-0000-0000-0000-000000000001';
const CAROL_PUBLIC = 'c3000000-0000-0000-0000-000000000001';
const PUBLISHED_TITLES = ['Hello from Alice', 'Bob on databases', "Carol's notes"];

let server: TestServer;
let aliceToken: string;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
  aliceToken = await server.token({
    sub: ALICE,
    scopes: ['read:posts', 'write:posts', 'read:users'],
  });
});
after(async () => {
  await server?.close();
});

/** POST asking for the spec's own media type, so request errors get 4xx statuses. */
function post(body: unknown, headers: Record<string, string> = {}): Promise<ExchangeReply> {
  return postGraphQL(server.app, body, { accept: GRAPHQL_RESPONSE, ...headers });
}

function titlesOf(reply: ExchangeReply, key = 'public_posts'): unknown[] {
  const list = reply.json?.data?.[key];
  assert.ok(Array.isArray(list), `expected a list at data.${key}: ${reply.text}`);
  return list.map((item: { title?: unknown }) => item.title);
}


describe('documents', () => {
  test('several operations need operationName, which picks one', async () => {
    const query = 'query Titles { public_posts { title } } query Name { __typename }';
    const none = await post({ query });
    assert.equal(none.status, 400, none.text);
    assert.deepEqual(errorCodes(none), ['BAD_REQUEST']);
    assert.match(firstError(none).message, /several operations; send operationName/);

    const titles = await post({ query, operationName: 'Titles' });
    assert.deepEqual(titlesOf(titles), PUBLISHED_TITLES);
    const name = await post({ query, operationName: 'Name' });
    assert.deepEqual(name.json?.data, { __typename: 'Query' });
  });

  test('an unknown operationName is refused, naming the operations the document has', async () => {
    const reply = await post({
      query: 'query Titles { public_posts { title } } query Name { __typename }',
      operationName: 'Nope',
    });
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(errorCodes(reply), ['BAD_REQUEST']);
    assert.equal(
      firstError(reply).message,
      'Unknown operation named "Nope". The document defines: Titles, Name.',
    );
    assert.equal(reply.json?.data, undefined);
  });

  test('fragments and inline fragments select like plain fields', async () => {
    const reply = await post({
      query: `
        query { public_posts(limit: 1) { ...Head ... on Post { author { ...Who } } ... { id } } }
        fragment Head on Post { title published }
        fragment Who on Author { name }`,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      public_posts: [
        {
          title: 'Hello from Alice',
          published: true,
          author: { name: 'Alice Johnson' },
          id: 'a1000000-0000-0000-0000-000000000001',
        },
      ],
    });
  });

  test('aliases read the same field twice with different arguments', async () => {
    const reply = await post({
      query: `{
        first: public_posts(limit: 1) { heading: title }
        rest: public_posts(limit: 2, offset: 1) { title by: author { who: name } }
      }`,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      first: [{ heading: 'Hello from Alice' }],
      rest: [
        { title: 'Bob on databases', by: { who: 'Bob Smith' } },
        { title: "Carol's notes", by: { who: 'Carol Diaz' } },
      ],
    });
  });

  test('__typename answers at the root, nested, aliased, and on the mutation root', async () => {
    const reply = await post({
      query:
        '{ __typename kind: __typename public_posts(limit: 1) { __typename author { __typename name } } }',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      __typename: 'Query',
      kind: 'Query',
      public_posts: [
        { __typename: 'Post', author: { __typename: 'Author', name: 'Alice Johnson' } },
      ],
    });

    const mutationRoot = await post({ query: 'mutation { __typename }' });
    assert.equal(mutationRoot.status, 200, mutationRoot.text);
    assert.deepEqual(mutationRoot.json?.data, { __typename: 'Mutation' });
  });

  test('@skip and @include with literals drop fields, root fields included', async () => {
    const reply = await post({
      query: `{
        kept: public_posts(limit: 1) { title body @skip(if: true) published @include(if: true) author @include(if: false) { name } }
        dropped: public_posts @skip(if: true) { title }
      }`,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, { kept: [{ title: 'Hello from Alice', published: true }] });
  });

  test('@skip and @include with variables follow each request, with one cached document', async () => {
    const query = `query Shape($withBody: Boolean!, $noAuthor: Boolean = true) {
      public_posts(limit: 1) { title body @include(if: $withBody) author @skip(if: $noAuthor) { name } }
    }`;
    const bare = await post({ query, variables: { withBody: false } });
    assert.deepEqual(bare.json?.data, { public_posts: [{ title: 'Hello from Alice' }] });

    const full = await post({ query, variables: { withBody: true, noAuthor: false } });
    assert.deepEqual(full.json?.data, {
      public_posts: [
        {
          title: 'Hello from Alice',
          body: "Alice's first public post.",
          author: { name: 'Alice Johnson' },
        },
      ],
    });

    const again = await post({ query, variables: { withBody: false } });
    assert.deepEqual(again.json?.data, bare.json?.data);
  });
});

describe('variables', () => {
  const everyKind = `query Every(
      $where: PostWhereInput!, $order: [PostOrderByInput!], $limit: Int, $offset: Int = 0
    ) {
      public_posts(where: $where, orderBy: $order, limit: $limit, offset: $offset) { title }
    }`;
  const where = {
    _and: [
      { published: { eq: true } },
      { createdAt: { gt: '2026-02-01T12:00:00Z' } },
      { id: { in: [BOB_PUBLIC, CAROL_PUBLIC] } },
      { title: { neq: 'Hello from Alice' } },
      { author: { name: { startswith: '' } } },
    ],
  };

  test('input objects, lists, enums, Int, Boolean, DateTime and ID arrive through variables', async () => {
    const reply = await post({
      query: everyKind,
      variables: { where, order: [{ field: 'createdAt', direction: 'DESC' }], limit: 5 },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(titlesOf(reply), ["Carol's notes", 'Bob on databases']);

    const paged = await post({
      query: everyKind,
      variables: { where, order: [{ field: 'createdAt', direction: 'DESC' }], limit: 1, offset: 1 },
    });
    assert.deepEqual(titlesOf(paged), ['Bob on databases']);
  });

  test('a variable inside an input literal and a String argument variable', async () => {
    const titles = await post({
      query: 'query ($t: String!) { public_posts(where: { title: { contains: $t } }) { title } }',
      variables: { t: 'on' },
    });
    assert.deepEqual(titlesOf(titles), ['Bob on databases']);

    const user = await post(
      {
        query: 'query ($email: String!) { user_by_email(email: $email) { name } }',
        variables: { email: 'carol@example.com' },
      },
      { authorization: `Bearer ${aliceToken}` },
    );
    assert.equal(user.status, 200, user.text);
    assert.deepEqual(user.json?.data, { user_by_email: { name: 'Carol Diaz' } });
  });

  const badValues: readonly [string, Record<string, unknown>, RegExp][] = [
    ['a string for an Int', { where, limit: 'ten' }, /\$limit.*Int cannot represent/],
    [
      'a missing required variable',
      {},
      /\$where.*of required type "PostWhereInput!" was not provided/,
    ],
    ['null for a required variable', { where: null }, /\$where.*must not be null/],
    [
      'an unknown input field',
      { where: { nope: { eq: 1 } } },
      /Field "nope" is not defined by type "PostWhereInput"/,
    ],
    [
      'a malformed DateTime',
      { where: { createdAt: { gt: 'yesterday' } } },
      /DateTime must be a string like/,
    ],
    [
      'an unknown enum value',
      { where, order: [{ field: 'title', direction: 'SIDEWAYS' }] },
      /SortDirection/,
    ],
    ['a scalar for a list', { where: { id: { in: { a: 1 } } } }, /\$where/],
  ];
  for (const [name, variables, message] of badValues) {
    test(`bad variable value: ${name} is BAD_USER_INPUT before any SQL`, async () => {
      const reply = await post({ query: everyKind, variables });
      assert.equal(reply.status, 400, reply.text);
      assert.ok(errorCodes(reply).length > 0);
      assert.ok(
        errorCodes(reply).every((code) => code === 'BAD_USER_INPUT'),
        reply.text,
      );
      assert.match(firstError(reply).message, message);
      assert.equal(reply.json?.data, undefined);
    });
  }

  test('bad variables are 200 with errors under application/json', async () => {
    const reply = await postGraphQL(server.app, {
      query: everyKind,
      variables: { where, limit: 'ten' },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT']);
  });
});

describe('introspection in development', () => {
  const shape =
    '{ __schema { queryType { fields { name } } mutationType { fields { name } } } post: __type(name: "Post") { name fields { name } } }';
  type Shape = {
    __schema: {
      queryType: { fields: { name: string }[] };
      mutationType: { fields: { name: string }[] } | null;
    };
    post: { name: string; fields: { name: string }[] } | null;
  };
  const namesOf = (fields: { name: string }[] | undefined): string[] =>
    (fields ?? []).map((field) => field.name);

  test('__schema and __type answer, showing a caller with every scope every operation', async () => {
    const reply = await post({ query: shape }, { authorization: `Bearer ${aliceToken}` });
    assert.equal(reply.status, 200, reply.text);
    const data = reply.json?.data as Shape;
    assert.deepEqual(namesOf(data.__schema.queryType.fields), [
      'public_posts',
      'posts',
      'user_posts',
      'user_by_email',
    ]);
    assert.deepEqual(namesOf(data.__schema.mutationType?.fields), [
      'create_post',
      'publish_post',
      'refreshToken',
    ]);
    assert.deepEqual(namesOf(data.post?.fields), [
      'id',
      'title',
      'body',
      'published',
      'createdAt',
      'author',
      'comments',
    ]);
  });

  test('an anonymous caller sees only the public operations; a reader no write mutations', async () => {
    const anonymous = await post({ query: shape });
    assert.equal(anonymous.status, 200, anonymous.text);
    const seenByAnyone = anonymous.json?.data as Shape;
    assert.deepEqual(namesOf(seenByAnyone.__schema.queryType.fields), ['public_posts']);
    // refreshToken is public: the refresh token itself is the credential.
    assert.deepEqual(namesOf(seenByAnyone.__schema.mutationType?.fields), ['refreshToken']);
    assert.equal(seenByAnyone.post?.name, 'Post');

    const readerToken = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const reader = await post({ query: shape }, { authorization: `Bearer ${readerToken}` });
    const seenByReader = reader.json?.data as Shape;
    // user_by_email needs read:users, which this reader lacks.
    assert.deepEqual(namesOf(seenByReader.__schema.queryType.fields), [
      'public_posts',
      'posts',
      'user_posts',
    ]);
    assert.deepEqual(namesOf(seenByReader.__schema.mutationType?.fields), ['refreshToken']);
  });

  test('introspection mixed with a data field answers both', async () => {
    const reply = await post({
      query: '{ __type(name: "Author") { name } public_posts(limit: 1) { title } }',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      __type: { name: 'Author' },
      public_posts: [{ title: 'Hello from Alice' }],
    });
  });
});

describe('validation errors name nothing a caller cannot see', () => {
  test('no "Did you mean" suggestion points at hidden operations or fields', async () => {
    const cases: [string, RegExp][] = [
      ['{ user }', /^Cannot query field "user" on type "Query"\.$/],
      ['mutation { create_pos }', /^Cannot query field "create_pos" on type "Mutation"\.$/],
      ['{ public_posts { tite } }', /^Cannot query field "tite" on type "Post"\.$/],
    ];
    for (const [query, message] of cases) {
      const reply = await post({ query });
      assert.equal(reply.status, 400, reply.text);
      assert.match(String(reply.json?.errors?.[0]?.message), message, reply.text);
      assert.doesNotMatch(reply.text, /Did you mean|users|create_post|"title"/, reply.text);
    }
  });
});

describe('introspection describes only types the caller can reach', () => {
  test('User is unknown to an anonymous caller and to a reader, known to a caller with read:users', async () => {
    const query = '{ __type(name: "User") { name } __schema { types { name } } }';
    type Seen = { __type: { name: string } | null; __schema: { types: { name: string }[] } };
    const seenBy = async (authorization?: string): Promise<Seen> => {
      const reply = await post({ query }, authorization === undefined ? {} : { authorization });
      assert.equal(reply.status, 200, reply.text);
      return reply.json?.data as Seen;
    };
    const reader = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    for (const seen of [await seenBy(), await seenBy(`Bearer ${reader}`)]) {
      assert.equal(seen.__type, null);
      assert.ok(!seen.__schema.types.some((type) => type.name === 'User'));
    }
    const staff = await seenBy(`Bearer ${aliceToken}`);
    assert.deepEqual(staff.__type, { name: 'User' });
  });
});
