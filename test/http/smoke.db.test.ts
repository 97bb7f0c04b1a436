import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
let server: TestServer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
});
after(async () => {
  await server?.close();
});

test('the blog example answers a public and an authenticated query', async () => {
  const open = await server.graphql('{ public_posts { title } }');
  assert.equal(open.status, 200, open.text);
  assert.ok(Array.isArray(open.body.data?.public_posts));

  const token = await server.token({ sub: ALICE, scopes: ['read:posts'] });
  const mine = await server.graphql('{ user_posts { title } }', { token });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.body.data?.user_posts, [{ title: 'Hello from Alice' }, { title: "Alice's private draft" }]);
});
