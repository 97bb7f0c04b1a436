/**
 * A property over generated queries: whatever the aliases, fragments, nested selections and
 * filters (naming other users' notes, other tenants, other owners), an answer never holds a
 * row its caller may not see. Rows are recognised by id (every generated selection reads it)
 * and private notes also by their body, which names their owner.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import fc from 'fast-check';

import { testEngine } from '../support/test-database.ts';
import { startAuthzServer, type AuthzServer } from './support/authz-server.ts';
import { leaksIn, readWorld, seedPopulation, type World } from './support/population.ts';
import { queryArbitrary } from './support/query-arbitraries.ts';

let server: AuthzServer;
let world: World;
const tokens = new Map<string, string>();

before(async () => {
  server = await startAuthzServer({ poolMax: 3 });
  await seedPopulation(server.database, 2, 3);
  world = await readWorld(server.database);
  for (const user of world.users) {
    tokens.set(
      user.sub,
      await server.userToken(user, { scopes: ['read:notes', 'read:accounts', 'read:email', 'read:salary'] }),
    );
  }
});
after(async () => {
  await server?.close();
});

describe(`generated queries never reveal another user's rows (${testEngine()})`, () => {
  test('aliases, fragments, nested selections and hostile filters', async () => {
    let rowsSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...world.users), queryArbitrary(world), async (user, query) => {
        const reply = await server.graphql(query.document, { token: tokens.get(user.sub) ?? '' });
        assert.equal(reply.status, 200, `${query.document}\n${reply.text}`);
        assert.equal(reply.json.errors, undefined, `${query.document}\n${reply.text}`);
        assert.deepEqual(leaksIn(reply.text, world, user), [], `${user.sub} ran ${query.document}\n${reply.text}`);
        rowsSeen += (reply.text.match(/[0-9a-f]{8}-[0-9a-f]{4}-/g) ?? []).length;
      }),
      { numRuns: 80 },
    );
    // The property is only worth something if the answers were not all empty.
    assert.ok(rowsSeen > 80, `only ${rowsSeen} ids came back`);
  });
});
