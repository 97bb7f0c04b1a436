/**
 * Plans are cached by document: a document is parsed and validated once, however often it is
 * sent, and so is a document that fails; the cache is bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildSchema, specifiedRules, type ValidationRule } from 'graphql';

import { PlanCache } from '../../src/graphql/plan-cache.ts';

const schema = buildSchema('type Query { posts: [String!]! users: [String!]! }');

/** A PlanCache whose only validation rule counts how often a document is validated. */
function countingCache(maxEntries?: number): { cache: PlanCache; validations: () => number } {
  let count = 0;
  const counting: ValidationRule = () => {
    count += 1;
    return {};
  };
  const cache = new PlanCache(
    { schema, rules: [...specifiedRules, counting], maxTokens: 1000 },
    maxEntries,
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
