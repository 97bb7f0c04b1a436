/**
 * Argument and input-field names that are also members of Object.prototype ("constructor",
 * "toString") are ordinary names: when the client leaves them out, nothing is read from the
 * prototype, and the mutation's SQL binds NULL or omits the key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ExecutorContext } from '../../src/graphql/execute-operation.ts';
import type { ResolvedRootField } from '../../src/graphql/resolve-root-fields.ts';
import { buildRootFieldStatement } from '../../src/graphql/root-field-statement.ts';
import type { RuntimeCatalog } from '../../src/graphql/runtime-catalog.ts';
import type { FunctionParameter } from '../../src/sql/function-shape.ts';
import { argument, inputType, mutation, named, schemaOf } from '../db/schema-fixture.ts';

const INPUT = { name: 'input', storageKey: 'input', type: named('PostInput') };
const SCHEMA = schemaOf({
  inputTypes: [inputType('PostInput', ['title', 'constructor', 'toString'])],
  mutations: [
    mutation('save', 'fn_save', { arguments: [INPUT] }),
    mutation('saveFlat', 'fn_save_flat', { inputStyle: 'flatten', arguments: [INPUT] }),
    mutation('saveArgs', 'fn_save_args', {
      arguments: [argument('title'), argument('constructor'), argument('valueOf')],
    }),
  ],
});

const PARAMETERS: Readonly<Record<string, FunctionParameter[]>> = {
  fn_save: [{ name: 'p_input', type: 'jsonb' }],
  fn_save_flat: ['title', 'constructor', 'toString'].map((name) => ({ name: `p_${name}`, type: 'text' })),
  fn_save_args: ['title', 'constructor', 'valueOf'].map((name) => ({ name: `p_${name}`, type: 'text' })),
};

const catalog: RuntimeCatalog = {
  columnsOf: () => new Map(),
  functionShape: (name) => ({ name, parameters: PARAMETERS[name.name] ?? [], returns: 'jsonb' }),
};
// The builder reads only these; the rest of the context is the executor's business.
const context = { compiled: SCHEMA, catalog, maxPageSize: 100 } as unknown as ExecutorContext;

function valuesOf(name: string, args: Record<string, unknown>): readonly unknown[] {
  const compiled = SCHEMA.mutations[name];
  assert.ok(compiled !== undefined);
  const field: Extract<ResolvedRootField, { kind: 'mutation' }> = {
    kind: 'mutation',
    responseKey: name,
    mutation: compiled,
    args,
    selection: [],
  };
  return buildRootFieldStatement(context, field, [], () => undefined).values;
}

test('an input object without its constructor/toString fields is sent without them', () => {
  // graphql-js coerces input objects into plain objects, as here.
  assert.deepEqual(valuesOf('save', { input: { title: 'T' } }), ['{"title":"T"}']);
  assert.deepEqual(valuesOf('save', { input: { title: 'T', constructor: 'c' } }), [
    '{"title":"T","constructor":"c"}',
  ]);
});

test('flattened input fields and arguments named like prototype members bind NULL when absent', () => {
  assert.deepEqual(valuesOf('saveFlat', { input: { title: 'T' } }), ['T', null, null]);
  assert.deepEqual(valuesOf('saveArgs', { title: 'T' }), ['T', null, null]);
  assert.deepEqual(valuesOf('saveArgs', { title: 'T', constructor: 'c', valueOf: 'v' }), ['T', 'c', 'v']);
});
