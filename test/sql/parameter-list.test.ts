import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PublicError } from '../../src/errors/public-error.ts';
import { ParameterList } from '../../src/sql/parameter-list.ts';

test('placeholders are numbered from $1 in the order values are bound', () => {
  const parameters = new ParameterList();
  assert.equal(parameters.add('a'), '$1');
  assert.equal(parameters.add(null), '$2');
  assert.equal(parameters.add("'; DROP TABLE x; --"), '$3');
  assert.deepEqual(parameters.values, ['a', null, "'; DROP TABLE x; --"]);
});

test('more values than the protocol can carry is refused with a public error', () => {
  const parameters = new ParameterList();
  for (let index = 0; index < 65535; index += 1) parameters.add('x');
  assert.throws(
    () => parameters.add('one too many'),
    (error: unknown) => error instanceof PublicError && error.reason === 'BAD_USER_INPUT',
  );
});
