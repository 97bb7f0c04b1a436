import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import fc from 'fast-check';

import { PublicError } from '../../src/errors/public-error.ts';
import type { CompiledObjectType, CompiledSchema } from '../../src/schema/compiled-schema.ts';
import { buildReadStatement, type ReadQuery, type ReadRow } from '../../src/sql/read-statement.ts';
import { DEFAULT_MAX_PATTERN_LENGTH } from '../../src/sql/where-predicate.ts';
import { openFixtureDatabase, type FixtureDatabase } from './support/fixture-database.ts';
import { scalar } from './support/selections.ts';

/**
 * Property tests: hostile text in every operator and in equality arguments never changes the
 * SQL text, and the rows PostgreSQL returns are exactly those a JavaScript oracle accepts.
 */

const ITEM: CompiledObjectType = {
  name: 'Item',
  requiresRole: [],
  isError: false,
  fields: [
    ['id', 'ID'],
    ['title', 'String'],
    ['label', 'String'],
    ['count', 'Int'],
    ['createdAt', 'DateTime'],
  ].map(([name = '', type = '']) => ({
    name,
    storageKey: name === 'createdAt' ? 'created_at' : name,
    type: { kind: 'named', name: type, nullable: true },
    access: { requiresScope: [], onDeny: 'reject' },
  })),
};

const SCHEMA: CompiledSchema = {
  formatVersion: 1,
  contentHash: '0',
  namingConvention: 'camelCase',
  types: { Item: ITEM },
  enums: {},
  inputTypes: {},
  customScalars: ['DateTime'],
  queries: {},
  mutations: {},
  ignoredKeys: [],
};

const LONG = `${'x'.repeat(20000)}' OR 1=1 --`;

/** Stored as both the JSONB `title` and the native `label` column, one row each. */
const CORPUS = [
  "' OR 1=1 --",
  "'; DROP TABLE tb_item; --",
  "' OR ''='",
  '$$',
  '$1',
  '$$ || 1 || $$',
  '$tag$ x $tag$',
  '\\',
  '\\\\',
  "\\'",
  '%',
  '_',
  '%_%',
  '50% off',
  'a_b',
  'a%b',
  'a\\%b',
  '‘quoted’',
  '“double”',
  'ʼ',
  '＇',
  '"',
  '`tick`',
  '*/ /*',
  '--',
  ';',
  "O'Brien",
  'abc',
  'ABC',
  'aBc',
  '',
  ' ',
  '😀',
  'line\nbreak',
  'tab\there',
  '::text',
  ')',
  LONG,
];

const ALPHABET = [
  "'",
  '"',
  '\\',
  '%',
  '_',
  '$',
  ';',
  '-',
  ' ',
  'O',
  'R',
  'o',
  'r',
  '1',
  '=',
  '(',
  ')',
  '‘',
  '’',
  '“',
  '”',
  'ʼ',
  '＇',
  '`',
  'a',
  'A',
  'b',
  'B',
  '\n',
  '😀',
  '*',
  '/',
  ':',
];

const COLUMNS: ReadonlyMap<string, string> = new Map([
  ['id', 'integer'],
  ['label', 'text'],
  ['data', 'jsonb'],
]);

interface Stored {
  readonly id: number;
  readonly title: string | null;
  readonly label: string | null;
  readonly count: number;
}

const ROWS: Stored[] = [
  ...CORPUS.map((text, index) => ({ id: index + 1, title: text, label: text, count: index })),
  { id: CORPUS.length + 1, title: null, label: null, count: -1 },
];

let db: FixtureDatabase;
let codePointCollation = false;

