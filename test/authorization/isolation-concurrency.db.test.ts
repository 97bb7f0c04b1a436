/**
 * Many callers at once on a small pool: users of six organisations send interleaved reads,
 * writes and failing statements. Every answer must hold only its own caller's rows and
 * tenant, and `current_setting` read inside a view and inside a function must always name the
 * caller: a setting left behind by another request, or a connection handed back mid-
 * transaction, would show here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { testEngine } from '../support/test-database.ts';
import { startAuthzServer, type AuthzServer, type FixtureUser, type Reply } from './support/authz-server.ts';
import { leaksIn, readWorld, seedPopulation, type World } from './support/population.ts';

let server: AuthzServer;
let world: World;

before(async () => {
  server = await startAuthzServer({ poolMax: 2 });
  await seedPopulation(server.database, 4, 5);
  world = await readWorld(server.database);
});
after(async () => {
  await server?.close();
});

type Kind = 'notes' | 'accounts' | 'view' | 'function' | 'failure' | 'anonymous';
const KINDS: readonly Kind[] = ['notes', 'accounts', 'view', 'function', 'failure', 'anonymous'];

const DOCUMENTS: Readonly<Record<Kind, string>> = {
  notes: '{ notes { id title body orgId ownerId owner { id } reviewer { id } } }',
  accounts: '{ accounts { id name orgId manager { id } } }',
  view: '{ whoami { userId orgId dbRole } }',
  function: 'mutation { whoami_write { userId orgId dbRole paramUserId paramOrgId } }',
  failure: 'mutation { fail { id } }',
  anonymous: '{ anonymous_whoami { userId orgId dbRole } }',
};

/** Checks one answer against its caller; returns what is wrong (empty when right). */
function check(kind: Kind, user: FixtureUser, reply: Reply): string[] {
  const problems: string[] = [];
  const expect = (condition: boolean, what: string): void => {
    if (!condition) problems.push(`${kind} for ${user.sub}: ${what}: ${reply.text}`);
  };
  if (kind === 'failure') {
    expect(reply.status === 400 && reply.json.data === undefined, 'the failing statement failed');
    return problems;
  }
  expect(reply.status === 200 && reply.json.errors === undefined, 'answered');
  const data = reply.json.data ?? {};
  switch (kind) {
    case 'notes': {
      const notes = (data.notes ?? []) as { orgId: number; ownerId: string; body: string }[];
      const expected = world.notes.filter((note) => note.org === user.org && (!note.private || note.owner === user.sub));
      expect(notes.length === expected.length, `${expected.length} notes`);
      expect(notes.every((note) => note.orgId === user.org), 'own tenant only');
      break;
    }
    case 'accounts': {
      const accounts = (data.accounts ?? []) as { orgId: number }[];
      expect(accounts.length === world.accounts.filter((account) => account.org === user.org).length, 'all colleagues');
      expect(accounts.every((account) => account.orgId === user.org), 'own tenant only');
      break;
    }
    case 'view':
      expect(
        JSON.stringify(data.whoami) ===
          JSON.stringify({ userId: user.sub, orgId: String(user.org), dbRole: 'fraiseql_authenticated' }),
        'the view sees the caller',
      );
      break;
    case 'function':
      expect(
        JSON.stringify(data.whoami_write) ===
          JSON.stringify({
            userId: user.sub,
            orgId: String(user.org),
            dbRole: 'fraiseql_authenticated',
            paramUserId: user.sub,
            paramOrgId: String(user.org),
          }),
        'the function sees the caller',
      );
      break;
    case 'anonymous':
      expect(
        JSON.stringify(data.anonymous_whoami) === JSON.stringify({ userId: null, orgId: null, dbRole: 'fraiseql_anon' }),
        'an anonymous request sees no caller',
      );
      break;
  }
  if (kind !== 'anonymous') {
    const leaks = leaksIn(reply.text, world, user);
    expect(leaks.length === 0, `no other rows (${leaks.join(', ')})`);
  }
  return problems;
}

describe(`isolation under concurrency (${testEngine()}, pool of 2)`, () => {
  test('interleaved callers, failures mixed in: each answer holds only its caller', async () => {
    const users = world.users;
    assert.equal(users.length, 24);
    const tokens = new Map<string, string>();
    for (const user of users) {
      tokens.set(user.sub, await server.userToken(user, { scopes: ['read:notes', 'read:accounts'] }));
    }

    // Rounds of every user at once, each with a kind chosen so that neighbours differ.
    const problems: string[] = [];
    let sent = 0;
    for (let round = 0; round < 6; round += 1) {
      const requests = users.map(async (user, index) => {
        const kind = KINDS[(index + round * 5) % KINDS.length] ?? 'notes';
        const token = tokens.get(user.sub);
        const reply = await server.graphql(DOCUMENTS[kind], kind === 'anonymous' || token === undefined ? {} : { token });
        sent += 1;
        problems.push(...check(kind, user, reply));
      });
      await Promise.all(requests);
    }
    assert.equal(sent, 6 * users.length);
    assert.deepEqual(problems, []);
  });
});
