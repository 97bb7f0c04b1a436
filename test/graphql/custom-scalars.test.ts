import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GraphQLError } from 'graphql';

import { buildCustomScalar } from '../../src/graphql/custom-scalars.ts';

test('a custom scalar named like an Object.prototype member gets the plain string check', () => {
  for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
    const scalar = buildCustomScalar(name);
    assert.equal(scalar.parseValue('text'), 'text', name);
    assert.throws(() => scalar.parseValue(5), GraphQLError, name);
    assert.throws(() => scalar.parseValue({}), /must be a string/, name);
  }
});

test('the known scalars keep their checks', () => {
  assert.throws(() => buildCustomScalar('UUID').parseValue('nope'), /UUID must be a string like/);
  assert.deepEqual(buildCustomScalar('JSON').parseValue({ a: 1 }), { a: 1 });
});