before(async () => {
  db = await openFixtureDatabase();
  await db.exec(`
    CREATE TABLE tb_item (id integer PRIMARY KEY, label text, data jsonb NOT NULL);
    CREATE VIEW v_item AS SELECT id, label, data FROM tb_item;
  `);
  for (const row of ROWS) {
    const data: Record<string, unknown> = { id: String(row.id), count: row.count };
    // One row has a JSON null title, another none at all.
    if (row.title !== null || row.id % 2 === 0) data.title = row.title;
    data.created_at = '2024-01-01T00:00:00Z';
    await db.run({
      text: 'INSERT INTO tb_item (id, label, data) VALUES ($1, $2, $3::jsonb)',
      values: [String(row.id), row.label, JSON.stringify(data)],
    });
  }
  const [collation] = await db.run<{ collation: string }>({
    text: 'SELECT datcollate AS collation FROM pg_database WHERE datname = current_database()',
    values: [],
  });
  // Under C-like collations text order is code point order, which the oracle can reproduce.
  codePointCollation = /^(C|POSIX|C\.UTF-?8)$/i.test(collation?.collation ?? '');
});

after(async () => {
  await db.close();
});

const BASE: ReadQuery = {
  source: { name: 'v_item' },
  jsonbColumn: 'data',
  type: ITEM,
  schema: SCHEMA,
  columns: COLUMNS,
  selection: [scalar('id', 'ID')],
  single: false,
  equalities: [],
  limit: 1000,
};

function compareCodePoints(left: string, right: string): number {
  const a = Array.from(left);
  const b = Array.from(right);
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const difference = (a[index]?.codePointAt(0) ?? 0) - (b[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

const foldAscii = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** PostgreSQL LIKE: % any text, _ one character, \ escapes the next character. */
function likeMatches(value: string, pattern: string, fold: boolean): boolean {
  const characters = Array.from(fold ? foldAscii(pattern) : pattern);
  let source = '^';
  for (let index = 0; index < characters.length; index += 1) {
    let character = characters[index] ?? '';
    if (character === '\\') {
      index += 1;
      character = characters[index] ?? '';
      source += character.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&');
    } else if (character === '%') source += '[\\s\\S]*';
    else if (character === '_') source += '[\\s\\S]';
    else source += character.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`${source}$`, 'u').test(fold ? foldAscii(value) : value);
}

type StringOperator =
  | 'eq'
  | 'neq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'nin'
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'endswith'
  | 'like'
  | 'ilike';

function oracle(
  operator: StringOperator,
  value: string | null,
  operand: string | string[],
): boolean {
  if (value === null) return false;
  const text = typeof operand === 'string' ? operand : '';
  switch (operator) {
    case 'eq':
      return value === text;
    case 'neq':
      return value !== text;
    case 'gt':
      return compareCodePoints(value, text) > 0;
    case 'gte':
      return compareCodePoints(value, text) >= 0;
    case 'lt':
      return compareCodePoints(value, text) < 0;
    case 'lte':
      return compareCodePoints(value, text) <= 0;
    case 'in':
      return Array.isArray(operand) && operand.includes(value);
    case 'nin':
      return Array.isArray(operand) && !operand.includes(value);
    case 'contains':
      return value.includes(text);
    case 'icontains':
      return foldAscii(value).includes(foldAscii(text));
    case 'startswith':
      return value.startsWith(text);
    case 'endswith':
      return value.endsWith(text);
    case 'like':
      return likeMatches(value, text, false);
    case 'ilike':
      return likeMatches(value, text, true);
  }
}

const ORDERING = new Set<StringOperator>(['gt', 'gte', 'lt', 'lte']);

const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...CORPUS),
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 12 }),
  fc.constantFrom(...CORPUS.filter((text) => text.length < 100)).chain((text) => {
    const characters = Array.from(text);
    return fc
      .nat(characters.length)
      .chain((start) =>
        fc
          .nat(characters.length - start)
          .map((length) => characters.slice(start, start + length).join('')),
      );
  }),
);

/** Their operand is refused past `[limits] max_pattern_length` characters. */
const PATTERN_OPERATORS: ReadonlySet<string> = new Set([
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'like',
  'ilike',
]);

const lonelyEscape = (text: string): boolean => (/\\*$/.exec(text)?.[0].length ?? 0) % 2 === 1;

async function ids(query: ReadQuery): Promise<number[]> {
  const rows = await db.run<ReadRow>(buildReadStatement(query));
  return rows.map((row) => Number((JSON.parse(row.json ?? '{}') as { id: string }).id));
}

