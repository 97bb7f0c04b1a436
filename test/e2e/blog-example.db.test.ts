/**
 * The bundled blog example's contract, end to end through HTTP: who sees which posts, the two
 * mutation shapes (mutation_response and plain JSONB) and the page-size cap. Reads run before
 * writes, since the writes change what later reads see. Filters, sorting and paging are in
 * blog-filters.db.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { errorCodes } from '../http/http-exchange.ts';
import {
  ALICE,
  ALICE_DRAFT,
  ALICE_PUBLIC,
  BOB,
  BOB_DRAFT,
  CAROL,
  firstErrorOf as firstError,
  startBlog,
  TITLE,
  type BlogClient,
} from './blog-client.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DRAFTS: readonly string[] = [TITLE.aliceDraft, TITLE.bobDraft, TITLE.carolDraft];

let blog: BlogClient;
before(async () => {
  blog = await startBlog();
});
after(async () => {
  await blog?.close();
});

const ask: BlogClient['ask'] = (...args) => blog.ask(...args);
const titles: BlogClient['titles'] = (...args) => blog.titles(...args);

describe('who sees which posts', () => {
  test('public_posts lists only published posts, with or without a token', async () => {
    const expected = [TITLE.alicePublic, TITLE.bobPublic, TITLE.carolPublic];
    assert.deepEqual(
      await titles('anonymous', '{ public_posts { title } }', 'public_posts'),
      expected,
    );
    assert.deepEqual(await titles('alice', '{ public_posts { title } }', 'public_posts'), expected);
  });

  test("posts shows the published posts and the caller's own drafts, never another's", async () => {
    const query = '{ posts(orderBy: [{ field: "createdAt" }]) { title } }';
    assert.deepEqual(await titles('alice', query, 'posts'), [
      TITLE.alicePublic,
      TITLE.aliceDraft,
      TITLE.bobPublic,
      TITLE.carolPublic,
    ]);
    assert.deepEqual(await titles('bob', query, 'posts'), [
      TITLE.alicePublic,
      TITLE.bobPublic,
      TITLE.bobDraft,
      TITLE.carolPublic,
    ]);
    assert.deepEqual(await titles('carol', query, 'posts'), [
      TITLE.alicePublic,
      TITLE.bobPublic,
      TITLE.carolPublic,
      TITLE.carolDraft,
    ]);
  });

  test("user_posts holds only the caller's posts, whatever the where asks", async () => {
    const query = '{ user_posts(orderBy: [{ field: "createdAt" }]) { title author { name } } }';
    const reply = await ask('bob', query);
    assert.deepEqual(reply.json?.data, {
      user_posts: [
        { title: TITLE.bobPublic, author: { name: 'Bob Smith' } },
        { title: TITLE.bobDraft, author: { name: 'Bob Smith' } },
      ],
    });

    const widening = `{ user_posts(where: { _or: [
      { author: { name: { eq: "Alice Johnson" } } }, { published: { eq: false } }, { id: { in: ["${ALICE_DRAFT}"] } }
    ] }) { title } }`;
    assert.deepEqual(await titles('bob', widening, 'user_posts'), [TITLE.bobDraft]);
  });

  test('nested objects and lists come from the composed view', async () => {
    const reply = await ask(
      'anonymous',
      `{ public_posts(where: { id: { eq: "${ALICE_PUBLIC}" } }) { author { id name } comments { body author { name } } } }`,
    );
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      public_posts: [
        {
          author: { id: ALICE, name: 'Alice Johnson' },
          comments: [
            { body: 'Welcome, Alice!', author: { name: 'Bob Smith' } },
            { body: 'Nice post.', author: { name: 'Carol Diaz' } },
          ],
        },
      ],
    });
  });

  test('user_by_email finds a user, answers null for none, and binds hostile text', async () => {
    const query = 'query ($email: String!) { user_by_email(email: $email) { id name email } }';
    const found = await ask('alice', query, { email: 'bob@example.com' });
    assert.deepEqual(found.json?.data, {
      user_by_email: { id: BOB, name: 'Bob Smith', email: 'bob@example.com' },
    });

    for (const email of [
      'nobody@example.com',
      "' OR '1'='1",
      "bob@example.com' --",
      '%@example.com',
    ]) {
      const reply = await ask('alice', query, { email });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json?.data, { user_by_email: null }, email);
    }
  });

  test('user_by_email needs read:users: a token without it cannot map addresses to users', async () => {
    const token = await blog.server.token({ sub: ALICE, scopes: ['read:posts', 'write:posts'] });
    const reply = await blog.server.graphql('{ user_by_email(email: "bob@example.com") { id } }', {
      token,
    });
    assert.equal(reply.status, 403, reply.text);
    assert.equal(reply.body.errors?.[0]?.message, 'Insufficient scope for this operation');
    assert.deepEqual(reply.body.errors?.[0]?.extensions?.requiredScopes, ['read:users']);
    assert.equal(reply.body.data, undefined);
  });

  test('user_by_email needs a token (it is not public)', async () => {
    const reply = await ask('anonymous', '{ user_by_email(email: "bob@example.com") { id } }');
    assert.equal(reply.status, 401, reply.text);
    assert.deepEqual(errorCodes(reply), ['UNAUTHENTICATED']);
  });
});

describe('mutations', () => {
  let created = '';

  test('create_post (mutation_response) writes a draft as the caller', async () => {
    const reply = await ask(
      'alice',
      'mutation ($title: String!, $body: String!) { create_post(title: $title, body: $body) { id title published author { id name } } }',
      { title: 'Draft by Alice, e2e', body: 'Written through HTTP.' },
    );
    assert.equal(reply.status, 200, reply.text);
    const post = reply.json?.data?.create_post as {
      id: string;
      title: string;
      published: boolean;
      author: unknown;
    };
    assert.match(post.id, UUID);
    assert.deepEqual(
      { ...post, id: 'x' },
      {
        id: 'x',
        title: 'Draft by Alice, e2e',
        published: false,
        author: { id: ALICE, name: 'Alice Johnson' },
      },
    );
    created = post.id;

    assert.ok(
      (await titles('alice', '{ user_posts { title } }', 'user_posts')).includes(
        'Draft by Alice, e2e',
      ),
    );
    assert.ok(
      !(await titles('bob', '{ posts { title } }', 'posts')).includes('Draft by Alice, e2e'),
    );
    assert.ok(
      !(await titles('anonymous', '{ public_posts { title } }', 'public_posts')).includes(
        'Draft by Alice, e2e',
      ),
    );
  });

  test('publish_post (plain JSONB) publishes the caller’s draft for everyone', async () => {
    assert.notEqual(created, '', 'the create test ran first');
    const reply = await ask(
      'alice',
      `mutation { publish_post(id: "${created}") { id title published } }`,
    );
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      publish_post: { id: created, title: 'Draft by Alice, e2e', published: true },
    });
    assert.ok(
      (await titles('anonymous', '{ public_posts { title } }', 'public_posts')).includes(
        'Draft by Alice, e2e',
      ),
    );
    assert.ok(
      (await titles('bob', '{ posts { title } }', 'posts')).includes('Draft by Alice, e2e'),
    );
  });

  test("publishing another user's draft is NOT_FOUND and changes nothing", async () => {
    for (const id of [BOB_DRAFT, '99999999-9999-9999-9999-999999999999']) {
      const reply = await ask('alice', `mutation { publish_post(id: "${id}") { id published } }`);
      assert.equal(reply.status, 404, reply.text);
      assert.deepEqual(errorCodes(reply), ['NOT_FOUND']);
      assert.equal(firstError(reply).message, 'Post not found');
      assert.equal(reply.json?.data, undefined);
    }
    const bobs = await ask(
      'bob',
      `{ user_posts(where: { id: { eq: "${BOB_DRAFT}" } }) { published } }`,
    );
    assert.deepEqual(bobs.json?.data, { user_posts: [{ published: false }] });
    assert.ok(
      !(await titles('anonymous', '{ public_posts { title } }', 'public_posts')).includes(
        TITLE.bobDraft,
      ),
    );
  });

  test('a create_post validation failure is BAD_USER_INPUT, and nothing is written', async () => {
    const before = await titles('alice', '{ user_posts { title } }', 'user_posts');
    const reply = await ask(
      'alice',
      'mutation { create_post(title: "   ", body: "blank title") { id } }',
    );
    // The function's mutation_response sets http_status 422 (FraiseQL's default for the
    // validation class): the response carries that status, the same as extensions.httpStatus.
    assert.equal(reply.status, 422, reply.text);
    const error = firstError(reply);
    assert.equal(error.extensions.httpStatus, 422);
    assert.equal(error.message, 'A post needs a title.');
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.equal(error.extensions.errorClass, 'validation');
    assert.equal(reply.json?.data, undefined);
    assert.deepEqual(await titles('alice', '{ user_posts { title } }', 'user_posts'), before);
  });

  test('a title over the table constraint is a CONSTRAINT_VIOLATION, rolled back', async () => {
    const reply = await ask(
      'carol',
      `mutation { create_post(title: "${'t'.repeat(201)}", body: "too long") { id } }`,
    );
    assert.equal(reply.status, 409, reply.text);
    assert.deepEqual(errorCodes(reply), ['CONSTRAINT_VIOLATION']);
    assert.deepEqual(await titles('carol', '{ user_posts { title } }', 'user_posts'), [
      TITLE.carolPublic,
      TITLE.carolDraft,
    ]);
  });

  test('the author comes from the token: a user_id argument does not exist', async () => {
    const reply = await ask(
      'alice',
      `mutation { create_post(title: "x", body: "y", user_id: "${BOB}") { id } }`,
    );
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(errorCodes(reply), ['GRAPHQL_VALIDATION_FAILED']);
  });

  test('create_post with published: true is public at once', async () => {
    const reply = await ask(
      'bob',
      'mutation { create_post(title: "Bob, live", body: "now", published: true) { published author { name } } }',
    );
    assert.deepEqual(reply.json?.data, {
      create_post: { published: true, author: { name: 'Bob Smith' } },
    });
    assert.ok(
      (await titles('anonymous', '{ public_posts { title } }', 'public_posts')).includes(
        'Bob, live',
      ),
    );
  });
});

describe('more rows than max_page_size', () => {
  before(async () => {
    // 120 published posts by Carol, written directly (not through the API).
    await blog.server.database.db.exec(`
      INSERT INTO tb_post (author_id, title, body, published, created_at)
      SELECT '${CAROL}', 'Bulk ' || lpad(n::text, 3, '0'), 'bulk', true, '2026-03-01'::timestamptz + n * interval '1 minute'
      FROM generate_series(1, 120) AS n;`);
  });

  test('a list matching more than 100 rows without limit is an error, not a silent cut', async () => {
    const reply = await ask('anonymous', '{ public_posts { title } }');
    assert.equal(reply.status, 400, reply.text.slice(0, 300));
    const error = firstError(reply);
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.match(error.message, /matches more than 100 rows/);
    assert.equal(reply.json?.data, undefined);
  });

  test('paging with limit and offset reads every row', async () => {
    const page =
      'query ($offset: Int) { public_posts(where: { title: { startswith: "Bulk" } }, orderBy: [{ field: "title" }], limit: 100, offset: $offset) { title } }';
    const first = await titles('anonymous', page, 'public_posts', { offset: 0 });
    const second = await titles('anonymous', page, 'public_posts', { offset: 100 });
    assert.equal(first.length, 100);
    assert.equal(second.length, 20);
    assert.equal(first[0], 'Bulk 001');
    assert.equal(second[19], 'Bulk 120');
  });

  test('a narrower where under the cap needs no limit', async () => {
    const few = await titles(
      'anonymous',
      '{ public_posts(where: { title: { startswith: "Bulk 11" } }) { title } }',
      'public_posts',
    );
    assert.equal(few.length, 10);
    assert.ok(few.every((title) => !DRAFTS.includes(title)));
  });
});
