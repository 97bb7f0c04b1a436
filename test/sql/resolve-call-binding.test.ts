import assert from 'node:assert/strict';
import { test } from 'node:test';

import { resolveCallBinding } from '../../src/sql/resolve-call-binding.ts';

const parameters = (...names: string[]): { name: string }[] => names.map((name) => ({ name }));

test('each key binds by name to the parameter named exactly so, or with p_', () => {
  assert.deepEqual(resolveCallBinding(['title', 'user_id'], parameters('p_user_id', 'title')), {
    kind: 'named',
    parameterIndexes: [1, 0],
  });
  assert.deepEqual(resolveCallBinding([], parameters('p_title')), {
    kind: 'named',
    parameterIndexes: [],
  });
});

test('a key with no parameter of its name makes the call positional, saying which', () => {
  assert.deepEqual(resolveCallBinding(['title', 'user_id'], parameters('p_title', 'who')), {
    kind: 'positional',
    misses: [{ key: 'user_id', problem: 'no-parameter', parameters: [] }],
  });
  assert.equal(resolveCallBinding(['input'], parameters('')).kind, 'positional');
});

test('a parameter whose name is not a plain identifier is not bound by name', () => {
  assert.deepEqual(resolveCallBinding(['user-id'], parameters('user-id')), {
    kind: 'positional',
    misses: [{ key: 'user-id', problem: 'not-identifier', parameters: ['user-id'] }],
  });
  assert.deepEqual(resolveCallBinding(['x'], parameters('p_x')).kind, 'named');
});

test('both key and p_key present is ambiguous, whichever comes first', () => {
  for (const order of [parameters('p_user_id', 'user_id'), parameters('user_id', 'p_user_id')]) {
    assert.deepEqual(resolveCallBinding(['user_id'], order), {
      kind: 'ambiguous',
      misses: [{ key: 'user_id', problem: 'two-parameters', parameters: ['user_id', 'p_user_id'] }],
    });
  }
});

test('two keys reaching one parameter is ambiguous', () => {
  assert.deepEqual(resolveCallBinding(['title', 'p_title'], parameters('p_title', 'other')), {
    kind: 'ambiguous',
    misses: [{ key: 'p_title', problem: 'shared-parameter', parameters: ['p_title'] }],
  });
});
