/**
 * Isolation between callers on a small connection pool: three users and anonymous callers
 * interleaved, with failing requests (SQL errors, refused mutations, constraint violations)
 * mixed in, must each see only what they may see, and nothing set for one request may reach
 * the next. Then a property test: whatever `where` Alice sends, in whatever document shape, she
 * never reads Bob's or Carol's drafts.
 *
 * The server is the blog example plus `leak_probe`: a public query over v_post, whose
 * row-level security shows drafts to whoever `app.user_id` names. An anonymous leak_probe
 * therefore shows a draft exactly when a setting leaked from an earlier request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import fc from 'fast-check';

import { blogVariant, type ProjectVariant } from '../http/project-variant.ts';
import { postGraphQL, type ExchangeReply } from '../http/http-exchange.ts';
import { startSmallPoolServer, type SmallPoolServer } from './small-pool-server.ts';
import { hostileWhere, whereDocument } from './where-arbitraries.ts';

const USERS = {
  alice: '11111111-1111-1111-1111-111111111111',
  bob: '22222222-2222-2222-2222-222222222222',
  carol: '33333333-3333-3333-3333-333333333333',
} as const;
type User = keyof typeof USERS;
const DRAFT_OF: Readonly<Record<User, { id: string; title: string }>> = {
  alice: { id: 'a1000000-0000-0000-0000-000000000002', title: "Alice's private draft" },
  bob: { id: 'b2000000-0000-0000-0000-000000000002', title: "Bob's private draft" },
  carol: { id: 'c3000000-0000-0000-0000-000000000002', title: "Carol's private draft" },
};
const ALL_DRAFT_IDS = new Set(Object.values(DRAFT_OF).map((draft) => draft.id));

let variant: ProjectVariant;
let server: SmallPoolServer;
const tokens: Record<User, string> = { alice: '', bob: '', carol: '' };

before(async () => {
  variant = blogVariant('', {
    editSchemaJson: (schema) => {
      schema.queries.push({
        name: 'leak_probe',
        return_type: 'Post',
        returns_list: true,
        nullable: false,
        arguments: [],
        sql_source: 'v_post',
        public: true,
      });
    },
  });
  server = await startSmallPoolServer(variant.dir, 2);
  for (const user of Object.keys(USERS) as User[]) {
    tokens[user] = await server.token(USERS[user], ['read:posts', 'write:posts']);
  }
});
after(async () => {
  await server?.close();
  variant?.remove();
});

function ask(who: User | 'anonymous', query: string, variables?: unknown): Promise<ExchangeReply> {
  return postGraphQL(
    server.running.app,
    { query, ...(variables === undefined ? {} : { variables }) },
    who === 'anonymous' ? {} : { authorization: `Bearer ${tokens[who]}` },
  );
}

/** Every post-like object anywhere in the response data (objects with an `id` and `published`). */
function postsIn(
  value: unknown,
  found: { id: string; published: unknown; author?: unknown }[] = [],
) {
  if (Array.isArray(value)) {
    for (const item of value) postsIn(item, found);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.id === 'string' && 'published' in record) {
      found.push({ id: record.id, published: record.published, author: record.author });
    }
    for (const child of Object.values(record)) postsIn(child, found);
  }
  return found;
}

/** Asserts that the response shows no draft except `owner`'s (none at all for anonymous). */
function assertOnlyOwnDrafts(reply: ExchangeReply, owner: User | 'anonymous', label: string): void {
  assert.ok(reply.status < 500, `${label}: status ${reply.status}: ${reply.text}`);
  for (const post of postsIn(reply.json?.data)) {
    if (post.published !== false) continue;
    assert.ok(owner !== 'anonymous', `${label}: an anonymous caller saw draft ${post.id}`);
    assert.equal(
      post.id,
      DRAFT_OF[owner].id,
      `${label}: ${owner} saw someone else's draft ${post.id}`,
    );
  }
  for (const user of Object.keys(USERS) as User[]) {
    if (user === owner) continue;
    assert.ok(
      !reply.text.includes(DRAFT_OF[user].title),
      `${label}: ${owner} saw ${user}'s draft title`,
    );
  }
}

const READ =
  '{ posts { id title published } user_posts { id title published } leak_probe { id published } }';

/** One request of the interleaving: who sends what, and what must come back. */
interface Step {
  readonly who: User | 'anonymous';
  readonly label: string;
  readonly query: string;
  /** 'data': succeeds; 'error': refused (the status class it must have). */
  readonly expect: 'data' | 400 | 404 | 409 | 422;
}

