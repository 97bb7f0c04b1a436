import assert from 'node:assert/strict';
import { test } from 'node:test';

import { findFilterOperator, operatorsForScalar } from '../../src/sql/filter-operators.ts';

function names(scalar: string, isEnum = false): string[] {
  return operatorsForScalar(scalar, { isEnum }).map((operator) => operator.name);
}

const BASE = ['eq', 'neq', 'in', 'nin', 'isnull'];
const ORDERING = ['gt', 'gte', 'lt', 'lte'];
const PATTERNS = ['contains', 'icontains', 'startswith', 'endswith', 'like', 'ilike'];

test('String has comparison, ordering, membership, null and pattern operators', () => {
  assert.deepEqual(new Set(names('String')), new Set([...BASE, ...ORDERING, ...PATTERNS]));
});

test('ID, UUID, enums and rich scalars have patterns but no ordering', () => {
  for (const [scalar, isEnum] of [
    ['ID', false],
    ['UUID', false],
    ['PostStatus', true],
    ['Email', false],
    ['Slug', false],
  ] as const) {
    assert.deepEqual(new Set(names(scalar, isEnum)), new Set([...BASE, ...PATTERNS]), scalar);
  }
});

test('numbers, dates and times order but take no patterns', () => {
  for (const scalar of ['Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Date', 'Time']) {
    assert.deepEqual(new Set(names(scalar)), new Set([...BASE, ...ORDERING]), scalar);
  }
});

test('Boolean and JSON compare for equality only; vectors only test for null', () => {
  assert.deepEqual(new Set(names('Boolean')), new Set(BASE));
  assert.deepEqual(new Set(names('Json')), new Set(BASE));
  assert.deepEqual(names('Vector'), ['isnull']);
});

test('operands: the scalar itself, a list of it, String for patterns, Boolean for isnull', () => {
  const uuid = operatorsForScalar('UUID');
  const shape = (name: string) => uuid.find((operator) => operator.name === name);
  assert.deepEqual([shape('eq')?.operand, shape('eq')?.operandType], ['value', 'UUID']);
  assert.deepEqual([shape('in')?.operand, shape('in')?.operandType], ['list', 'UUID']);
  assert.deepEqual(
    [shape('contains')?.operand, shape('contains')?.operandType],
    ['value', 'String'],
  );
  assert.deepEqual(
    [shape('isnull')?.operand, shape('isnull')?.operandType],
    ['boolean', 'Boolean'],
  );
  for (const operator of uuid) assert.ok(operator.description.length > 10, operator.name);
});

test('findFilterOperator finds only operators the scalar offers', () => {
  assert.equal(findFilterOperator('Int', 'gt')?.name, 'gt');
  assert.equal(findFilterOperator('Int', 'contains'), undefined);
  assert.equal(findFilterOperator('String', '_eq'), undefined);
  assert.equal(findFilterOperator('String', 'constructor'), undefined);
  assert.equal(findFilterOperator('PostStatus', 'gt', { isEnum: true }), undefined);
});

test('the lists are frozen, so no caller can change what the SQL layer accepts', () => {
  const operators = operatorsForScalar('String');
  assert.ok(Object.isFrozen(operators));
  assert.ok(operators.every((operator) => Object.isFrozen(operator)));
  assert.equal(operatorsForScalar('String'), operators);
});
