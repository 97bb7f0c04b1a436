/**
 * fast-check generators for the isolation property test: `PostWhereInput` filters built from
 * every operator, `_and`/`_or`/`_not` nesting, hostile strings and other users' ids and titles,
 * and GraphQL documents that carry a filter through aliases, fragments and directives, either as
 * the variable `$w` or as a literal.
 */
import fc from 'fast-check';

/** Other users' ids, drafts and titles: the values most likely to reach another user's rows. */
const TARGETS = [
  '22222222-2222-2222-2222-222222222222',
  '33333333-3333-3333-3333-333333333333',
  'b2000000-0000-0000-0000-000000000002',
  'c3000000-0000-0000-0000-000000000002',
  "Bob's private draft",
  "Carol's private draft",
  'Only Bob can read this.',
  'Bob Smith',
  'Carol Diaz',
];

/** Strings that break naive SQL or GraphQL building. */
const HOSTILE = [
  "' OR '1'='1",
  "'); DELETE FROM tb_post; --",
  "b2000000-0000-0000-0000-000000000002' OR true --",
  '%',
  '_',
  '\\',
  '%\\%',
  "%' OR author_id IS NOT NULL --",
  '") { id } } query X { posts { id',
  '$1',
  "app.user_id', '22222222-2222-2222-2222-222222222222",
  '*/ OR 1=1 /*',
  '\u2028\u2029',
  'ünïcödé 🙂',
  'nul\u0000byte',
  'lone \ud800 surrogate',
  '',
];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TARGETS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

const dateTime = fc.oneof(
  fc.constantFrom(
    '2026-02-01T10:00:00Z',
    '2026-02-04T10:00:00Z',
    '2026-02-06T10:00:00Z',
    '1970-01-01T00:00:00Z',
  ),
  fc
    .date({
      min: new Date('2025-01-01T00:00:00Z'),
      max: new Date('2027-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString()),
);

type Filter = Record<string, unknown>;

/** `{ op: value }` for a scalar of this kind, one operator it offers. */
function scalarCondition(kind: 'string' | 'id' | 'boolean' | 'datetime'): fc.Arbitrary<Filter> {
  const value: fc.Arbitrary<unknown> =
    kind === 'boolean' ? fc.boolean() : kind === 'datetime' ? dateTime : text;
  const list = fc.array(value, { maxLength: 4 });
  const comparisons = kind === 'string' || kind === 'datetime' ? ['gt', 'gte', 'lt', 'lte'] : [];
  const patterns =
    kind === 'string' || kind === 'id'
      ? ['contains', 'icontains', 'startswith', 'endswith', 'like', 'ilike']
      : [];
  return fc.oneof(
    fc
      .record({ op: fc.constantFrom('eq', 'neq', ...comparisons), value })
      .map(({ op, value: v }) => ({ [op]: v })),
    fc
      .record({ op: fc.constantFrom('in', 'nin'), value: list })
      .map(({ op, value: v }) => ({ [op]: v })),
    fc.boolean().map((isnull) => ({ isnull })),
    ...(patterns.length === 0
      ? []
      : [
          fc
            .record({ op: fc.constantFrom(...patterns), value: text })
            .map(({ op, value: v }) => ({ [op]: v })),
        ]),
  );
}

const leaf: fc.Arbitrary<Filter> = fc.oneof(
  scalarCondition('string').map((condition) => ({ title: condition })),
  scalarCondition('string').map((condition) => ({ body: condition })),
  scalarCondition('id').map((condition) => ({ id: condition })),
  scalarCondition('boolean').map((condition) => ({ published: condition })),
  scalarCondition('datetime').map((condition) => ({ createdAt: condition })),
  scalarCondition('id').map((condition) => ({ author: { id: condition } })),
  scalarCondition('string').map((condition) => ({ author: { name: condition } })),
);

function whereAt(depth: number): fc.Arbitrary<Filter> {
  if (depth === 0) return leaf;
  const inner = whereAt(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((items) => ({ _and: items })),
    },
    {
      weight: 1,
      arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((items) => ({ _or: items })),
    },
    { weight: 1, arbitrary: inner.map((item) => ({ _not: item })) },
    // Two keys at one level; a repeated key keeps the second, which is still a valid filter.
    {
      weight: 1,
      arbitrary: fc.tuple(leaf, inner).map(([first, second]) => ({ ...first, ...second })),
    },
  );
}

/** A `PostWhereInput` value, nested up to three levels of `_and`/`_or`/`_not`. */
export function hostileWhere(): fc.Arbitrary<Filter> {
  return whereAt(3);
}

/** Prints a JSON value as a GraphQL input literal (JSON string escapes are valid GraphQL). */
export function graphqlLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(graphqlLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{ ${entries.map(([key, item]) => `${key}: ${graphqlLiteral(item)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** A document template; `arg` is `$w` or a literal, `defs` the variable definitions or ''. */
type Template = (arg: string, defs: string) => string;

const TEMPLATES: readonly Template[] = [
  (arg, defs) => `query Plain${defs} { posts(where: ${arg}) { id title published } }`,
  (arg, defs) =>
    `query Fragments${defs} { mine: user_posts(where: ${arg}) { ...P } all: posts(where: ${arg}, limit: 50) { ...P } }
     fragment P on Post { id title published author { id name } }`,
  (arg, defs) =>
    `query Inline${defs} { p: posts(where: ${arg}) { ... on Post { id published heading: title } ... { body } } }`,
  (arg, defs) =>
    `query Twice${defs} {
       a: posts(where: ${arg}) { id published title }
       b: posts(where: ${arg}, orderBy: [{ field: "title", direction: DESC }], offset: 0) { id published title }
     }`,
  (arg, defs) =>
    `query Probe${defs} { leak_probe(where: ${arg}) { id title published } public_posts { id title published } }`,
  (arg, defs) =>
    `query Skips${defs} {
       posts(where: ${arg}) { id published title @skip(if: false) ...T @include(if: true) }
       __typename
     }
     fragment T on Post { again: title }`,
];

/** A document shape that renders a filter as the variable `$w` or inline. */
export interface WhereDocument {
  render(where: unknown, asVariable: boolean): string;
}

/** One of the templates above. */
export function whereDocument(): fc.Arbitrary<WhereDocument> {
  return fc.constantFrom(...TEMPLATES).map((template) => ({
    render: (where, asVariable) =>
      asVariable ? template('$w', '($w: PostWhereInput)') : template(graphqlLiteral(where), ''),
  }));
}
