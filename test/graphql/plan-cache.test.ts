/**
 * Plans are cached by document: a document is parsed and validated once, however often it is
 * sent, and so is a document that fails; the cache is bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildSchema, specifiedRules, type ValidationRule } from 'graphql';

import { DEFAULT_PLAN_CACHE_SIZE, PlanCache } from '../../src/graphql/plan-cache.ts';

const schema = buildSchema(
  'type Query { posts(where: String): [String!]! users: [String!]! count(limit: Int): Int }',
);

/** A PlanCache whose only validation rule counts how often a document is validated. */
function countingCache(
  maxEntries?: number,
  maxSize?: number,
): { cache: PlanCache; validations: () => number } {
  let count = 0;
  const counting: ValidationRule = () => {
    count += 1;
    return {};
  };
  const cache = new PlanCache(
    { schema, rules: [...specifiedRules, counting], maxTokens: 1000 },
    maxEntries,
    maxSize,
  );
  return { cache, validations: () => count };
}

test('the same document is parsed and validated once and gives the same plan', () => {
  const { cache, validations } = countingCache();
  const first = cache.get('{ posts }', undefined);
  const second = cache.get('{ posts }', undefined);
  assert.equal(first.ok, true);
  assert.equal(second, first);
  assert.equal(validations(), 1);
  assert.equal(cache.size, 1);
});

test('another text or another operationName is another entry', () => {
  const { cache, validations } = countingCache();
  const document = 'query A { posts } query B { users }';
  const a = cache.get(document, 'A');
  const b = cache.get(document, 'B');
  assert.ok(a.ok && b.ok);
  assert.equal(a.plan.operation.name?.value, 'A');
  assert.equal(b.plan.operation.name?.value, 'B');
  cache.get('{ users }', undefined);
  assert.equal(cache.size, 3);
  assert.equal(validations(), 3);
});

test('a failing document is cached with its errors too', () => {
  const { cache, validations } = countingCache();
  const broken = cache.get('{ nope }', undefined);
  assert.equal(broken.ok, false);
  assert.equal(cache.get('{ nope }', undefined), broken);
  assert.equal(validations(), 1);

  const syntax = cache.get('{ posts', undefined);
  assert.ok(!syntax.ok && syntax.failure.kind === 'parse');
  assert.equal(cache.get('{ posts', undefined), syntax);
});

test('the cache is bounded: old documents are evicted, not kept forever', () => {
  const { cache } = countingCache(2);
  for (const field of ['posts', 'users', '__typename']) cache.get(`{ ${field} }`, undefined);
  assert.equal(cache.size, 2);
});

test('the cache is bounded by size: large documents push old ones out', () => {
  const { cache } = countingCache();
  // 200 documents of 500 KB (1 MB accounted each): four times the default budget.
  for (let index = 0; index < 200; index += 1) {
    const plan = cache.get(`{ posts(where: "${index}${'x'.repeat(500_000)}") }`, undefined);
    assert.equal(plan.ok, true);
    assert.ok(cache.accountedSize <= DEFAULT_PLAN_CACHE_SIZE, `${cache.accountedSize} bytes`);
  }
  assert.ok(cache.size < 70, `${cache.size} documents kept`);
});

test('refused documents count their source and messages, not their syntax tree', () => {
  const maxSize = 4 * 1024 * 1024;
  const { cache, validations } = countingCache(1000, maxSize);
  for (let index = 0; index < 100; index += 1) {
    // A coercion error quotes the 100 KB value: the message is as large as the document.
    const refused = cache.get(`{ count(limit: "${index}${'y'.repeat(100_000)}") }`, undefined);
    assert.ok(!refused.ok && refused.failure.kind === 'validation');
    assert.ok(refused.failure.errors.every((error) => error.nodes === undefined));
    assert.deepEqual(refused.failure.errors[0]?.locations, [{ line: 1, column: 16 }]);
    const broken = cache.get(`{ posts(where: "${index}${'z'.repeat(100_000)}") `, undefined);
    assert.ok(!broken.ok && broken.failure.kind === 'parse');
    assert.ok(cache.accountedSize <= maxSize, `${cache.accountedSize} bytes`);
  }
  assert.ok(cache.size < 200, `${cache.size} kept`);
  assert.equal(validations(), 100);
});

test('a document larger than the whole budget is planned every time and never kept', () => {
  const { cache, validations } = countingCache(1000, 100_000);
  const large = `{ posts(where: "${'x'.repeat(60_000)}") }`;
  assert.equal(cache.get(large, undefined).ok, true);
  assert.equal(cache.get(large, undefined).ok, true);
  assert.equal(validations(), 2);
  assert.equal(cache.size, 0);
  assert.equal(cache.get('{ posts }', undefined), cache.get('{ posts }', undefined));
});
