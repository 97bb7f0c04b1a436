/**
 * fast-check arbitraries for GraphQL documents against the authorization fixture: one to three
 * root fields (notes, accounts, account by id) under aliases, with nested selections, named
 * and inline fragments, and `where` filters that name other users' and tenants' ids. Every
 * object selection includes `id` (possibly aliased or through a fragment), so a row in the
 * answer can always be identified.
 */
import fc from 'fast-check';

import type { World } from './population.ts';

/** A generated document and the names it was built from (for failure messages). */
export interface GeneratedQuery {
  readonly document: string;
}

/** A selection item given a key unique in its selection set, for its alias if it takes one. */
type Item = (key: string) => string;

/** Whether an item is aliased; the alias itself is made unique from the item's position. */
const aliased = fc.boolean();

function personSelection(): fc.Arbitrary<string> {
  return fc
    .tuple(aliased, fc.boolean())
    .map(([idAliased, withName]) => `{ ${idAliased ? 'pid: ' : ''}id${withName ? ' name' : ''} }`);
}

/** Renders items with aliases `k<path>` that cannot clash with each other or a field name. */
function render(items: readonly Item[], path: string): string {
  return items.map((item, index) => item(`k${path}_${index}`)).join(' ');
}

function itemsOf(
  scalars: readonly string[],
  relations: readonly string[],
  typeName: string,
  fragment: string,
): fc.Arbitrary<{ text: string; fragments: Set<string> }> {
  const scalar = fc
    .tuple(aliased, fc.constantFrom(...scalars))
    .map(([isAliased, name]): Item => (key) => `${isAliased ? `${key}: ` : ''}${name}`);
  const relation = fc
    .tuple(aliased, fc.constantFrom(...relations), personSelection())
    .map(([isAliased, name, selection]): Item => (key) => `${isAliased ? `${key}: ` : ''}${name} ${selection}`);
  const plain = fc.oneof(scalar, relation);
  const inline = fc
    .array(plain, { minLength: 1, maxLength: 3 })
    .map((inner): Item => (key) => `... on ${typeName} { ${render(inner, key)} }`);
  const spread: Item = () => `...${fragment}`;
  const first = fc.constantFrom<Item>(() => 'id', (key) => `${key}: id`, spread);
  const rest = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: plain },
      { weight: 1, arbitrary: inline },
      { weight: 1, arbitrary: fc.constant(spread) },
    ),
    { maxLength: 4 },
  );
  return fc.tuple(first, rest).map(([head, tail]) => {
    const items = [head, ...tail];
    return {
      text: render(items, ''),
      fragments: new Set(items.includes(spread) ? [fragment] : []),
    };
  });
}

function noteFilter(world: World): fc.Arbitrary<string> {
  const noteId = fc.constantFrom(...world.notes.map((note) => note.id));
  const userId = fc.constantFrom(...world.users.map((user) => user.sub));
  const org = fc.integer({ min: 1, max: 7 });
  const leaf = fc.oneof(
    noteId.map((id) => `{ id: { eq: "${id}" } }`),
    fc.array(noteId, { minLength: 1, maxLength: 4 }).map((ids) => `{ id: { in: [${ids.map((id) => `"${id}"`).join(', ')}] } }`),
    userId.map((id) => `{ ownerId: { eq: "${id}" } }`),
    org.map((value) => `{ orgId: { eq: ${value} } }`),
    fc.boolean().map((value) => `{ private: { eq: ${value} } }`),
    fc.constantFrom('%private%', '%public%', 'User%').map((pattern) => `{ title: { like: "${pattern}" } }`),
  );
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.tuple(leaf, leaf).map(([a, b]) => `{ _or: [${a}, ${b}] }`) },
    { weight: 1, arbitrary: leaf.map((a) => `{ _not: ${a} }`) },
    { weight: 1, arbitrary: fc.tuple(leaf, leaf).map(([a, b]) => `{ _and: [${a}, { _or: [${b}, { _not: ${a} }] }] }`) },
  );
}

function accountFilter(world: World): fc.Arbitrary<string> {
  const accountId = fc.constantFrom(...world.accounts.map((account) => account.id));
  return fc.oneof(
    accountId.map((id) => `{ id: { eq: "${id}" } }`),
    fc.integer({ min: 1, max: 7 }).map((org) => `{ orgId: { eq: ${org} } }`),
    accountId.map((id) => `{ _or: [{ id: { eq: "${id}" } }, { name: { ilike: "%a%" } }] }`),
  );
}

/** A document of one to three root fields, each under its own alias. */
export function queryArbitrary(world: World): fc.Arbitrary<GeneratedQuery> {
  const notes = fc
    .tuple(
      fc.option(noteFilter(world), { nil: undefined }),
      itemsOf(['title', 'body', 'private', 'orgId', 'ownerId'], ['owner', 'reviewer'], 'Note', 'NoteBits'),
    )
    .map(([where, selection]) => ({
      text: `notes${where === undefined ? '' : `(where: ${where})`} { ${selection.text} }`,
      fragments: selection.fragments,
    }));
  const accounts = fc
    .tuple(
      fc.option(accountFilter(world), { nil: undefined }),
      itemsOf(['name', 'orgId', 'email', 'salary'], ['manager'], 'Account', 'AccountBits'),
    )
    .map(([where, selection]) => ({
      text: `accounts${where === undefined ? '' : `(where: ${where})`} { ${selection.text} }`,
      fragments: selection.fragments,
    }));
  const account = fc
    .tuple(
      fc.constantFrom(...world.accounts.map((row) => row.id)),
      itemsOf(['name', 'orgId', 'salary'], ['manager'], 'Account', 'AccountBits'),
    )
    .map(([id, selection]) => ({ text: `account(id: "${id}") { ${selection.text} }`, fragments: selection.fragments }));

  return fc.array(fc.oneof(notes, accounts, account), { minLength: 1, maxLength: 3 }).map((roots) => {
    const fragments = new Set(roots.flatMap((root) => [...root.fragments]));
    const definitions = [
      fragments.has('NoteBits') ? 'fragment NoteBits on Note { id title body reviewer { id name } }' : '',
      fragments.has('AccountBits') ? 'fragment AccountBits on Account { id name manager { id } }' : '',
    ].filter((text) => text !== '');
    const body = roots.map((root, index) => `r${index}: ${root.text}`).join(' ');
    return { document: [`{ ${body} }`, ...definitions].join(' ') };
  });
}
