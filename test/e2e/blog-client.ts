/**
 * The bundled blog example served on a fresh test database, with a client that asks as one of
 * its seeded users (or anonymously), and the seed data's ids and titles.
 *
 *   const blog = await startBlog();
 *   assert.deepEqual(await blog.titles('bob', '{ user_posts { title } }', 'user_posts'), [...]);
 *   await blog.close();
 */
import assert from 'node:assert/strict';

import { GRAPHQL_RESPONSE, postGraphQL, type ExchangeReply } from '../http/http-exchange.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

export const ALICE = '11111111-1111-1111-1111-111111111111';
export const BOB = '22222222-2222-2222-2222-222222222222';
export const CAROL = '33333333-3333-3333-3333-333333333333';
export const ALICE_PUBLIC = 'a1000000-0000-0000-0000-000000000001';
export const ALICE_DRAFT = 'a1000000-0000-0000-0000-000000000002';
export const BOB_PUBLIC = 'b2000000-0000-0000-0000-000000000001';
export const BOB_DRAFT = 'b2000000-0000-0000-0000-000000000002';
export const CAROL_PUBLIC = 'c3000000-0000-0000-0000-000000000001';

/** The seeded posts' titles. */
export const TITLE = {
  alicePublic: 'Hello from Alice',
  aliceDraft: "Alice's private draft",
  bobPublic: 'Bob on databases',
  bobDraft: "Bob's private draft",
  carolPublic: "Carol's notes",
  carolDraft: "Carol's private draft",
} as const;

/** A seeded user (with read:posts, write:posts and read:users), or no token at all. */
export type Who = 'alice' | 'bob' | 'carol' | 'anonymous';

export interface BlogClient {
  readonly server: TestServer;
  /** POST /graphql as `who`, asking for application/graphql-response+json. */
  ask(who: Who, query: string, variables?: Record<string, unknown>): Promise<ExchangeReply>;
  /** The titles of the list at data[key], asserting a 200 without errors. */
  titles(who: Who, query: string, key: string, variables?: Record<string, unknown>): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the example's server and mints a token for each seeded user. */
export async function startBlog(): Promise<BlogClient> {
  const server = await startTestServer({ projectDir: 'examples/blog' });
  const scopes = ['read:posts', 'write:posts', 'read:users'];
  const tokens = {
    alice: await server.token({ sub: ALICE, scopes }),
    bob: await server.token({ sub: BOB, scopes }),
    carol: await server.token({ sub: CAROL, scopes }),
  };
  const ask: BlogClient['ask'] = (who, query, variables) =>
    postGraphQL(
      server.app,
      { query, ...(variables === undefined ? {} : { variables }) },
      {
        accept: GRAPHQL_RESPONSE,
        ...(who === 'anonymous' ? {} : { authorization: `Bearer ${tokens[who]}` }),
      },
    );
  return {
    server,
    ask,
    async titles(who, query, key, variables) {
      const reply = await ask(who, query, variables);
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.json?.errors, undefined, reply.text);
      const list = reply.json?.data?.[key];
      assert.ok(Array.isArray(list), reply.text);
      return list.map((item: { title: string }) => item.title);
    },
    close: () => server.close(),
  };
}

/** The first error's message and extensions, failing the test when there is none. */
export function firstErrorOf(reply: ExchangeReply): {
  message: string;
  extensions: Readonly<Record<string, unknown>>;
} {
  const error = reply.json?.errors?.[0];
  assert.ok(error !== undefined, `expected an error: ${reply.text}`);
  return { message: error.message, extensions: error.extensions ?? {} };
}
