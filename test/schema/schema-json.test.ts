import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseSchemaJson } from '../../src/schema/schema-json.ts';
import {
  assertProblem,
  blogSchema,
  fixture,
  fraiseqlFixtures,
  problemsOf,
} from './schema-test-support.ts';

test('every FraiseQL fixture parses', () => {
  const fixtures = fraiseqlFixtures();
  assert.ok(fixtures.length >= 6);
  for (const [path, document] of fixtures) {
    assert.doesNotThrow(() => parseSchemaJson(document), path);
  }
});

test('text input is parsed as JSON, and bad JSON is a problem at the document', () => {
  const parsed = parseSchemaJson(JSON.stringify(fixture('conformance/minimal.json')));
  assert.equal(parsed.ir.queries[0]?.name, 'users');
  const problems = problemsOf(() => parseSchemaJson('{"types": ['));
  assertProblem(problems, '(document)', /not valid JSON/);
  assertProblem(
    problemsOf(() => parseSchemaJson([])),
    '(document)',
    /must be a JSON object/,
  );
});

test('golden/06 tenant_scoped is read, not ignored', () => {
  const { ir, ignoredKeys } = parseSchemaJson(fixture('golden/06-tenant-scoped.json'));
  assert.deepEqual(ignoredKeys, []);
  assert.equal(ir.types[0]?.tenant_scoped, true);
});

test("full.json's vector, relay and cache keys are reported as ignored, sorted by path", () => {
  const { ignoredKeys } = parseSchemaJson(fixture('conformance/full.json'));
  const paths = ignoredKeys.map((key) => key.path);
  assert.deepEqual(paths, [...paths].sort());
  for (const expected of [
    'types[User].relay',
    'types[Document].fields[embedding].vector_config',
    'types[Document].fields[similarity].vector_distance',
    'queries[tenantOrders].cache_ttl_seconds',
    'mutations[createUser].invalidates_views',
    'mutations[placeOrder].invalidates_fact_tables',
  ]) {
    assert.ok(paths.includes(expected), `${expected} missing from ${paths.join(', ')}`);
  }
  for (const key of ignoredKeys) assert.ok(key.reason.length > 10, key.path);
});

test('golden/05 additional_views and cache keys are ignored; inject forms are normalised', () => {
  const { ir, ignoredKeys } = parseSchemaJson(fixture('golden/05-security-inject-cache.json'));
  assert.ok(ignoredKeys.some((key) => key.path === 'queries[orders].additional_views'));
  assert.deepEqual(ir.mutations[0]?.inject_params, {
    user_id: { source: 'jwt', claim: 'sub' },
    tenant_id: { source: 'jwt', claim: 'org_id' },
  });
  const flat = parseSchemaJson(fixture('conformance/full.json'));
  const tenantOrders = flat.ir.queries.find((query) => query.name === 'tenantOrders');
  assert.deepEqual(tenantOrders?.inject_params, {
    tenant_id: { source: 'jwt', claim: 'tenant_id' },
  });
  assert.deepEqual(tenantOrders?.requires_role, ['admin']);
});

test('unknown keys are ignored with a reason, and a near-miss suggests the right key', () => {
  const document = blogSchema();
  document.customThing = { a: 1 };
  Object.assign(document.queries[1] ?? {}, { returnsList: true, cache_ttl_seconds: 60 });
  const { ignoredKeys } = parseSchemaJson(document);
  const byPath = new Map(ignoredKeys.map((key) => [key.path, key.reason]));
  assert.match(byPath.get('customThing') ?? '', /not a key fraiseql-ts knows on the schema root/);
  assert.match(byPath.get('queries[user].returnsList') ?? '', /did you mean "returns_list"/);
  assert.match(byPath.get('queries[user].cache_ttl_seconds') ?? '', /no result cache/);
});

test('keys that ask for nothing (false, [], {}, null) are not reported', () => {
  const { ignoredKeys } = parseSchemaJson({
    ...fixture('basic/schema.json'),
    subscriptions: [],
    interfaces: [],
    federation: {},
    fact_tables: null,
  });
  assert.deepEqual(ignoredKeys, []);
  const withContent = parseSchemaJson({
    ...fixture('basic/schema.json'),
    subscriptions: [{ name: 's' }],
  });
  assert.deepEqual(
    withContent.ignoredKeys.map((key) => key.path),
    ['subscriptions'],
  );
});

test('drift guard: "inject" on an operation is an error naming inject_params', () => {
  for (const section of ['queries', 'mutations'] as const) {
    const document = blogSchema();
    const operation = document[section][0] ?? {};
    operation.inject = { user_id: 'jwt:sub' };
    const name = String(operation.name);
    assertProblem(
      problemsOf(() => parseSchemaJson(document)),
      `${section}[${name}].inject`,
      /"inject_params"/,
    );
  }
});

test('drift guard: scope spellings on a field are errors naming requires_scope', () => {
  for (const key of ['scope', 'scopes', 'requiresScope', 'requiresScopes', 'requires_scopes']) {
    const document = blogSchema();
    const field = (document.types[1]?.fields as Record<string, unknown>[])[1] ?? {};
    field[key] = 'read:titles';
    assertProblem(
      problemsOf(() => parseSchemaJson(document)),
      `types[Post].fields[title].${key}`,
      /write "requires_scope"/,
    );
  }
});

test('drift guard: scope spellings and return_array on operations are errors', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, { scopes: ['read:posts'], return_array: true });
  const problems = problemsOf(() => parseSchemaJson(document));
  assertProblem(problems, 'queries[posts].scopes', /requires_scope/);
  assertProblem(problems, 'queries[posts].return_array', /"returns_list"/);
});

