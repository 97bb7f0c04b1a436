/**
 * The GraphQL-over-HTTP protocol through the real server (fastify.inject, no socket), on the
 * bundled blog example: methods, media types, request shapes, documents, variables, limits,
 * introspection by mode, and the headers every response carries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  errorCodes,
  exchange,
  graphqlUrl,
  headerOf,
  postGraphQL,
  type ExchangeReply,
} from './http-exchange.ts';
import { blogVariant, type ProjectVariant } from './project-variant.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const BOB_PUBLIC = 'b2000000-0000-0000-0000-000000000001';
const CAROL_PUBLIC = 'c3000000-0000-0000-0000-000000000001';
const PUBLISHED_TITLES = ['Hello from Alice', 'Bob on databases', "Carol's notes"];
const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
let aliceToken: string;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
  aliceToken = await server.token({ sub: ALICE, scopes: ['read:posts', 'write:posts'] });
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

function firstError(reply: ExchangeReply): { message: string; code: unknown } {
  const error = reply.json?.errors?.[0];
  assert.ok(error !== undefined, `expected an error: ${reply.text}`);
  return { message: error.message, code: error.extensions?.code };
}

describe('POST and GET', () => {
  test('POST with a JSON body answers application/json when no Accept is sent', async () => {
    const reply = await postGraphQL(server.app, { query: '{ public_posts { title } }' });
    assert.equal(reply.status, 200, reply.text);
    assert.match(headerOf(reply, 'content-type') ?? '', /^application\/json/);
    assert.deepEqual(titlesOf(reply), PUBLISHED_TITLES);
    assert.equal(reply.json?.errors, undefined);
  });

  test('POST asking for application/graphql-response+json gets that media type', async () => {
    const reply = await post({ query: '{ public_posts { title } }' });
    assert.equal(reply.status, 200, reply.text);
    assert.match(headerOf(reply, 'content-type') ?? '', /^application\/graphql-response\+json/);
    assert.deepEqual(titlesOf(reply), PUBLISHED_TITLES);
  });

  test('GET reads query, variables (JSON) and operationName from the query string', async () => {
    const query =
      'query Few($n: Int) { public_posts(limit: $n) { title } } query Other { __typename }';
    const reply = await exchange(server.app, {
      method: 'GET',
      url: graphqlUrl({ query, variables: { n: 1 }, operationName: 'Few' }),
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(titlesOf(reply), ['Hello from Alice']);

    const other = await exchange(server.app, {
      method: 'GET',
      url: graphqlUrl({ query, operationName: 'Other' }),
    });
    assert.deepEqual(other.json?.data, { __typename: 'Query' });
  });

  test('GET carries the bearer token like POST', async () => {
    const reply = await exchange(server.app, {
      method: 'GET',
      url: graphqlUrl({ query: '{ user_posts { title } }' }),
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(titlesOf(reply, 'user_posts'), ['Hello from Alice', "Alice's private draft"]);
  });

  test('GET with variables that are not JSON, or with no query, is a 400 naming the problem', async () => {
    const badVariables = await exchange(server.app, {
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent('{ __typename }')}&variables=%7Bnope`,
      headers: { accept: GRAPHQL_RESPONSE },
    });
    assert.equal(badVariables.status, 400, badVariables.text);
    assert.deepEqual(errorCodes(badVariables), ['BAD_REQUEST']);
    assert.match(firstError(badVariables).message, /"variables" parameter is not valid JSON/);

    const noQuery = await exchange(server.app, { method: 'GET', url: '/graphql' });
    assert.equal(noQuery.status, 400, noQuery.text);
    assert.match(firstError(noQuery).message, /no "query"/);

    const twice = await exchange(server.app, {
      method: 'GET',
      url: '/graphql?query=%7B__typename%7D&query=%7B__typename%7D',
    });
    assert.equal(twice.status, 400, twice.text);
    assert.match(firstError(twice).message, /"query" parameter is given more than once/);
  });

  test('a mutation over GET is refused with 405 and Allow: POST, and nothing is written', async () => {
    const mutation = 'mutation { create_post(title: "via GET", body: "no") { id } }';
    const reply = await exchange(server.app, {
      method: 'GET',
      url: graphqlUrl({ query: mutation }),
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    assert.equal(reply.status, 405, reply.text);
    assert.equal(headerOf(reply, 'allow'), 'POST');
    assert.deepEqual(errorCodes(reply), ['METHOD_NOT_ALLOWED']);
    assert.equal(firstError(reply).message, 'Mutations must be sent with POST, not GET');

    const mine = await server.graphql('{ user_posts(where: { title: { eq: "via GET" } }) { id } }', {
      token: aliceToken,
    });
    assert.deepEqual(mine.body.data?.user_posts, []);
  });

  test('GET may pick the query of a document that also holds a mutation', async () => {
    const query = 'query Read { __typename } mutation Write { __typename }';
    const read = await exchange(server.app, { method: 'GET', url: graphqlUrl({ query, operationName: 'Read' }) });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json?.data, { __typename: 'Query' });

    const write = await exchange(server.app, { method: 'GET', url: graphqlUrl({ query, operationName: 'Write' }) });
    assert.equal(write.status, 405, write.text);
  });

  test('PUT, PATCH and DELETE on /graphql are 405 with Allow: GET, POST', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const reply = await exchange(server.app, {
        method,
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        body: { query: '{ __typename }' },
      });
      assert.equal(reply.status, 405, `${method}: ${reply.text}`);
      assert.equal(headerOf(reply, 'allow'), 'GET, POST');
      assert.deepEqual(errorCodes(reply), ['METHOD_NOT_ALLOWED']);
    }
  });
});

describe('request bodies and media types', () => {
  test('POST with text/plain, another type or no content-type is 415', async () => {
    for (const contentType of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const reply = await exchange(server.app, {
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      assert.equal(reply.status, 415, `${contentType}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['UNSUPPORTED_MEDIA_TYPE']);
      assert.equal(firstError(reply).message, 'Content-Type must be application/json');
    }
    const none = await exchange(server.app, { method: 'POST', url: '/graphql', body: '{"query":"{ __typename }"}' });
    assert.equal(none.status, 415, none.text);
  });

  test('application/json with a charset parameter is accepted', async () => {
    const reply = await exchange(server.app, {
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { query: '{ __typename }' },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, { __typename: 'Query' });
  });

  test('a body that is not JSON, or not a JSON object, is 400', async () => {
    const invalid = await exchange(server.app, {
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ __typename }"',
    });
    assert.equal(invalid.status, 400, invalid.text);
    assert.deepEqual(errorCodes(invalid), ['BAD_REQUEST']);
    assert.equal(firstError(invalid).message, 'The request body is not valid JSON.');

    for (const body of ['[{"query":"{ __typename }"}]', '"{ __typename }"', 'null']) {
      const reply = await exchange(server.app, {
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(reply.status, 400, `${body}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['BAD_REQUEST']);
    }
  });

  test('a body over the limit is 413', async () => {
    const padding = 'x'.repeat(1_100_000);
    const reply = await post({ query: `{ __typename } # ${padding}` });
    assert.equal(reply.status, 413, reply.text.slice(0, 300));
    assert.deepEqual(errorCodes(reply), ['PAYLOAD_TOO_LARGE']);
    assert.match(firstError(reply).message, /max_body_bytes/);
  });

  test('a GET query longer than the GET limit is 413 and points at POST', async () => {
    const query = `{ __typename } # ${'x'.repeat(100_001)}`;
    const reply = await exchange(server.app, { method: 'GET', url: graphqlUrl({ query }) });
    assert.equal(reply.status, 413, reply.text.slice(0, 300));
    assert.match(firstError(reply).message, /Send it with POST/);
  });

  test('an empty or missing query is 400', async () => {
    for (const body of [{ query: '' }, { query: '   ' }, {}, { query: 42 }]) {
      const reply = await post(body);
      assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['BAD_REQUEST']);
      assert.match(firstError(reply).message, /query/);
    }
  });

  test('a persisted-query-only request is a clear 400', async () => {
    const reply = await post({
      extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
    });
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(errorCodes(reply), ['BAD_REQUEST']);
    assert.match(firstError(reply).message, /Persisted queries are not supported/);
  });

  test('variables and operationName of the wrong JSON type are 400', async () => {
    const listVariables = await post({ query: '{ __typename }', variables: [1] });
    assert.equal(listVariables.status, 400, listVariables.text);
    assert.match(firstError(listVariables).message, /"variables" must be a JSON object/);

    const numericName = await post({ query: '{ __typename }', operationName: 7 });
    assert.equal(numericName.status, 400, numericName.text);
    assert.match(firstError(numericName).message, /"operationName" must be a string/);
  });
});

describe('Accept negotiation', () => {
  const invalidDocument = { query: '{ public_posts { nope } }' };

  test('a validation error is 400 under application/graphql-response+json', async () => {
    const reply = await post(invalidDocument);
    assert.equal(reply.status, 400, reply.text);
    assert.match(headerOf(reply, 'content-type') ?? '', /^application\/graphql-response\+json/);
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_VALIDATION_FAILED']);
    assert.match(firstError(reply).message, /Cannot query field "nope" on type "Post"/);
    assert.deepEqual(reply.json?.errors?.[0]?.locations, [{ line: 1, column: 18 }]);
    assert.equal('data' in (reply.json ?? {}), false);
  });

  test('the same validation error is 200 under application/json', async () => {
    const reply = await postGraphQL(server.app, invalidDocument, { accept: 'application/json' });
    assert.equal(reply.status, 200, reply.text);
    assert.match(headerOf(reply, 'content-type') ?? '', /^application\/json/);
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_VALIDATION_FAILED']);
  });

  test('a syntax error is GRAPHQL_PARSE_FAILED, 400 under the GraphQL media type', async () => {
    const reply = await post({ query: '{ public_posts { title }' });
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_PARSE_FAILED']);
    assert.match(firstError(reply).message, /Syntax Error/);
  });

  test('quality values pick the preferred type; wildcards mean application/json', async () => {
    const preferJson = await postGraphQL(server.app, invalidDocument, {
      accept: `${GRAPHQL_RESPONSE};q=0.5, application/json;q=0.9`,
    });
    assert.equal(preferJson.status, 200, preferJson.text);
    assert.match(headerOf(preferJson, 'content-type') ?? '', /^application\/json/);

    const preferGraphQL = await postGraphQL(server.app, invalidDocument, {
      accept: `application/json;q=0.1, ${GRAPHQL_RESPONSE}`,
    });
    assert.equal(preferGraphQL.status, 400, preferGraphQL.text);

    const wildcard = await postGraphQL(server.app, { query: '{ __typename }' }, { accept: '*/*' });
    assert.equal(wildcard.status, 200, wildcard.text);
    assert.match(headerOf(wildcard, 'content-type') ?? '', /^application\/json/);
  });

  test('an Accept header allowing neither JSON type is 406', async () => {
    for (const accept of ['text/html', 'application/xml, text/*', 'application/json;q=0']) {
      const reply = await postGraphQL(server.app, { query: '{ __typename }' }, { accept });
      assert.equal(reply.status, 406, `${accept}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['NOT_ACCEPTABLE']);
    }
  });
});

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
      query: '{ __typename kind: __typename public_posts(limit: 1) { __typename author { __typename name } } }',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      __typename: 'Query',
      kind: 'Query',
      public_posts: [{ __typename: 'Post', author: { __typename: 'Author', name: 'Alice Johnson' } }],
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
        { title: 'Hello from Alice', body: "Alice's first public post.", author: { name: 'Alice Johnson' } },
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
    ['a missing required variable', {}, /\$where.*of required type "PostWhereInput!" was not provided/],
    ['null for a required variable', { where: null }, /\$where.*must not be null/],
    ['an unknown input field', { where: { nope: { eq: 1 } } }, /Field "nope" is not defined by type "PostWhereInput"/],
    ['a malformed DateTime', { where: { createdAt: { gt: 'yesterday' } } }, /DateTime must be a string like/],
    ['an unknown enum value', { where, order: [{ field: 'title', direction: 'SIDEWAYS' }] }, /SortDirection/],
    ['a scalar for a list', { where: { id: { in: { a: 1 } } } }, /\$where/],
  ];
  for (const [name, variables, message] of badValues) {
    test(`bad variable value: ${name} is BAD_USER_INPUT before any SQL`, async () => {
      const reply = await post({ query: everyKind, variables });
      assert.equal(reply.status, 400, reply.text);
      assert.ok(errorCodes(reply).length > 0);
      assert.ok(errorCodes(reply).every((code) => code === 'BAD_USER_INPUT'), reply.text);
      assert.match(firstError(reply).message, message);
      assert.equal(reply.json?.data, undefined);
    });
  }

  test('bad variables are 200 with errors under application/json', async () => {
    const reply = await postGraphQL(server.app, { query: everyKind, variables: { where, limit: 'ten' } });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT']);
  });
});

describe('introspection in development', () => {
  const shape =
    '{ __schema { queryType { fields { name } } mutationType { fields { name } } } post: __type(name: "Post") { name fields { name } } }';
  type Shape = {
    __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } | null };
    post: { name: string; fields: { name: string }[] } | null;
  };
  const namesOf = (fields: { name: string }[] | undefined): string[] => (fields ?? []).map((field) => field.name);

  test('__schema and __type answer, showing a caller with every scope every operation', async () => {
    const reply = await post({ query: shape }, { authorization: `Bearer ${aliceToken}` });
    assert.equal(reply.status, 200, reply.text);
    const data = reply.json?.data as Shape;
    assert.deepEqual(namesOf(data.__schema.queryType.fields), ['public_posts', 'posts', 'user_posts', 'user_by_email']);
    assert.deepEqual(namesOf(data.__schema.mutationType?.fields), ['create_post', 'publish_post']);
    assert.deepEqual(namesOf(data.post?.fields), ['id', 'title', 'body', 'published', 'createdAt', 'author', 'comments']);
  });

  test('an anonymous caller sees only the public operations; a reader no mutations', async () => {
    const anonymous = await post({ query: shape });
    assert.equal(anonymous.status, 200, anonymous.text);
    const seenByAnyone = anonymous.json?.data as Shape;
    assert.deepEqual(namesOf(seenByAnyone.__schema.queryType.fields), ['public_posts']);
    assert.equal(seenByAnyone.__schema.mutationType, null);
    assert.equal(seenByAnyone.post?.name, 'Post');

    const readerToken = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const reader = await post({ query: shape }, { authorization: `Bearer ${readerToken}` });
    const seenByReader = reader.json?.data as Shape;
    assert.deepEqual(namesOf(seenByReader.__schema.queryType.fields), ['public_posts', 'posts', 'user_posts', 'user_by_email']);
    assert.equal(seenByReader.__schema.mutationType, null);
  });

  test('introspection mixed with a data field answers both', async () => {
    const reply = await post({ query: '{ __type(name: "Author") { name } public_posts(limit: 1) { title } }' });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      __type: { name: 'Author' },
      public_posts: [{ title: 'Hello from Alice' }],
    });
  });
});

describe('document limits (defaults)', () => {
  test('more aliases than max_aliases (30) is refused before any SQL', async () => {
    // Aliases of __typename are free (graphql-armor's allow list); aliases of data fields count.
    const fields = Array.from({ length: 31 }, (_, index) => `a${index}: public_posts(limit: 1) { title }`).join(' ');
    const reply = await post({ query: `{ ${fields} }` });
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_VALIDATION_FAILED']);
    assert.match(firstError(reply).message, /aliases/i);
  });

  test('a document over max_tokens (5000) is refused by the parser', async () => {
    const fields = Array.from({ length: 5100 }, () => '__typename').join(' ');
    const reply = await post({ query: `{ ${fields} }` });
    assert.equal(reply.status, 400, reply.text.slice(0, 300));
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_PARSE_FAILED']);
    assert.match(firstError(reply).message, /token/i);
  });
});

describe('service endpoints and headers', () => {
  test('/health and /ready are 200', async () => {
    const health = await exchange(server.app, { method: 'GET', url: '/health' });
    assert.equal(health.status, 200, health.text);
    assert.deepEqual(health.json, { status: 'ok' });
    const ready = await exchange(server.app, { method: 'GET', url: '/ready' });
    assert.equal(ready.status, 200, ready.text);
    assert.deepEqual(ready.json, { status: 'ready' });
  });

  test('an unknown path is a JSON 404 pointing at /graphql', async () => {
    const reply = await exchange(server.app, { method: 'GET', url: '/graphiql?x=1' });
    assert.equal(reply.status, 404, reply.text);
    assert.match(headerOf(reply, 'content-type') ?? '', /^application\/json/);
    assert.deepEqual(errorCodes(reply), ['NOT_FOUND']);
    assert.equal(firstError(reply).message, 'Nothing is served at /graphiql. GraphQL is at /graphql.');
  });

  test('every response carries a request id, nosniff and no-store, and errors quote the id', async () => {
    const replies: [string, ExchangeReply][] = [
      ['ok', await post({ query: '{ __typename }' })],
      ['validation', await post({ query: '{ nope }' })],
      ['unauthenticated', await post({ query: '{ posts { id } }' })],
      ['bad json', await exchange(server.app, { method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, body: '{' })],
      ['415', await exchange(server.app, { method: 'POST', url: '/graphql', headers: { 'content-type': 'text/plain' }, body: 'x' })],
      ['406', await postGraphQL(server.app, { query: '{ __typename }' }, { accept: 'text/html' })],
      ['405', await exchange(server.app, { method: 'PUT', url: '/graphql' })],
      ['404', await exchange(server.app, { method: 'GET', url: '/nowhere' })],
      ['413', await post({ query: `{ __typename } # ${'x'.repeat(1_100_000)}` })],
      ['health', await exchange(server.app, { method: 'GET', url: '/health' })],
      ['ready', await exchange(server.app, { method: 'GET', url: '/ready' })],
    ];
    const seen = new Set<string>();
    for (const [name, reply] of replies) {
      const id = headerOf(reply, 'x-request-id');
      assert.ok(id !== undefined && UUID.test(id), `${name}: x-request-id ${String(id)}`);
      seen.add(id);
      assert.equal(headerOf(reply, 'x-content-type-options'), 'nosniff', name);
      assert.equal(headerOf(reply, 'cache-control'), 'no-store', name);
      for (const error of reply.json?.errors ?? []) {
        assert.equal(error.extensions?.requestId, id, `${name}: requestId in the error`);
      }
    }
    assert.equal(seen.size, replies.length, 'each response has its own request id');
  });

  test('a valid incoming x-request-id is echoed; an unsafe one is replaced', async () => {
    const echoed = await post({ query: '{ nope }' }, { 'x-request-id': 'client-42.retry:1' });
    assert.equal(headerOf(echoed, 'x-request-id'), 'client-42.retry:1');
    assert.equal(echoed.json?.errors?.[0]?.extensions?.requestId, 'client-42.retry:1');

    for (const unsafe of ['has space', 'x'.repeat(65), 'line\\nbreak', '<script>']) {
      const reply = await post({ query: '{ __typename }' }, { 'x-request-id': unsafe });
      const id = headerOf(reply, 'x-request-id') ?? '';
      assert.notEqual(id, unsafe);
      assert.match(id, UUID);
    }
  });
});

