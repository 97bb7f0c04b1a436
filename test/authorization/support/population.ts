/**
 * More users for the isolation tests: `seedPopulation` adds organisations and accounts, each
 * with a public and a private note whose body names its owner (`secret-of-<sub>`), on top of
 * the fixture's four users. `readWorld` then reads every row as the login role (which row-level
 * security does not filter), so a test can compute what each caller may see.
 */
import type { Database } from '../../../src/db/database.ts';
import { USERS, type FixtureUser } from './authz-server.ts';

/** Everything a caller could possibly be shown, read without row-level security. */
export interface World {
  readonly users: readonly FixtureUser[];
  readonly notes: readonly { id: string; org: number; owner: string; private: boolean }[];
  readonly accounts: readonly { id: string; org: number }[];
}

/**
 * Adds `perOrg` users to each of organisations 3..(2 + orgs), plus the fixture's own. Subjects
 * are UUIDs whose last group encodes organisation and number, so failures are readable.
 */
export async function seedPopulation(database: Database, orgs: number, perOrg: number): Promise<void> {
  const statements: string[] = [];
  for (let org = 3; org < 3 + orgs; org += 1) {
    statements.push(`INSERT INTO tb_org (id, name) VALUES (${org}, 'Org ${org}');`);
    for (let index = 1; index <= perOrg; index += 1) {
      const suffix = `${String(org).padStart(4, '0')}${String(index).padStart(8, '0')}`;
      const sub = `00000000-0000-0000-0001-${suffix}`;
      const name = `User ${org}.${index}`;
      statements.push(
        `INSERT INTO tb_account (id, org_id, name, email, salary) VALUES ('${sub}', ${org}, '${name}', '${org}.${index}@example.test', ${index});`,
        `INSERT INTO tb_note (id, org_id, owner_id, title, body, private) VALUES
           ('00000000-0000-0000-0002-${suffix}', ${org}, '${sub}', '${name} public', 'public-of-${sub}', false),
           ('00000000-0000-0000-0003-${suffix}', ${org}, '${sub}', '${name} private', 'secret-of-${sub}', true);`,
      );
    }
  }
  // The fixture's private notes get the same marker.
  statements.push(`UPDATE tb_note SET body = 'secret-of-' || owner_id WHERE private;`);
  await database.exec(statements.join('\n'));
}

/** Reads every user, note and account (the login role is not subject to row-level security). */
export async function readWorld(database: Database): Promise<World> {
  const accounts = await database.query<{ id: string; org: number }>(
    'SELECT id::text AS id, org_id AS org FROM tb_account ORDER BY id',
  );
  const notes = await database.query<{ id: string; org: number; owner: string; private: boolean }>(
    'SELECT id::text AS id, org_id AS org, owner_id::text AS owner, private FROM tb_note ORDER BY id',
  );
  const known = new Map(USERS.map((user) => [user.sub, user]));
  const users = accounts.rows.map(
    (account) => known.get(account.id) ?? { name: account.id, sub: account.id, org: Number(account.org) },
  );
  return {
    users,
    notes: notes.rows.map((note) => ({ ...note, org: Number(note.org) })),
    accounts: accounts.rows.map((account) => ({ ...account, org: Number(account.org) })),
  };
}

/** Ids of every row `user` may see: accounts of its organisation, notes public there or its own. */
export function visibleIds(world: World, user: FixtureUser): Set<string> {
  const ids = new Set<string>();
  for (const account of world.accounts) if (account.org === user.org) ids.add(account.id);
  for (const note of world.notes) {
    if (note.org === user.org && (!note.private || note.owner === user.sub)) ids.add(note.id);
  }
  return ids;
}

/**
 * What in a response would betray a row `user` may not see: an id outside `visibleIds`, or the
 * body of someone else's private note. Returns the offending strings (empty when clean).
 */
export function leaksIn(text: string, world: World, user: FixtureUser): string[] {
  const visible = visibleIds(world, user);
  const leaks: string[] = [];
  // Request ids are UUIDs too, and name no row.
  const scanned = text.replace(/"requestId":"[^"]*"/g, '');
  for (const id of scanned.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) {
    if (!visible.has(id) && id !== user.sub) leaks.push(id);
  }
  for (const secret of scanned.match(/secret-of-[0-9a-f-]{36}/g) ?? []) {
    if (secret !== `secret-of-${user.sub}`) leaks.push(secret);
  }
  return leaks;
}
