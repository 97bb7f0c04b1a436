/**
 * Every `where` operator, `_and`/`_or`/`_not`, `orderBy`, `limit` and `offset` through HTTP on
 * the blog example's seed data (read only), and the refusals: empty filters, unknown sort
 * fields, negative paging, a limit over max_page_size.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { errorCodes } from '../http/http-exchange.ts';
import {
  ALICE_DRAFT,
  ALICE_PUBLIC,
  BOB,
  BOB_PUBLIC,
  CAROL_PUBLIC,
  firstErrorOf as firstError,
  startBlog,
  TITLE,
  type BlogClient,
} from './blog-client.ts';

let blog: BlogClient;
before(async () => {
  blog = await startBlog();
});
after(async () => {
  await blog?.close();
});

const ask: BlogClient['ask'] = (...args) => blog.ask(...args);
const titles: BlogClient['titles'] = (...args) => blog.titles(...args);

describe('every where operator, as Bob, over posts ordered by creation', () => {
  const run = (where: string): Promise<string[]> =>
    titles(
      'bob',
      `{ posts(where: ${where}, orderBy: [{ field: "createdAt" }]) { title } }`,
      'posts',
    );

  const cases: readonly [string, string, readonly string[]][] = [
    ['eq', '{ title: { eq: "Bob on databases" } }', [TITLE.bobPublic]],
    ['neq', '{ published: { neq: true } }', [TITLE.bobDraft]],
    ['gt', '{ createdAt: { gt: "2026-02-03T10:00:00Z" } }', [TITLE.bobDraft, TITLE.carolPublic]],
    [
      'gte',
      '{ createdAt: { gte: "2026-02-03T10:00:00Z" } }',
      [TITLE.bobPublic, TITLE.bobDraft, TITLE.carolPublic],
    ],
    ['lt', '{ createdAt: { lt: "2026-02-03T10:00:00Z" } }', [TITLE.alicePublic]],
    ['lte', '{ createdAt: { lte: "2026-02-03T10:00:00Z" } }', [TITLE.alicePublic, TITLE.bobPublic]],
    ['gt on a String', '{ title: { gt: "Carol" } }', [TITLE.alicePublic, TITLE.carolPublic]],
    [
      'in (with a hidden draft id)',
      `{ id: { in: ["${ALICE_PUBLIC}", "${CAROL_PUBLIC}", "${ALICE_DRAFT}"] } }`,
      [TITLE.alicePublic, TITLE.carolPublic],
    ],
    ['in, empty', '{ id: { in: [] } }', []],
    [
      'nin',
      `{ id: { nin: ["${ALICE_PUBLIC}", "${BOB_PUBLIC}"] } }`,
      [TITLE.bobDraft, TITLE.carolPublic],
    ],
    ['isnull: true', '{ title: { isnull: true } }', []],
    [
      'isnull: false',
      '{ author: { name: { isnull: false } } }',
      [TITLE.alicePublic, TITLE.bobPublic, TITLE.bobDraft, TITLE.carolPublic],
    ],
    ['contains', '{ title: { contains: "private" } }', [TITLE.bobDraft]],
    ['contains is case-sensitive', '{ title: { contains: "PRIVATE" } }', []],
    ['contains treats % as itself', '{ title: { contains: "%" } }', []],
    ['icontains', '{ title: { icontains: "PRIVATE" } }', [TITLE.bobDraft]],
    ['startswith', '{ title: { startswith: "Bob" } }', [TITLE.bobPublic, TITLE.bobDraft]],
    ['startswith treats _ as itself', '{ title: { startswith: "B_b" } }', []],
    ['endswith', '{ title: { endswith: "notes" } }', [TITLE.carolPublic]],
    ['like', '{ title: { like: "B_b%" } }', [TITLE.bobPublic, TITLE.bobDraft]],
    ['ilike', '{ title: { ilike: "%ALICE" } }', [TITLE.alicePublic]],
    [
      'several operators on one field (AND)',
      '{ createdAt: { gt: "2026-02-01T10:00:00Z", lt: "2026-02-05T10:00:00Z" } }',
      [TITLE.bobPublic, TITLE.bobDraft],
    ],
    ['a nested object field', '{ author: { name: { eq: "Carol Diaz" } } }', [TITLE.carolPublic]],
    [
      '_and',
      '{ _and: [{ published: { eq: true } }, { title: { icontains: "o" } }, { author: { id: { neq: "' +
        BOB +
        '" } } }] }',
      [TITLE.alicePublic, TITLE.carolPublic],
    ],
    [
      '_or',
      '{ _or: [{ title: { startswith: "Carol" } }, { published: { eq: false } }] }',
      [TITLE.bobDraft, TITLE.carolPublic],
    ],
    ['_not', '{ _not: { published: { eq: true } } }', [TITLE.bobDraft]],
    [
      '_not of _or',
      '{ _not: { _or: [{ published: { eq: false } }, { author: { name: { eq: "Alice Johnson" } } }] } }',
      [TITLE.bobPublic, TITLE.carolPublic],
    ],
    [
      'two keys at one level (AND)',
      '{ published: { eq: true }, author: { name: { startswith: "Bob" } } }',
      [TITLE.bobPublic],
    ],
  ];
  for (const [name, where, expected] of cases) {
    test(name, async () => {
      assert.deepEqual(await run(where), expected);
    });
  }

  test('an empty filter is refused, never read as "all rows"', async () => {
    for (const where of [
      '{}',
      '{ title: {} }',
      '{ _or: [] }',
      '{ _and: [] }',
      '{ _not: {} }',
      'null',
    ]) {
      const reply = await ask('bob', `{ posts(where: ${where}) { title } }`);
      assert.equal(reply.status, 400, `${where}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT'], where);
      assert.equal(reply.json?.data, undefined);
    }
  });

  test('filter values through variables behave like literals', async () => {
    const query =
      'query ($w: PostWhereInput) { posts(where: $w, orderBy: [{ field: "createdAt" }]) { title } }';
    assert.deepEqual(await titles('bob', query, 'posts', { w: { title: { startswith: 'Bob' } } }), [
      TITLE.bobPublic,
      TITLE.bobDraft,
    ]);
    const empty = await ask('bob', query, { w: {} });
    assert.equal(empty.status, 400, empty.text);
  });
});

describe('orderBy, limit and offset', () => {
  const all = [TITLE.alicePublic, TITLE.bobPublic, TITLE.carolPublic];

  test('orderBy sorts by each direction, and limit/offset page through', async () => {
    assert.deepEqual(
      await titles(
        'anonymous',
        '{ public_posts(orderBy: [{ field: "title", direction: DESC }]) { title } }',
        'public_posts',
      ),
      [...all].sort().reverse(),
    );
    const page =
      '{ public_posts(orderBy: [{ field: "createdAt", direction: DESC }], limit: 2, offset: OFFSET) { title } }';
    assert.deepEqual(await titles('anonymous', page.replace('OFFSET', '0'), 'public_posts'), [
      TITLE.carolPublic,
      TITLE.bobPublic,
    ]);
    assert.deepEqual(await titles('anonymous', page.replace('OFFSET', '2'), 'public_posts'), [
      TITLE.alicePublic,
    ]);
    assert.deepEqual(await titles('anonymous', page.replace('OFFSET', '9'), 'public_posts'), []);
    assert.deepEqual(
      await titles('anonymous', '{ public_posts(limit: 0) { title } }', 'public_posts'),
      [],
    );
  });

  test('sorting by an unknown or non-scalar field, or a negative paging value, is refused', async () => {
    for (const query of [
      '{ public_posts(orderBy: [{ field: "nope" }]) { title } }',
      '{ public_posts(orderBy: [{ field: "author" }]) { title } }',
      '{ public_posts(limit: -1) { title } }',
      '{ public_posts(offset: -1) { title } }',
    ]) {
      const reply = await ask('anonymous', query);
      assert.equal(reply.status, 400, `${query}: ${reply.text}`);
      assert.deepEqual(errorCodes(reply), ['BAD_USER_INPUT'], query);
    }
  });

  test('a limit over max_page_size (100) is an error naming the cap', async () => {
    const reply = await ask('anonymous', '{ public_posts(limit: 101) { title } }');
    assert.equal(reply.status, 400, reply.text);
    const error = firstError(reply);
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.equal(error.extensions.maxPageSize, 100);
    assert.match(error.message, /exceeds the maximum page size of 100/);
  });
});