describe('production mode with tight limits', () => {
  let variant: ProjectVariant;
  let production: TestServer;

  before(async () => {
    variant = blogVariant('[limits]\nmax_depth = 3\nmax_aliases = 2\n');
    production = await startTestServer({ projectDir: variant.dir, env: { FRAISEQL_ENV: 'production' } });
  });
  after(async () => {
    await production?.close();
    variant?.remove();
  });

  const send = (body: unknown): Promise<ExchangeReply> =>
    postGraphQL(production.app, body, { accept: GRAPHQL_RESPONSE });

  test('introspection is refused with INTROSPECTION_DISABLED, however it is spelled', async () => {
    const documents = [
      '{ __schema { queryType { name } } }',
      '{ __type(name: "Post") { name } }',
      '{ t: __type(name: "Post") { name } public_posts { title } }',
      '{ ...Spy } fragment Spy on Query { __schema { types { name } } }',
      '{ ... on Query { __type(name: "User") { name } } }',
    ];
    for (const query of documents) {
      const reply = await send({ query });
      assert.equal(reply.status, 400, `${query}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['INTROSPECTION_DISABLED'], query);
      assert.equal(firstError(reply).message, 'Introspection is disabled on this server');
      assert.equal(reply.json?.data, undefined, 'no data, not even the public field');
    }
  });

  test('__typename still answers: it is not introspection of the schema', async () => {
    const reply = await send({ query: '{ __typename public_posts(limit: 1) { __typename title } }' });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      __typename: 'Query',
      public_posts: [{ __typename: 'Post', title: 'Hello from Alice' }],
    });
  });

  test('a selection deeper than max_depth is refused, also through fragments', async () => {
    const shallow = await send({ query: '{ public_posts(limit: 1) { author { name } } }' });
    assert.equal(shallow.status, 200, shallow.text);

    for (const query of [
      '{ public_posts { comments { author { name } } } }',
      '{ public_posts { ...C } } fragment C on Post { comments { ... on Comment { author { name } } } }',
    ]) {
      const reply = await send({ query });
      assert.equal(reply.status, 400, `${query}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['GRAPHQL_VALIDATION_FAILED']);
      assert.match(firstError(reply).message, /depth/i);
    }
  });

  test('more aliases than max_aliases is refused', async () => {
    const two = await send({ query: '{ a: public_posts(limit: 1) { title } b: __typename }' });
    assert.equal(two.status, 200, two.text);

    const three = await send({
      query: '{ a: public_posts { title } b: public_posts { title } c: public_posts { title } }',
    });
    assert.equal(three.status, 400, three.text);
    assert.deepEqual(errorCodes(three), ['GRAPHQL_VALIDATION_FAILED']);
    assert.match(firstError(three).message, /aliases/i);
  });

  test('database errors are sanitised: no SQLSTATE in production', async () => {
    const token = await production.token({ sub: ALICE, scopes: ['read:posts'] });
    const reply = await postGraphQL(
      production.app,
      { query: '{ posts(where: { id: { eq: "not-a-uuid" } }) { id } }' },
      { accept: GRAPHQL_RESPONSE, authorization: `Bearer ${token}` },
    );
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT']);
    assert.equal(reply.json?.errors?.[0]?.extensions?.sqlstate, undefined);
    assert.doesNotMatch(reply.text, /22P02|invalid input syntax|v_post|SELECT/i);
  });
});
