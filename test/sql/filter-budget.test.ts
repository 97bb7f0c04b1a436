/**
 * The filter budget of a request: what `measureWhere` counts in one filter (conditions, pattern
 * characters) and how `enforceFilterBudget` refuses a sum over the limits, naming each.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PublicError } from '../../src/errors/public-error.ts';
import { DEFAULT_FILTER_BUDGET, enforceFilterBudget } from '../../src/sql/filter-budget.ts';
import { ParameterList } from '../../src/sql/parameter-list.ts';
import { compileWhere } from '../../src/sql/where.ts';
import { addFilterCosts, measureWhere, NO_FILTER_COST } from '../../src/sql/where-cost.ts';
import { POST, POST_COLUMNS, SCHEMA } from './support/fixture-schema.ts';

function measure(filter: unknown): { conditions: number; patternCharacters: number } {
  return { ...measureWhere(filter, POST, SCHEMA) };
}

test('each operator under a field is one condition, through combinators and nested objects', () => {
  assert.deepEqual(measure({ title: { eq: 'a' } }), { conditions: 1, patternCharacters: 0 });
  assert.deepEqual(measure({ title: { eq: 'a', neq: 'b' }, views: { gt: 1 } }), {
    conditions: 3,
    patternCharacters: 0,
  });
  assert.deepEqual(
    measure({
      _or: [{ title: { eq: 'a' } }, { _not: { views: { lt: 2 } } }],
      _and: [{ author: { name: { eq: 'x' }, age: { gte: 3 } } }],
    }),
    { conditions: 4, patternCharacters: 0 },
  );
  // A list of values is one condition however long: in is how a client asks for many values.
  assert.deepEqual(
    measure({ id: { in: Array.from({ length: 500 }, (_, index) => String(index)) } }),
    {
      conditions: 1,
      patternCharacters: 0,
    },
  );
  // A JSON value is an operand, not a filter level.
  assert.deepEqual(measure({ metadata: { eq: { a: { b: 1 }, c: 2 } } }), {
    conditions: 1,
    patternCharacters: 0,
  });
});

test("pattern operators add their value's characters, counted as PostgreSQL counts them", () => {
  assert.deepEqual(
    measure({
      title: {
        contains: 'abc',
        icontains: 'de',
        startswith: 'f',
        endswith: 'gh',
        eq: 'long value',
      },
      body: { like: '%x%', ilike: '\u{1F600}\u{1F600}' },
    }),
    { conditions: 7, patternCharacters: 3 + 2 + 1 + 2 + 3 + 2 },
  );
});

test('measuring counts what compileWhere compiles: one bound value per condition here', () => {
  const filter = {
    _or: Array.from({ length: 40 }, (_, index) => ({
      title: { contains: `t${index}` },
      author: { name: { eq: `n${index}` } },
    })),
    _not: { views: { gt: 3 }, status: { in: ['DRAFT'] } },
  };
  const parameters = new ParameterList();
  compileWhere(filter, POST, {
    schema: SCHEMA,
    columns: POST_COLUMNS,
    jsonbColumn: 'data',
    parameters,
  });
  assert.equal(measure(filter).conditions, parameters.values.length);
});

test('what compileWhere refuses is counted as far as it goes, and a deep value is not walked', () => {
  assert.deepEqual(measure(null), NO_FILTER_COST);
  assert.deepEqual(
    measure({ nope: { eq: 1 }, title: 'a', _or: { title: { eq: 'a' } } }),
    NO_FILTER_COST,
  );
  assert.deepEqual(measure({ title: { eq: 'a', neq: undefined } }).conditions, 1);

  let deep: unknown = { title: { eq: 'a' } };
  for (let level = 0; level < 15; level += 1) deep = { _not: deep };
  assert.equal(measure(deep).conditions, 1, 'sixteen levels: counted, and compiled');
  assert.equal(measure({ _not: deep }).conditions, 0, 'seventeen: compileWhere refuses it');
});

test('a pattern over max_pattern_length is refused while counting, as compileWhere words it', () => {
  const filter = {
    _or: [{ title: { eq: 'x' } }, { author: { name: { ilike: 'a'.repeat(1001) } } }],
  };
  const message =
    'where._or[1].author.name.ilike is longer than 1000 characters, the most a value of ilike ' +
    'may hold. Send a shorter value, or raise [limits] max_pattern_length in fraiseql.toml.';
  assert.throws(() => measureWhere(filter, POST, SCHEMA), { message });
  assert.throws(
    () =>
      compileWhere(filter, POST, {
        schema: SCHEMA,
        columns: POST_COLUMNS,
        jsonbColumn: 'data',
        parameters: new ParameterList(),
      }),
    { message },
  );
  assert.throws(
    () => measureWhere({ title: { contains: 'abcdef' } }, POST, SCHEMA, { maxPatternLength: 5 }),
    /longer than 5/,
  );
  // Where compileWhere refuses the operator itself, that is the answer it gives, not the length.
  assert.deepEqual(measure({ views: { contains: 'a'.repeat(1001) } }), {
    conditions: 1,
    patternCharacters: 1001,
  });
});

test('costs add up', () => {
  assert.deepEqual(
    addFilterCosts(
      { conditions: 2, patternCharacters: 5 },
      { conditions: 3, patternCharacters: 7 },
    ),
    { conditions: 5, patternCharacters: 12 },
  );
});

function refusedBy(cost: { conditions: number; patternCharacters: number }): PublicError {
  try {
    enforceFilterBudget(cost, DEFAULT_FILTER_BUDGET);
  } catch (error) {
    assert.ok(error instanceof PublicError);
    return error;
  }
  assert.fail(`${JSON.stringify(cost)} was not refused`);
}

test('the budget accepts up to its limits and refuses past them, naming limit, count and setting', () => {
  assert.equal(DEFAULT_FILTER_BUDGET.maxConditions, 200);
  assert.equal(DEFAULT_FILTER_BUDGET.maxPatternCharacters, 10_000);
  enforceFilterBudget({ conditions: 200, patternCharacters: 10_000 }, DEFAULT_FILTER_BUDGET);

  const conditions = refusedBy({ conditions: 201, patternCharacters: 0 });
  assert.equal(conditions.reason, 'BAD_USER_INPUT');
  assert.equal(conditions.status, 400);
  assert.equal(
    conditions.message,
    'The where filters of this request hold 201 conditions, more than the 200 one request may ' +
      'hold (every root field and alias counts). Use in for a list of values, split the ' +
      'request, or raise [limits] max_filter_conditions in fraiseql.toml.',
  );
  assert.deepEqual(conditions.extensions, {
    filterConditions: 201,
    maxFilterConditions: 200,
    patternCharacters: 0,
    maxPatternBudget: 10_000,
  });

  const patterns = refusedBy({ conditions: 11, patternCharacters: 10_001 });
  assert.equal(
    patterns.message,
    'The values of like, ilike, contains, icontains, startswith and endswith in the where ' +
      'filters of this request hold 10001 characters, more than the 10000 one request may hold ' +
      '(every root field and alias counts). Send fewer or shorter patterns, split the request, ' +
      'or raise [limits] max_pattern_budget in fraiseql.toml.',
  );

  const both = refusedBy({ conditions: 30_000, patternCharacters: 29_265_000 });
  assert.match(both.message, /hold 30000 conditions.*max_filter_conditions/);
  assert.match(both.message, /hold 29265000 characters.*max_pattern_budget/);
});

test('a configured budget is the one enforced', () => {
  const budget = { maxConditions: 3, maxPatternCharacters: 4 };
  enforceFilterBudget({ conditions: 3, patternCharacters: 4 }, budget);
  assert.throws(
    () => enforceFilterBudget({ conditions: 4, patternCharacters: 0 }, budget),
    /hold 4 conditions, more than the 3/,
  );
  assert.throws(
    () => enforceFilterBudget({ conditions: 1, patternCharacters: 5 }, budget),
    /hold 5 characters, more than the 4/,
  );
});