test('unknown keys within two edits of a security key are errors naming the right key', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      'queries',
      { requires_scop: 'read:x' },
      'queries[posts].requires_scop',
      /write "requires_scope"/,
    ],
    ['queries', { requiresRole: 'admin' }, 'queries[posts].requiresRole', /write "requires_role"/],
    ['queries', { injectParams: {} }, 'queries[posts].injectParams', /write "inject_params"/],
    ['queries', { pubic: true }, 'queries[posts].pubic', /write "public"/],
    ['queries', { is_public: true }, 'queries[posts].is_public', /write "public"/],
    [
      'mutations',
      { require_role: 'a' },
      'mutations[createPost].require_role',
      /write "requires_role"/,
    ],
  ];
  for (const [section, extra, where, message] of cases) {
    const document = blogSchema();
    Object.assign(document[section as 'queries' | 'mutations'][0] ?? {}, extra);
    assertProblem(
      problemsOf(() => parseSchemaJson(document)),
      where,
      message,
    );
  }
  const document = blogSchema();
  const field = (document.types[0]?.fields as Record<string, unknown>[])[1] ?? {};
  field.onDeny = 'mask';
  assertProblem(
    problemsOf(() => parseSchemaJson(document)),
    'types[User].fields[email].onDeny',
    /write "on_deny"/,
  );
});

test('a security key where it is not enforced is an error saying where it applies', () => {
  const document = blogSchema();
  Object.assign(document.types[0] ?? {}, { requires_scope: 'read:users', public: true });
  const field = (document.types[0]?.fields as Record<string, unknown>[])[0] ?? {};
  field.requiresRole = 'admin';
  (document.input_types[0]?.fields as Record<string, unknown>[])[0] = {
    name: 'title',
    type: 'String',
    requires_scope: 'x:y',
  };
  const problems = problemsOf(() => parseSchemaJson(document));
  assertProblem(
    problems,
    'types[User].requires_scope',
    /not supported on a type; it applies to fields, queries and mutations/,
  );
  assertProblem(problems, 'types[User].public', /not supported on a type/);
  assertProblem(
    problems,
    'types[User].fields[id].requiresRole',
    /looks like "requires_role", which is not supported on a field/,
  );
  assertProblem(
    problems,
    'input_types[CreatePostInput].fields[title].requires_scope',
    /not supported on an input field/,
  );
});

test('features that would leave data unprotected if ignored are refused', () => {
  const document = blogSchema();
  document.security = { default_role: 'x' };
  document.session_variables = { variables: [{ name: 'tenant' }] };
  Object.assign(document.queries[0] ?? {}, { requires_actor: ['user'] });
  const field = (document.types[0]?.fields as Record<string, unknown>[])[1] ?? {};
  Object.assign(field, { authorize: true, encryption: { key: 'k' } });
  const problems = problemsOf(() => parseSchemaJson(document));
  assertProblem(problems, 'security', /fraiseql.toml \[security\]/);
  assertProblem(problems, 'session_variables', /inject_params/);
  assertProblem(problems, 'queries[posts].requires_actor', /not supported/);
  assertProblem(problems, 'types[User].fields[email].authorize', /readable by everyone/);
  assertProblem(problems, 'types[User].fields[email].encryption', /in clear/);
});

test('inject_defaults is strict: an unknown key is an error', () => {
  const document = blogSchema();
  document.inject_defaults = { query: { tenant_id: 'jwt:tenant_id' } };
  assertProblem(
    problemsOf(() => parseSchemaJson(document)),
    'inject_defaults.query',
    /accepted keys are base, queries, mutations/,
  );
});

test('wrong types for acted keys are errors with the path', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, { returns_list: 'yes', inject_params: { user_id: 42 } });
  const field = (document.types[0]?.fields as Record<string, unknown>[])[1] ?? {};
  delete field.nullable;
  Object.assign(field, { on_deny: 'hide' });
  document.naming_convention = 'snake';
  const problems = problemsOf(() => parseSchemaJson(document));
  assertProblem(problems, 'queries[posts].returns_list', /expected boolean/);
  assertProblem(problems, 'queries[posts].inject_params.user_id', /must be "jwt:<claim>" or/);
  assertProblem(problems, 'types[User].fields[email].nullable', /is required: add "nullable"/);
  assertProblem(problems, 'types[User].fields[email].on_deny', /"reject"\|"mask"/);
  assertProblem(problems, 'naming_convention', /"preserve"\|"camelCase"/);
});

test('lists written as one string are widened; input fields default to nullable', () => {
  const { ir } = parseSchemaJson(blogSchema());
  assert.deepEqual(ir.queries[0]?.requires_scope, ['read:posts']);
  assert.deepEqual(ir.types[1]?.fields[4]?.requires_scope, ['read:salary']);
  assert.equal(ir.input_types[0]?.fields[1]?.nullable, true);
  assert.equal(ir.queries[0]?.public, false);
});

test('a "__proto__" key is refused anywhere, so no inject rule can vanish', () => {
  const text = JSON.stringify(blogSchema()).replace(
    '"user_id":"jwt:sub"',
    '"__proto__":{"source":"jwt","claim":"sub"}',
  );
  assert.match(text, /__proto__/);
  assertProblem(
    problemsOf(() => parseSchemaJson(text)),
    'queries[posts].inject_params.__proto__',
    /cannot be used as a key/,
  );
});
