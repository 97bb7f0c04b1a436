import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileSchemaJson } from '../../src/schema/compile-schema.ts';
import { computeContentHash, computeSchemaJsonHash } from '../../src/schema/content-hash.ts';
import { loadCompiledSchema } from '../../src/schema/load-compiled-schema.ts';
import { assertProblem, blogSchema, fixture, problemsOf } from './schema-test-support.ts';

function compiledText(): string {
  return JSON.stringify(compileSchemaJson(fixture('conformance/full.json')).schema, null, 2);
}

type Edit = readonly [path: readonly (string | number)[], value: unknown];

/** Sets `value` at `path` inside parsed JSON. */
function setAt(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let current = root;
  for (const segment of path.slice(0, -1)) {
    current = (current as Record<string | number, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('empty path');
  (current as Record<string | number, unknown>)[last] = value;
}

/** Edits a compiled file and re-stamps its hash, as a careful attacker would. */
function tampered(...edits: readonly Edit[]): unknown {
  const schema = JSON.parse(compiledText()) as Record<string, unknown>;
  for (const [path, value] of edits) setAt(schema, path, value);
  schema.contentHash = computeContentHash(schema);
  return schema;
}

test('a compiled schema round-trips through its JSON text', () => {
  const { schema } = compileSchemaJson(blogSchema());
  const loaded = loadCompiledSchema(JSON.stringify(schema));
  assert.deepEqual(loaded, JSON.parse(JSON.stringify(schema)));
  assert.ok(loadCompiledSchema(JSON.parse(compiledText())).ignoredKeys.length > 0);
});

test('a change after compile fails the hash check', () => {
  const schema = JSON.parse(compiledText()) as unknown;
  setAt(schema, ['queries', 'tenantOrders', 'access', 'requiresRole'], []);
  assertProblem(
    problemsOf(() => loadCompiledSchema(schema)),
    'contentHash',
    /changed after it was compiled/,
  );
});

test('unsafe SQL names are refused even with a matching hash', () => {
  const schema = tampered(
    [['queries', 'users', 'sqlSource'], { name: 'v_user"; drop table x; --' }],
    [['types', 'User', 'fields', 1, 'storageKey'], "email' || 'x"],
    [['queries', 'tenantOrders', 'inject'], { 'a b': { source: 'jwt', path: ['sub'] } }],
  );
  const problems = problemsOf(() => loadCompiledSchema(schema));
  assertProblem(problems, 'queries.users.sqlSource.name', /SQL identifier/);
  assertProblem(problems, 'types.User.fields.1.storageKey', /SQL identifier/);
  assertProblem(problems, 'queries.tenantOrders.inject.a b', /SQL identifier/);
});

test('another format version, unknown keys and bad JSON are refused', () => {
  assertProblem(
    problemsOf(() => loadCompiledSchema(tampered([['formatVersion'], 2]))),
    'formatVersion',
    /run "fraiseql-ts compile" again/,
  );
  assertProblem(
    problemsOf(() => loadCompiledSchema(tampered([['queries', 'users', 'extra'], true]))),
    'queries.users',
    /Unrecognized key/,
  );
  assertProblem(
    problemsOf(() => loadCompiledSchema('{')),
    '(document)',
    /not valid JSON/,
  );
});

test('dangling type references are refused', () => {
  const problems = problemsOf(() =>
    loadCompiledSchema(
      tampered(
        [['queries', 'users', 'returnType'], 'Ghost'],
        [
          ['types', 'User', 'fields', 0, 'type'],
          { kind: 'named', name: 'Phantom', nullable: false },
        ],
        [['enums', 'Renamed'], { name: 'OrderStatus', values: [{ name: 'A' }] }],
      ),
    ),
  );
  assertProblem(problems, 'queries.users', /unknown object type "Ghost"/);
  assertProblem(problems, 'types.User.id', /unknown type "Phantom"/);
  assertProblem(problems, 'enums.Renamed', /keys must equal names/);
});

test('a "__proto__" key in a compiled file is refused, so no inject rule can vanish', () => {
  const text = compiledText().replace('"tenant_id": {', '"__proto__": {');
  assert.match(text, /__proto__/);
  assertProblem(
    problemsOf(() => loadCompiledSchema(text)),
    'queries.tenantOrders.inject.__proto__',
    /cannot be used as a key/,
  );
});

test('the schemaJsonHash compile records loads and is left out of the content hash', () => {
  const { schema } = compileSchemaJson(blogSchema());
  const recorded = { ...schema, schemaJsonHash: computeSchemaJsonHash(blogSchema()) };
  assert.equal(computeContentHash(recorded), schema.contentHash);
  const loaded = loadCompiledSchema(JSON.stringify(recorded));
  assert.equal(loaded.schemaJsonHash, recorded.schemaJsonHash);
  assertProblem(
    problemsOf(() => loadCompiledSchema({ ...schema, schemaJsonHash: 'not-a-hash' })),
    'schemaJsonHash',
    /64 hex characters/,
  );

  // Key order and whitespace do not change the schema.json hash; content does.
  const document = { types: [], queries: [{ name: 'a', return_type: 'A' }] };
  const reordered = JSON.parse(
    '{ "queries": [{ "return_type": "A", "name": "a" }],\r\n "types": [] }',
  ) as unknown;
  const hash = computeSchemaJsonHash(document);
  assert.equal(computeSchemaJsonHash(reordered), hash);
  assert.notEqual(computeSchemaJsonHash({ ...document, types: [{}] }), hash);
});
