/**
 * Limits, service endpoints and the headers of every response through the real server, and
 * production mode: introspection refused, tight depth and alias limits, sanitised errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  errorCodes,
  exchange,
  firstError,
  GRAPHQL_RESPONSE,
  headerOf,
  postGraphQL,
  type ExchangeReply,
} from './http-exchange.ts';
import { blogVariant, type ProjectVariant } from './project-variant.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
});
after(async () => {
  await server?.close();
});

/** POST asking for the spec's own media type, so request errors get 4xx statuses. */
function post(body: unknown, headers: Record<string, string> = {}): Promise<ExchangeReply> {
  return postGraphQL(server.app, body, { accept: GRAPHQL_RESPONSE, ...headers });
}



describe('document limits (defaults)', () => {
  test('more aliases than max_aliases (30) is refused before any SQL, naming the setting', async () => {
    const fields = Array.from(
      { length: 31 },
      (_, index) => `a${index}: public_posts(limit: 1) { title }`,
    ).join(' ');
    const reply = await post({ query: `{ ${fields} }` });
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_VALIDATION_FAILED']);
    assert.equal(
      firstError(reply).message,
      'Query refused: Aliases limit of 30 exceeded, found 31. Send a smaller query, or raise ' +
        '[limits] max_aliases in fraiseql.toml.',
    );
  });

  test('aliases of __typename count like any other', async () => {
    const fields = Array.from({ length: 31 }, (_, index) => `t${index}: __typename`).join(' ');
    const reply = await post({ query: `{ ${fields} }` });
    assert.equal(reply.status, 400, reply.text);
    assert.match(firstError(reply).message, /Aliases limit of 30 exceeded, found 31/);
  });


  test('a document over max_tokens (5000) is refused by the parser', async () => {
    const fields = Array.from({ length: 5100 }, () => '__typename').join(' ');
    const reply = await post({ query: `{ ${fields} }` });
    assert.equal(reply.status, 400, reply.text.slice(0, 300));
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_PARSE_FAILED']);
    assert.match(firstError(reply).message, /token/i);
  });
});

describe('pattern operators and client text (defaults)', () => {
  const search = 'query ($p: String!) { public_posts(where: { title: { like: $p } }) { title } }';

  test('a like value of 100 000 backslashes is refused by max_pattern_length (1000), naming it', async () => {
    const reply = await post({ query: search, variables: { p: `${'\\'.repeat(100_000)}x` } });
    assert.equal(reply.status, 400, reply.text.slice(0, 300));
    assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT']);
    assert.equal(
      firstError(reply).message,
      'where.title.like is longer than 1000 characters, the most a value of like may hold. ' +
        'Send a shorter value, or raise [limits] max_pattern_length in fraiseql.toml.',
    );
    assert.equal(reply.json?.errors?.[0]?.extensions?.maxPatternLength, 1000);
  });

  test('a pattern of max_pattern_length characters is answered', async () => {
    const pattern = `%${'\\'.repeat(998)}`;
    const reply = await post({ query: search, variables: { p: pattern } });
    assert.equal(reply.status, 200, reply.text.slice(0, 300));
    assert.deepEqual(reply.json?.data, { public_posts: [] });
  });

  test('a value repeating "Did you mean" in an error message is answered, the message intact', async () => {
    const value = ' Did you mean '.repeat(70_000);
    const reply = await post({
      query: 'query ($n: Int) { public_posts(limit: $n) { title } }',
      variables: { n: value },
    });
    assert.equal(reply.status, 400, reply.text.slice(0, 300));
    assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT']);
    assert.ok(firstError(reply).message.endsWith(`"${value}"`));
  });
});