test('property: hostile text in string operators keeps the SQL and matches the oracle', async () => {
  const operators: StringOperator[] = [
    'eq',
    'neq',
    'gt',
    'gte',
    'lt',
    'lte',
    'in',
    'nin',
    'contains',
    'icontains',
    'startswith',
    'endswith',
    'like',
    'ilike',
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<'title' | 'label'>('title', 'label'),
      fc.constantFrom(...operators),
      hostileText,
      hostileText,
      async (field, operator, text, other) => {
        const list = operator === 'in' || operator === 'nin';
        const operand = list ? [text, other] : text;
        const where = { [field]: { [operator]: operand } };
        const benign = { [field]: { [operator]: list ? ['x', 'x'] : 'x' } };

        const pattern = PATTERN_OPERATORS.has(operator);
        const refused =
          (pattern && Array.from(text).length > DEFAULT_MAX_PATTERN_LENGTH) ||
          ((operator === 'like' || operator === 'ilike') && lonelyEscape(text));
        if (refused) {
          assert.throws(
            () => buildReadStatement({ ...BASE, where }),
            (error: unknown) => error instanceof PublicError && error.reason === 'BAD_USER_INPUT',
          );
          return;
        }
        const hostile = buildReadStatement({ ...BASE, where });
        assert.equal(hostile.text, buildReadStatement({ ...BASE, where: benign }).text);

        const got = await ids({ ...BASE, where });
        if (ORDERING.has(operator) && !codePointCollation) return;
        const expected = ROWS.filter((row) => oracle(operator, row[field], operand)).map(
          (row) => row.id,
        );
        assert.deepEqual(
          got,
          expected,
          `${field} ${operator} ${JSON.stringify(operand).slice(0, 200)}`,
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('property: hostile equality arguments keep the SQL and match exactly', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('title', 'label'), hostileText, async (storageKey, text) => {
      const query = (value: string): ReadQuery => ({
        ...BASE,
        equalities: [{ storageKey, scalar: 'String', value }],
      });
      assert.equal(buildReadStatement(query(text)).text, buildReadStatement(query('x')).text);
      const expected = ROWS.filter(
        (row) => row[storageKey === 'title' ? 'title' : 'label'] === text,
      );
      assert.deepEqual(
        await ids(query(text)),
        expected.map((row) => row.id),
      );
    }),
    { numRuns: 150 },
  );
});

test('property: hostile text in typed operators is refused or fails as a data error', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('eq', 'neq', 'gt', 'lte', 'in'),
      hostileText,
      async (operator, text) => {
        const operand = operator === 'in' ? [text] : text;
        // Int: JavaScript refuses anything that is not an integer before SQL exists.
        const countWhere = { count: { [operator]: operand } };
        if (/^-?\d+$/.test(text)) {
          assert.ok((await ids({ ...BASE, where: countWhere })).every((id) => id >= 0));
        } else {
          assert.throws(
            () => buildReadStatement({ ...BASE, where: countWhere }),
            (error: unknown) => error instanceof PublicError && error.reason === 'BAD_USER_INPUT',
          );
        }
        // DateTime: bound as text and cast by PostgreSQL, which refuses it as a data exception.
        const dateWhere = { createdAt: { [operator]: operand } };
        const benign = { createdAt: { [operator]: operator === 'in' ? ['x'] : 'x' } };
        assert.equal(
          buildReadStatement({ ...BASE, where: dateWhere }).text,
          buildReadStatement({ ...BASE, where: benign }).text,
        );
        try {
          await ids({ ...BASE, where: dateWhere });
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          assert.ok(
            typeof code === 'string' && code.startsWith('22'),
            `unexpected error ${String(error)}`,
          );
        }
      },
    ),
    { numRuns: 100 },
  );
});

test('the tables are intact after every hostile query', async () => {
  const [count] = await db.run<{ n: string | number }>({
    text: 'SELECT count(*) AS n FROM tb_item',
    values: [],
  });
  assert.equal(Number(count?.n), ROWS.length);
});