function stepsFor(user: User, round: number): Step[] {
  const other = user === 'alice' ? 'bob' : 'alice';
  return [
    { who: user, label: `${user} reads (${round})`, query: READ, expect: 'data' },
    {
      who: user,
      label: `${user} filters on a malformed uuid (${round})`,
      query: '{ posts(where: { id: { eq: "not-a-uuid" } }) { id } }',
      expect: 400,
    },
    {
      who: user,
      label: `${user} publishes ${other}'s draft (${round})`,
      query: `mutation { publish_post(id: "${DRAFT_OF[other].id}") { id } }`,
      expect: 404,
    },
    {
      who: user,
      label: `${user} writes an over-long title (${round})`,
      query: `mutation { create_post(title: "${'x'.repeat(201)}", body: "b") { id } }`,
      expect: 409,
    },
    {
      who: user,
      label: `${user} fails validation (${round})`,
      query: 'mutation { create_post(title: " ", body: "b") { id } }',
      expect: 422,
    },
    { who: user, label: `${user} reads again (${round})`, query: READ, expect: 'data' },
    {
      who: 'anonymous',
      label: `anonymous probe after ${user} (${round})`,
      query: '{ leak_probe { id published } }',
      expect: 'data',
    },
  ];
}

describe('interleaved callers on a pool of two connections', () => {
  test('every response holds only its caller drafts, with failures mixed in', async () => {
    const steps: Step[] = [];
    for (let round = 0; round < 3; round += 1) {
      // Interleave the users' steps: alice 1, bob 1, carol 1, alice 2, ...
      const perUser = (Object.keys(USERS) as User[]).map((user) => stepsFor(user, round));
      const length = Math.max(...perUser.map((list) => list.length));
      for (let index = 0; index < length; index += 1) {
        for (const list of perUser) {
          const step = list[index];
          if (step !== undefined) steps.push(step);
        }
      }
    }

    const replies = await Promise.all(steps.map((step) => ask(step.who, step.query)));
    replies.forEach((reply, index) => {
      const step = steps[index];
      assert.ok(step !== undefined);
      assertOnlyOwnDrafts(reply, step.who, step.label);
      if (step.expect === 'data') {
        assert.equal(reply.status, 200, `${step.label}: ${reply.text}`);
        assert.equal(reply.json?.errors, undefined, `${step.label}: ${reply.text}`);
      } else {
        assert.equal(reply.status, step.expect, `${step.label}: ${reply.text}`);
        assert.equal(reply.json?.data, undefined, step.label);
      }
      if (step.query === READ && step.who !== 'anonymous') {
        // Sanity: the caller does see their own draft (in posts and user_posts at least), so the
        // check above is not vacuous.
        const own = postsIn(reply.json?.data).filter(
          (post) => post.id === DRAFT_OF[step.who as User].id,
        );
        assert.ok(
          own.length >= 2,
          `${step.label}: own draft in posts and user_posts: ${reply.text}`,
        );
      }
    });
  });

  test('after failures, the next requests on the same connections start clean', async () => {
    for (let index = 0; index < 4; index += 1) {
      const failing = await ask(
        'alice',
        '{ posts(where: { id: { eq: "still-not-a-uuid" } }) { id } }',
      );
      assert.equal(failing.status, 400, failing.text);
      const probe = await ask('anonymous', '{ leak_probe { id published } }');
      assertOnlyOwnDrafts(probe, 'anonymous', `anonymous probe after a failed request ${index}`);
      assert.equal(postsIn(probe.json?.data).length, 3, probe.text);
      const bob = await ask('bob', READ);
      assertOnlyOwnDrafts(bob, 'bob', `bob after alice's failure ${index}`);
    }
  });

  test('no role or setting survives on the pooled connections', async () => {
    await ask('carol', READ);
    const rows = await Promise.all(
      [0, 1].map(() =>
        server.database.db.query<{ user_id: string | null; role: string }>(
          "SELECT nullif(current_setting('app.user_id', true), '') AS user_id, current_user::text AS role, pg_sleep(0.05)",
        ),
      ),
    );
    for (const result of rows) {
      assert.equal(result.rows[0]?.user_id, null);
      assert.notEqual(result.rows[0]?.role, 'fraiseql_authenticated');
      assert.notEqual(result.rows[0]?.role, 'fraiseql_anon');
    }
  });
});

describe('property: no where filter shows Alice another user draft', () => {
  test('generated filters, documents and hostile strings (80 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileWhere(),
        whereDocument(),
        fc.boolean(),
        async (where, document, asVariable) => {
          const query = document.render(where, asVariable);
          const reply = await ask('alice', query, asVariable ? { w: where } : undefined);
          assertOnlyOwnDrafts(reply, 'alice', `${query} ${JSON.stringify(where)}`);
          for (const post of postsIn(reply.json?.data)) {
            if (ALL_DRAFT_IDS.has(post.id)) assert.equal(post.id, DRAFT_OF.alice.id);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
