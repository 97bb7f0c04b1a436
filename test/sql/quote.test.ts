import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { quoteIdentifier, quoteLiteralKey, quoteQualifiedName } from '../../src/sql/quote.ts';

test('quoteIdentifier double-quotes valid names and keeps their case', () => {
  assert.equal(quoteIdentifier('v_post'), '"v_post"');
  assert.equal(quoteIdentifier('CreatedAt'), '"CreatedAt"');
  assert.equal(quoteIdentifier('_x9'), '"_x9"');
  assert.equal(quoteIdentifier('a'.repeat(63)), `"${'a'.repeat(63)}"`);
});

test('quoteIdentifier refuses anything that could leave the quotes or alias another name', () => {
  for (const bad of [
    '',
    '9lives',
    'a"b',
    'a b',
    'a-b',
    'schema.table',
    'é',
    'a;b',
    '"x"',
    'a'.repeat(64),
  ]) {
    assert.throws(() => quoteIdentifier(bad), TypeError, bad);
  }
});

test('quoteQualifiedName quotes each part', () => {
  assert.equal(quoteQualifiedName({ name: 'v_post' }), '"v_post"');
  assert.equal(quoteQualifiedName({ schema: 'app', name: 'fn_x' }), '"app"."fn_x"');
  assert.throws(() => quoteQualifiedName({ schema: 'a"', name: 'b' }), TypeError);
});

test('quoteLiteralKey emits GraphQL names as string literals and refuses the rest', () => {
  assert.equal(quoteLiteralKey('created_at'), "'created_at'");
  assert.equal(quoteLiteralKey('__typename'), "'__typename'");
  for (const bad of ["it's", 'a\\b', '', 'a b', "x') OR 1=1 --", '1a']) {
    assert.throws(() => quoteLiteralKey(bad), TypeError, bad);
  }
});

test('property: whatever string comes in, the output is either refused or a closed quote', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (input) => {
      for (const [quote, mark] of [
        [quoteIdentifier, '"'],
        [quoteLiteralKey, "'"],
      ] as const) {
        let output: string;
        try {
          output = quote(input);
        } catch (error) {
          assert.ok(error instanceof TypeError);
          continue;
        }
        assert.equal(output, `${mark}${input}${mark}`);
        assert.match(input, /^[A-Za-z_][A-Za-z0-9_]*$/);
      }
    }),
    { numRuns: 500 },
  );
});
