/**
 * Cached root-field statements through the real server: two users sending the same document
 * get the same SQL text, each with its own subject bound, and each sees only its own rows.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import type { SqlStatement } from '../../src/db/database.ts';
import { ALICE, BOB, startBlog, TITLE, type BlogClient } from './blog-client.ts';

let blog: BlogClient;
/** Every statement the server sent, with the app.user_id setting of its transaction. */
const sent: { statement: SqlStatement; userId: string | undefined }[] = [];

before(async () => {
  blog = await startBlog();
  const { db } = blog.server.database;
  const run = db.runInRequestTransaction.bind(db);
  db.runInRequestTransaction = (context, statements) => {
    for (const statement of statements) sent.push({ statement, userId: context.settings['app.user_id'] });
    return run(context, statements);
  };
});

after(() => blog.close());

const USER_POSTS = '{ user_posts(orderBy: [{ field: "title", direction: ASC }]) { title } }';

test('two users share the cached text, bind their own subject and see their own rows', async () => {
  sent.length = 0;
  const alice = await blog.titles('alice', USER_POSTS, 'user_posts');
  const bob = await blog.titles('bob', USER_POSTS, 'user_posts');
  const aliceAgain = await blog.titles('alice', USER_POSTS, 'user_posts');

  // Sorted here too: the database's collation may order punctuation differently.
  assert.deepEqual([...alice].sort(), [TITLE.alicePublic, TITLE.aliceDraft].sort());
  assert.deepEqual([...bob].sort(), [TITLE.bobPublic, TITLE.bobDraft].sort());
  assert.deepEqual(aliceAgain, alice);

  assert.equal(sent.length, 3);
  const [first, second, third] = sent;
  assert.ok(first !== undefined && second !== undefined && third !== undefined);
  assert.equal(second.statement.text, first.statement.text);
  assert.equal(third.statement.text, first.statement.text);
  assert.ok(first.statement.values.includes(ALICE) && !first.statement.values.includes(BOB));
  assert.ok(second.statement.values.includes(BOB) && !second.statement.values.includes(ALICE));
  assert.deepEqual(third.statement.values, first.statement.values);
  assert.deepEqual(
    sent.map((entry) => entry.userId),
    [ALICE, BOB, ALICE],
  );
});

test('the same mutation by two users writes each post as its own author', async () => {
  const create = 'mutation { create_post(title: "Same title", body: "b") { title } }';
  for (const who of ['alice', 'bob'] as const) {
    const reply = await blog.ask(who, create);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json?.errors, undefined, reply.text);
  }
  const alice = await blog.titles('alice', USER_POSTS, 'user_posts');
  const bob = await blog.titles('bob', USER_POSTS, 'user_posts');
  assert.equal(alice.filter((title) => title === 'Same title').length, 1);
  assert.equal(bob.filter((title) => title === 'Same title').length, 1);
});