describe('filter budget of a request (defaults)', () => {
  /** `count` aliases of public_posts, all filtered by the one variable `$w`. */
  function aliased(count: number): string {
    const fields = Array.from(
      { length: count },
      (_, index) => `a${index}: public_posts(where: $w) { id }`,
    );
    return `query ($w: PostWhereInput) { ${fields.join(' ')} }`;
  }

  test('the penetration test (30 aliases x 1000 patterns in one variable) is refused before any SQL', async () => {
    const w = {
      _or: Array.from({ length: 1000 }, (_, index) => ({
        body: { contains: 'ab'.repeat(500).slice(0, 999 - (index % 50)) },
      })),
    };
    const { db } = server.database;
    const run = db.runInRequestTransaction.bind(db);
    let transactions = 0;
    db.runInRequestTransaction = (context, statements) => {
      transactions += 1;
      return run(context, statements);
    };
    try {
      const reply = await post({ query: aliased(30), variables: { w } });
      assert.equal(reply.status, 400, reply.text.slice(0, 300));
      assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT']);
      assert.equal(
        firstError(reply).message,
        'The where filters of this request hold 30000 conditions, more than the 200 one request ' +
          'may hold (every root field and alias counts). Use in for a list of values, split the ' +
          'request, or raise [limits] max_filter_conditions in fraiseql.toml. The values of ' +
          'like, ilike, contains, icontains, startswith and endswith in the where filters of ' +
          'this request hold 29235000 characters, more than the 10000 one request may hold ' +
          '(every root field and alias counts). Send fewer or shorter patterns, split the ' +
          'request, or raise [limits] max_pattern_budget in fraiseql.toml.',
      );
      const { filterConditions, maxFilterConditions, patternCharacters, maxPatternBudget } =
        reply.json?.errors?.[0]?.extensions ?? {};
      assert.deepEqual(
        { filterConditions, maxFilterConditions, patternCharacters, maxPatternBudget },
        {
          filterConditions: 30_000,
          maxFilterConditions: 200,
          patternCharacters: 29_235_000,
          maxPatternBudget: 10_000,
        },
      );
      assert.equal(transactions, 0, 'no transaction was opened');
    } finally {
      db.runInRequestTransaction = run;
    }
  });

  test('a request within the budget is answered: 10 aliases x 20 conditions, 19 of them patterns', async () => {
    const w = {
      _or: [
        { title: { eq: 'Hello from Alice' } },
        ...Array.from({ length: 19 }, (_, index) => ({
          body: { contains: `${index}`.padEnd(50, 'x') },
        })),
      ],
    };
    const reply = await post({ query: aliased(10), variables: { w } });
    assert.equal(reply.status, 200, reply.text.slice(0, 300));
    assert.equal(reply.json?.errors, undefined, reply.text.slice(0, 300));
    assert.equal((reply.json?.data?.a9 as unknown[] | undefined)?.length, 1);
  });

  test('aliases each within a share of the budget but over it together are refused', async () => {
    const w = { _or: Array.from({ length: 70 }, (_, index) => ({ title: { eq: `t${index}` } })) };
    const two = await post({ query: aliased(2), variables: { w } });
    assert.equal(two.status, 200, two.text.slice(0, 300));
    const three = await post({ query: aliased(3), variables: { w } });
    assert.equal(three.status, 400, three.text.slice(0, 300));
    assert.match(
      firstError(three).message,
      /^The where filters of this request hold 210 conditions, more than the 200/,
    );
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
    assert.equal(
      firstError(reply).message,
      'Nothing is served at /graphiql. GraphQL is at /graphql.',
    );
  });

  test('every response carries a request id, nosniff and no-store, and errors quote the id', async () => {
    const replies: [string, ExchangeReply][] = [
      ['ok', await post({ query: '{ __typename }' })],
      ['validation', await post({ query: '{ nope }' })],
      ['unauthenticated', await post({ query: '{ posts { id } }' })],
      [
        'bad json',
        await exchange(server.app, {
          method: 'POST',
          url: '/graphql',
          headers: { 'content-type': 'application/json' },
          body: '{',
        }),
      ],
      [
        '415',
        await exchange(server.app, {
          method: 'POST',
          url: '/graphql',
          headers: { 'content-type': 'text/plain' },
          body: 'x',
        }),
      ],
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
    variant = blogVariant(
      '[limits]\nmax_depth = 3\nmax_aliases = 2\nmax_pattern_length = 5\n' +
        'max_filter_conditions = 4\nmax_pattern_budget = 12\n',
    );
    production = await startTestServer({
      projectDir: variant.dir,
      // Production refuses to start without every secret it needs, the API key one included.
      env: {
        FRAISEQL_ENV: 'production',
        API_KEY_SECRET: 'api-key-secret-for-tests-0123456789abcdef',
      },
    });
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
    const reply = await send({
      query: '{ __typename public_posts(limit: 1) { __typename title } }',
    });
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
      assert.match(firstError(reply).message, /^Query refused: Query depth limit of 3 exceeded/);
      assert.match(firstError(reply).message, /raise \[limits\] max_depth in fraiseql\.toml\.$/);
    }
  });

  test('a pattern longer than max_pattern_length (5 here) is refused, one within it answered', async () => {
    const within = await send({ query: '{ public_posts(where: { title: { like: "%abc" } }) { title } }' });
    assert.equal(within.status, 200, within.text);
    const over = await send({ query: '{ public_posts(where: { title: { like: "%abcde" } }) { title } }' });
    assert.equal(over.status, 400, over.text);
    assert.deepEqual(errorCodes(over), ['BAD_USER_INPUT']);
    assert.match(firstError(over).message, /longer than 5 characters.*\[limits\] max_pattern_length/);
  });

  test('the configured filter budget (4 conditions, 12 pattern characters) is the one enforced', async () => {
    const search =
      'query ($w: PostWhereInput) ' +
      '{ a: public_posts(where: $w) { title } b: public_posts(where: $w) { title } }';
    const within = await send({
      query: search,
      variables: { w: { _or: [{ title: { contains: 'abc' } }, { body: { startswith: 'def' } }] } },
    });
    assert.equal(within.status, 200, within.text);

    const conditions = await send({
      query: search,
      variables: { w: { title: { neq: 'x' }, published: { eq: true }, body: { isnull: false } } },
    });
    assert.equal(conditions.status, 400, conditions.text);
    assert.deepEqual(errorCodes(conditions), ['BAD_USER_INPUT']);
    assert.match(
      firstError(conditions).message,
      /^The where filters of this request hold 6 conditions, more than the 4 one request may hold/,
    );
    assert.match(
      firstError(conditions).message,
      /raise \[limits\] max_filter_conditions in fraiseql\.toml\.$/,
    );

    const patterns = await send({
      query: search,
      variables: { w: { _or: [{ title: { contains: 'abc' } }, { body: { like: '%defg' } }] } },
    });
    assert.equal(patterns.status, 400, patterns.text);
    assert.match(
      firstError(patterns).message,
      /hold 16 characters, more than the 12 one request may hold .*max_pattern_budget in fraiseql/,
    );
    assert.equal(patterns.json?.errors?.[0]?.extensions?.maxPatternBudget, 12);
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
