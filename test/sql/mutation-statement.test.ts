import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PublicError } from '../../src/errors/public-error.ts';
import type { FunctionShape } from '../../src/sql/function-shape.ts';
import { buildMutationStatement, type MutationCall } from '../../src/sql/mutation-statement.ts';
import { scalar } from './support/selections.ts';

const SHAPE: FunctionShape = {
  name: { schema: 'app', name: 'fn_create_post' },
  parameters: [
    { name: 'p_input', type: 'jsonb' },
    { name: 'p_user_id', type: 'uuid' },
  ],
  returns: 'mutation_response',
};

const CALL: MutationCall = {
  shape: SHAPE,
  arguments: [{ name: 'input', value: { title: 'T', tags: ['a'] } }],
  inject: [{ name: 'user_id', value: 'u-1' }],
  selection: [scalar('title')],
  returnsList: false,
};

function invocation(call: Partial<MutationCall>): string {
  const text = buildMutationStatement({ ...CALL, ...call }).text;
  const match = /\nFROM (.*) AS r/.exec(text);
  return match?.[1] ?? text;
}

test('named notation when every value matches a parameter exactly or with p_', () => {
  assert.equal(invocation({}), '"app"."fn_create_post"("p_input" => $1::jsonb, "p_user_id" => $2)');
  assert.equal(
    invocation({
      shape: {
        ...SHAPE,
        parameters: [
          { name: 'input', type: 'jsonb' },
          { name: 'p_user_id', type: 'uuid' },
        ],
      },
    }),
    '"app"."fn_create_post"("input" => $1::jsonb, "p_user_id" => $2)',
  );
  assert.deepEqual(buildMutationStatement(CALL).values, ['{"title":"T","tags":["a"]}', 'u-1']);
});

test('positional, when any value has no parameter of its name and nothing is injected', () => {
  const positional: Partial<MutationCall> = {
    arguments: [
      { name: 'input', value: { title: 'T', tags: ['a'] } },
      { name: 'note', value: 'n' },
    ],
    inject: [],
  };
  assert.equal(
    invocation({
      ...positional,
      shape: {
        ...SHAPE,
        parameters: [
          { name: 'doc', type: 'jsonb' },
          { name: 'who', type: 'text' },
        ],
      },
    }),
    '"app"."fn_create_post"($1::jsonb, $2)',
  );
  assert.equal(
    invocation({
      ...positional,
      shape: {
        ...SHAPE,
        parameters: [
          { name: '', type: 'JSON' },
          { name: '', type: 'text' },
        ],
      },
    }),
    '"app"."fn_create_post"($1::json, $2)',
  );
  assert.throws(
    () =>
      invocation({ ...positional, shape: { ...SHAPE, parameters: [{ name: 'doc', type: 'jsonb' }] } }),
    /takes 1 parameters but the mutation passes 2/,
  );
});

test('an injected value is never bound by position, and an ambiguous call is never built', () => {
  assert.throws(
    () =>
      invocation({
        shape: {
          ...SHAPE,
          parameters: [
            { name: 'doc', type: 'jsonb' },
            { name: 'who', type: 'text' },
          ],
        },
      }),
    /would receive injected values by position \(input \(no parameter named input or p_input\); user_id \(no parameter named user_id or p_user_id\)\)/,
  );
  assert.throws(
    () =>
      invocation({
        shape: {
          ...SHAPE,
          parameters: [
            { name: 'p_input', type: 'jsonb' },
            { name: 'p_user_id', type: 'uuid' },
            { name: 'user_id', type: 'uuid' },
          ],
        },
      }),
    /cannot be called safely: user_id \(both user_id and p_user_id exist\)/,
  );
});

test('scalars bind as text, null as NULL, objects for other parameters as JSON text', () => {
  const statement = buildMutationStatement({
    ...CALL,
    shape: {
      ...SHAPE,
      parameters: [
        { name: 'p_title', type: 'text' },
        { name: 'p_count', type: 'integer' },
        { name: 'p_flag', type: 'boolean' },
        { name: 'p_note', type: 'text' },
        { name: 'p_doc', type: 'jsonb' },
        { name: 'p_when', type: 'timestamp with time zone' },
        { name: 'p_user_id', type: 'uuid' },
      ],
    },
    arguments: [
      { name: 'title', value: "O'Brien" },
      { name: 'count', value: 3 },
      { name: 'flag', value: false },
      { name: 'note', value: null },
      { name: 'doc', value: null },
      { name: 'when', value: new Date('2024-01-02T03:04:05Z') },
    ],
  });
  assert.match(
    statement.text,
    /"p_note" => \$4, "p_doc" => \$5::jsonb, "p_when" => \$6, "p_user_id" => \$7\)/,
  );
  assert.deepEqual(statement.values, [
    "O'Brien",
    '3',
    'false',
    null,
    null,
    '2024-01-02T03:04:05.000Z',
    'u-1',
  ]);
});

test('values PostgreSQL cannot take are refused as the client’s error', () => {
  for (const value of ['a\0b', Number.POSITIVE_INFINITY, { k: 'x\0' }]) {
    assert.throws(
      () => buildMutationStatement({ ...CALL, arguments: [{ name: 'input', value }] }),
      (error: unknown) => error instanceof PublicError && error.reason === 'BAD_USER_INPUT',
      String(value),
    );
  }
});

test('mutation_response selects the status columns and the projected entity', () => {
  const { text } = buildMutationStatement(CALL);
  for (const column of [
    'succeeded',
    'state_changed',
    'error_class',
    'status_detail',
    'http_status',
    'message',
    'entity_type',
    'error_detail',
    'entity',
  ]) {
    assert.match(text, new RegExp(`AS "${column}"|r\\."${column}",`), column);
  }
  assert.match(
    text,
    /CASE WHEN jsonb_typeof\(r\."entity"\) = 'object' THEN json_build_object\('title', r\."entity"->>'title'\) END\)::text AS "entity"/,
  );
});

test('jsonb, json and setof returns project the returned document as "json"', () => {
  for (const returns of ['jsonb', 'setof jsonb'] as const) {
    assert.match(
      buildMutationStatement({ ...CALL, shape: { ...SHAPE, returns } }).text,
      /^SELECT \(CASE WHEN jsonb_typeof\(r\."value"\) = 'object' .*\)::text AS "json"\nFROM .* AS r\("value"\)$/,
    );
  }
  assert.match(
    buildMutationStatement({ ...CALL, shape: { ...SHAPE, returns: 'json' }, returnsList: true })
      .text,
    /jsonb_typeof\(\(r\."value"\)::jsonb\) = 'array'/,
  );
});

test('function and parameter names are quoted identifiers or refused', () => {
  assert.throws(
    () => buildMutationStatement({ ...CALL, shape: { ...SHAPE, name: { name: 'fn_x(); DROP' } } }),
    TypeError,
  );
  // A parameter name that is not a plain identifier cannot be used in named notation.
  assert.equal(
    invocation({
      arguments: [
        { name: 'input', value: {} },
        { name: 'user_id', value: 'u-1' },
      ],
      inject: [],
      shape: {
        ...SHAPE,
        parameters: [
          { name: 'p_input', type: 'jsonb' },
          { name: 'user_id"', type: 'uuid' },
        ],
      },
    }),
    '"app"."fn_create_post"($1::jsonb, $2)',
  );
});
