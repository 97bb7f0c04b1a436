/**
 * The GraphQL-over-HTTP protocol through the real server (fastify.inject, no socket), on the
 * bundled blog example: POST and GET, methods, request bodies, media types and Accept
 * negotiation. Documents and variables are in graphql-documents.db.test.ts; limits, service
 * endpoints, headers and production mode in http-limits-and-headers.db.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  errorCodes,
  exchange,
  firstError,
  GRAPHQL_RESPONSE,
  graphqlUrl,
  headerOf,
  postGraphQL,
  type ExchangeReply,
} from './http-exchange.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const PUBLISHED_TITLES = ['Hello from Alice', 'Bob on databases', "Carol's notes"];

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

    const mine = await server.graphql(
      '{ user_posts(where: { title: { eq: "via GET" } }) { id } }',
      {
        token: aliceToken,
      },
    );
    assert.deepEqual(mine.body.data?.user_posts, []);
  });

  test('GET may pick the query of a document that also holds a mutation', async () => {
    const query = 'query Read { __typename } mutation Write { __typename }';
    const read = await exchange(server.app, {
      method: 'GET',
      url: graphqlUrl({ query, operationName: 'Read' }),
    });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json?.data, { __typename: 'Query' });

    const write = await exchange(server.app, {
      method: 'GET',
      url: graphqlUrl({ query, operationName: 'Write' }),
    });
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

  test('OPTIONS on /graphql is 204 naming the methods, without CORS headers', async () => {
    const reply = await exchange(server.app, {
      method: 'OPTIONS',
      url: '/graphql',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    assert.equal(reply.status, 204, reply.text);
    assert.equal(headerOf(reply, 'allow'), 'GET, POST, OPTIONS');
    assert.equal(headerOf(reply, 'access-control-allow-origin'), undefined);
  });
});

describe('request bodies and media types', () => {
  test('POST with text/plain, another type or no content-type is 415', async () => {
    for (const contentType of [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
    ]) {
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
    const none = await exchange(server.app, {
      method: 'POST',
      url: '/graphql',
      body: '{"query":"{ __typename }"}',
    });
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
