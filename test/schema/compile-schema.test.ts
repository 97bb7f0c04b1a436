import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileSchemaJson } from '../../src/schema/compile-schema.ts';
import { computeContentHash } from '../../src/schema/content-hash.ts';
import {
  assertProblem,
  blogSchema,
  fixture,
  fraiseqlFixtures,
  problemsOf,
} from './schema-test-support.ts';

test('every FraiseQL fixture compiles', () => {
  for (const [path, document] of fraiseqlFixtures()) {
    const { schema, ignoredKeys } = compileSchemaJson(document);
    assert.equal(schema.formatVersion, 1, path);
    assert.match(schema.contentHash, /^[0-9a-f]{32}$/, path);
    assert.deepEqual(schema.ignoredKeys, ignoredKeys, path);
  }
});

test('the basic example: storage keys, type refs, scalars, auto params, naming convention', () => {
  const { schema } = compileSchemaJson(fixture('basic/schema.json'));
  assert.equal(schema.namingConvention, 'camelCase');
  const createdAt = schema.types.User?.fields.find((field) => field.name === 'createdAt');
  assert.deepEqual(createdAt, {
    name: 'createdAt',
    storageKey: 'created_at',
    type: { kind: 'named', name: 'DateTime', nullable: false },
    access: { requiresScope: [], onDeny: 'reject' },
  });
  assert.deepEqual(schema.customScalars, ['DateTime']);
  assert.deepEqual(schema.queries.users?.autoParams, {
    where: true,
    orderBy: true,
    limit: true,
    offset: true,
  });
  assert.deepEqual(schema.queries.user?.autoParams, {
    where: false,
    orderBy: false,
    limit: false,
    offset: false,
  });
  assert.deepEqual(schema.queries.user?.sqlSource, { name: 'v_user' });
  assert.equal(schema.queries.user?.jsonbColumn, 'data');
  assert.deepEqual(schema.queries.user?.access, {
    public: false,
    requiresScope: [],
    requiresRole: [],
    requiresPermission: [],
  });
});

test('full.json: field scopes, roles, inject, mutations and custom scalars', () => {
  const { schema } = compileSchemaJson(fixture('conformance/full.json'));
  const salary = schema.types.User?.fields.find((field) => field.name === 'salary');
  assert.deepEqual(salary?.access, { requiresScope: ['read:User.salary'], onDeny: 'reject' });
  assert.equal(schema.types.UserNotFound?.isError, true);
  assert.deepEqual(
    schema.enums.OrderStatus?.values.map((value) => value.name),
    ['PENDING', 'SHIPPED', 'CANCELLED'],
  );
  assert.deepEqual(schema.queries.tenantOrders?.inject, {
    tenant_id: { source: 'jwt', path: ['tenant_id'] },
  });
  assert.deepEqual(schema.queries.tenantOrders?.access.requiresRole, ['admin']);
  const createUser = schema.mutations.createUser;
  assert.deepEqual(createUser?.sqlFunction, { name: 'fn_create_user' });
  assert.equal(createUser?.operation, 'insert');
  assert.equal(createUser?.inputStyle, 'flatten');
  assert.deepEqual(schema.customScalars, ['BitVector', 'HalfVector', 'SparseVector', 'Vector']);
  assert.deepEqual(
    schema.inputTypes.CreateUserInput?.fields.map((field) => field.type.nullable),
    [false, true],
  );
});

test("golden/01's explicit limit maps onto the automatic limit, its default the page size", () => {
  const { schema, warnings } = compileSchemaJson(fixture('golden/01-basic-query-mutation.json'));
  const users = schema.queries.users;
  assert.equal(users?.autoParams.limit, true);
  assert.deepEqual(users?.arguments.find((arg) => arg.name === 'limit')?.defaultValue, 10);
  assert.equal(users?.jsonbColumn, 'payload');
  assert.ok(
    warnings.some((warning) =>
      /queries\[users\]\.arguments\[limit\]: served as the automatic "limit" argument \(default 10\)/.test(
        warning,
      ),
    ),
  );
  assert.equal(schema.mutations.createUser?.operation, 'insert');
});

test('explicit where/orderBy arguments become the automatic ones; defaults for them are refused', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, {
    auto_params: { where: false, order_by: false },
    arguments: [
      { name: 'where', type: 'PostWhereInput', nullable: true },
      { name: 'order_by', type: 'Json', nullable: true, default: {} },
    ],
  });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'queries[posts].arguments[where]', /auto_params.where is false/);
  assertProblem(problems, 'queries[posts].arguments[order_by]', /auto_params.order_by is false/);

  delete (document.queries[0] ?? {}).auto_params;
  const withDefault = problemsOf(() => compileSchemaJson(document));
  assertProblem(withDefault, 'queries[posts].arguments[order_by].default', /not supported/);

  ((document.queries[0] ?? {}).arguments as Record<string, unknown>[]).pop();
  const { schema, warnings } = compileSchemaJson(document);
  assert.deepEqual(schema.queries.posts?.arguments, []);
  assert.equal(schema.queries.posts?.autoParams.where, true);
  assert.ok(warnings.some((warning) => warning.includes('arguments[where]')));
});

test('paging arguments must be Int with a sensible default; relay and reserved names are refused', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, {
    arguments: [
      { name: 'limit', type: 'String', nullable: true },
      { name: 'offset', type: 'Int', nullable: true, default: -1 },
      { name: 'first', type: 'Int', nullable: true },
    ],
  });
  Object.assign(document.queries[1] ?? {}, {
    arguments: [{ name: 'limit', type: 'Int', nullable: true }],
    auto_params: { where: true },
  });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'queries[posts].arguments[limit].type', /must be of type Int/);
  assertProblem(problems, 'queries[posts].arguments[offset].default', /at least 0/);
  assertProblem(problems, 'queries[posts].arguments[first]', /Relay argument/);
  assertProblem(
    problems,
    'queries[user].arguments[limit]',
    /reserved for the automatic arguments of list queries/,
  );
  assertProblem(problems, 'queries[user].auto_params', /only exist on list queries/);
});

test('query defaults: options beat the document, a query beats both', () => {
  const document = blogSchema();
  document.query_defaults = { offset: false, where: false };
  Object.assign(document.queries[0] ?? {}, { auto_params: { where: true } });
  const { schema } = compileSchemaJson(document, {
    queryDefaults: { orderBy: false, where: false },
  });
  assert.deepEqual(schema.queries.posts?.autoParams, {
    where: true,
    orderBy: false,
    limit: true,
    offset: false,
  });
});

test('the naming convention option overrides the document', () => {
  const { schema } = compileSchemaJson(fixture('basic/schema.json'), {
    namingConvention: 'preserve',
  });
  assert.equal(schema.namingConvention, 'preserve');
});

test('unknown and misplaced type references are problems with a suggestion', () => {
  const document = blogSchema();
  const fields = document.types[1]?.fields as Record<string, unknown>[];
  fields.push({ name: 'editor', type: 'Usr', nullable: true });
  fields.push({ name: 'draft', type: 'CreatePostInput', nullable: true });
  Object.assign(document.queries[1] ?? {}, {
    arguments: [{ name: 'id', type: 'Post', nullable: false }],
  });
  Object.assign(document.queries[0] ?? {}, { return_type: 'Strin' });
  document.queries.push({ name: 'count', return_type: 'Int', sql_source: 'v_post' });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(
    problems,
    'types[Post].fields[editor].type',
    /unknown type "Usr": did you mean "User"/,
  );
  assertProblem(problems, 'types[Post].fields[draft].type', /is an input type/);
  assertProblem(
    problems,
    'queries[user].arguments[id].type',
    /is an object type; arguments and input fields need/,
  );
  assertProblem(
    problems,
    'queries[posts].return_type',
    /unknown type "Strin": did you mean "String"/,
  );
  assertProblem(problems, 'queries[count].return_type', /"Int" is not an object type/);
});

test('SQL names must be safe identifiers', () => {
  const document = blogSchema();
  Object.assign(document.types[0] ?? {}, { sql_source: 'v user' });
  Object.assign(document.queries[0] ?? {}, {
    sql_source: 'public.v_post; drop table x',
    jsonb_column: 'a.b',
  });
  Object.assign(document.mutations[0] ?? {}, { sql_source: '"fn"' });
  document.queries.push({
    name: 'longName',
    return_type: 'Post',
    returns_list: true,
    sql_source: `v_${'x'.repeat(70)}`,
  });
  document.queries.push({
    name: 'qualified',
    return_type: 'Post',
    returns_list: true,
    sql_source: 'blog.v_post',
  });
  document.queries.push({
    name: 'threeParts',
    return_type: 'Post',
    returns_list: true,
    sql_source: 'a.b.c',
  });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'types[User].sql_source', /not a valid view name/);
  assertProblem(problems, 'queries[posts].sql_source', /not a valid view name/);
  assertProblem(problems, 'queries[posts].jsonb_column', /not a valid column name/);
  assertProblem(problems, 'mutations[createPost].sql_source', /not a valid function name/);
  assertProblem(problems, 'queries[longName].sql_source', /at most 63 characters/);
  assertProblem(problems, 'queries[threeParts].sql_source', /not a valid view name/);
  assert.ok(!problems.some((problem) => problem.where.startsWith('queries[qualified]')));
});

test("a query without sql_source reads its type's view; with neither it is a problem", () => {
  const { schema } = compileSchemaJson(blogSchema());
  assert.deepEqual(schema.queries.user?.sqlSource, { name: 'v_user' });
  const document = blogSchema();
  delete (document.types[0] ?? {}).sql_source;
  assertProblem(
    problemsOf(() => compileSchemaJson(document)),
    'queries[user]',
    /no view to read: add "sql_source"/,
  );
});

test('scopes and roles must be well formed', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, {
    requires_scope: ['read posts', 'read:*'],
    requires_role: ['ad min'],
  });
  Object.assign(document.types[0] ?? {}, { requires_role: 'a*' });
  const field = (document.types[0]?.fields as Record<string, unknown>[])[1] ?? {};
  field.requires_scope = 'admin';
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'queries[posts].requires_scope', /"read posts" is not a scope/);
  assertProblem(problems, 'queries[posts].requires_scope', /"read:\*" is not a scope/);
  assertProblem(problems, 'queries[posts].requires_role', /"ad min" is not a role name/);
  assertProblem(problems, 'types[User].requires_role', /"a\*" is not a role name/);
  assertProblem(problems, 'types[User].fields[email].requires_scope', /"admin" is not a scope/);
});

test('inject keys and claims are checked; dotted claim paths are split', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, {
    inject_params: {
      org_id: 'jwt:org.id',
      'bad-key': 'jwt:sub',
      from_header: 'header:x-user',
      no_source: 'sub',
      bad_claim: 'jwt:org..id',
      enriched: { source: 'enrichment', claim: 'tenant' },
    },
  });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'queries[posts].inject_params.bad-key', /must be an SQL identifier/);
  assertProblem(
    problems,
    'queries[posts].inject_params.from_header',
    /"header:x-user" is not a supported inject source/,
  );
  assertProblem(
    problems,
    'queries[posts].inject_params.no_source',
    /"sub" is not a supported inject source/,
  );
  assertProblem(problems, 'queries[posts].inject_params.bad_claim', /does not name a claim/);
  assertProblem(problems, 'queries[posts].inject_params.enriched', /not a supported inject source/);
  assert.ok(!problems.some((problem) => problem.where.endsWith('.org_id')));

  const good = blogSchema();
  Object.assign(good.queries[0] ?? {}, { inject_params: { org_id: 'jwt:org.id' } });
  assert.deepEqual(compileSchemaJson(good).schema.queries.posts?.inject, {
    org_id: { source: 'jwt', path: ['org', 'id'] },
  });
});

test('an inject key that is also an argument (by name or snake_case key) is a problem', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, {
    arguments: [{ name: 'userId', type: 'ID', nullable: true }],
  });
  Object.assign(document.mutations[0] ?? {}, { inject_params: { title: 'jwt:sub' } });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(
    problems,
    'queries[posts].inject_params.user_id',
    /both injected and an argument of query "posts"/,
  );
  // createPost's only argument is a flattened input whose field "title" becomes a parameter.
  assertProblem(
    problems,
    'mutations[createPost].inject_params.title',
    /both injected and an argument/,
  );
});

test('one inject key read from two claims is a problem naming both operations and the key', () => {
  const document = blogSchema();
  const [posts] = document.queries;
  assert.ok(posts !== undefined);
  Object.assign(posts, { inject_params: { user_id: 'jwt:sub' } });
  document.queries.push({ ...posts, name: 'otherPosts', inject_params: { user_id: 'jwt:uid' } });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(
    problems,
    'queries[otherPosts].inject_params.user_id',
    /query "otherPosts" injects user_id from "jwt:uid", but query "posts" injects user_id from "jwt:sub"\. Both become the setting app\.user_id.*Rename the key in one of them \(e\.g\. user_id_uid\)/,
  );

  const mutations = blogSchema();
  const [createPost] = mutations.mutations;
  assert.ok(createPost !== undefined);
  mutations.mutations.push({ ...createPost, name: 'importPost', inject_params: { author_id: 'jwt:uid' } });
  assertProblem(
    problemsOf(() => compileSchemaJson(mutations)),
    'mutations[importPost].inject_params.author_id',
    /mutation "importPost" injects author_id from "jwt:uid", but mutation "createPost" injects author_id from "jwt:sub"/,
  );

  // A query and a mutation never share a request, so they may read a key from different claims.
  const kinds = blogSchema();
  Object.assign(kinds.mutations[0] ?? {}, { inject_params: { user_id: 'jwt:uid' } });
  assert.deepEqual(compileSchemaJson(kinds).schema.mutations.createPost?.inject.user_id?.path, ['uid']);

  const same = blogSchema();
  const [first] = same.queries;
  assert.ok(first !== undefined);
  Object.assign(first, { inject_params: { user_id: 'jwt:sub' } });
  same.queries.push({ ...first, name: 'otherPosts' });
  assert.equal(compileSchemaJson(same).schema.queries.otherPosts?.inject.user_id?.path[0], 'sub');
});

test('inject_defaults apply to operations, the operation winning per key', () => {
  const document = blogSchema();
  document.inject_defaults = {
    base: { tenant_id: 'jwt:tenant_id' },
    queries: { user_id: 'jwt:sub' },
    mutations: { actor_id: 'jwt:sub', author_id: 'jwt:uid' },
  };
  const { schema } = compileSchemaJson(document);
  assert.deepEqual(Object.keys(schema.queries.posts?.inject ?? {}), ['tenant_id', 'user_id']);
  assert.deepEqual(schema.mutations.createPost?.inject.author_id, { source: 'jwt', path: ['sub'] });
  assert.deepEqual(Object.keys(schema.queries.user?.inject ?? {}), ['tenant_id', 'user_id']);
  assert.deepEqual(Object.keys(schema.mutations.createPost?.inject ?? {}), [
    'actor_id',
    'author_id',
    'tenant_id',
  ]);
});

test('public operations cannot require scopes or roles, nor inject claims', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, { public: true });
  document.inject_defaults = { base: { tenant_id: 'jwt:tenant_id' } };
  Object.assign(document.queries[1] ?? {}, { public: true });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'queries[posts].public', /cannot also require a scope or role/);
  assertProblem(
    problems,
    'queries[posts].public',
    /cannot inject token claims \(tenant_id, user_id\)/,
  );
  assertProblem(problems, 'queries[user].public', /cannot inject token claims \(tenant_id\)/);
});

test('duplicate names are problems', () => {
  const document = blogSchema();
  document.types.push({ name: 'User', fields: [{ name: 'id', type: 'ID', nullable: false }] });
  document.enums = [
    { name: 'Post', values: ['A'] },
    { name: 'Status', values: ['A', 'A'] },
  ];
  (document.types[0]?.fields as Record<string, unknown>[]).push(
    { name: 'email', type: 'String', nullable: true },
    { name: 'created_at', type: 'String', nullable: true },
  );
  document.queries.push({
    ...document.queries[1],
    arguments: [
      { name: 'id', type: 'ID', nullable: false },
      { name: 'id', type: 'ID', nullable: false },
    ],
  });
  document.mutations.push({ ...document.mutations[0] });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'types[User]', /already used by an object type/);
  assertProblem(problems, 'enums[Post]', /already used by an object type/);
  assertProblem(problems, 'enums[Status].values[A]', /listed twice/);
  assertProblem(problems, 'types[User].fields[email]', /declared twice/);
  assertProblem(
    problems,
    'types[User].fields[created_at]',
    /"createdAt" and "created_at" both map to the key "created_at"/,
  );
  assertProblem(problems, 'queries[user]', /declared twice/);
  assertProblem(problems, 'mutations[createPost]', /declared twice/);
});

test('names must be GraphQL names and must not shadow built-ins or root types', () => {
  const document = blogSchema();
  document.types.push({ name: 'Query', fields: [{ name: '__x', type: 'ID', nullable: false }] });
  document.custom_scalars = [{ name: 'Email' }, { name: 'Money2' }];
  document.enums = [{ name: 'String', values: ['true'] }];
  document.queries.push({ name: 'my-query', return_type: 'User' });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'types[Query]', /GraphQL root type name/);
  assertProblem(problems, 'types[Query].fields[__x]', /not a GraphQL name/);
  assertProblem(problems, 'enums[String]', /is a built-in scalar/);
  assertProblem(problems, 'queries[my-query]', /not a GraphQL name/);
  assert.ok(!problems.some((problem) => problem.where.startsWith('custom_scalars')));
});

test('return types: list brackets, returns_list and list mutations', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, { return_type: '[Post!]!', returns_list: undefined });
  const { schema, warnings } = compileSchemaJson(document);
  assert.equal(schema.queries.posts?.returnsList, true);
  assert.equal(schema.queries.posts?.returnType, 'Post');
  assert.ok(warnings.some((warning) => /queries\[posts\]\.return_type: the "!"/.test(warning)));

  Object.assign(document.queries[0] ?? {}, { return_type: '[Post]', returns_list: false });
  Object.assign(document.mutations[0] ?? {}, { returns_list: true });
  document.queries.push({ name: 'nested', return_type: '[[Post]]', sql_source: 'v_post' });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'queries[posts].return_type', /is a list but "returns_list" is false/);
  assertProblem(problems, 'queries[nested].return_type', /lists of lists/);
  assertProblem(problems, 'mutations[createPost].returns_list', /returns one object/);
});

test('a trailing "!" is stripped with a warning; nullability comes from nullable', () => {
  const document = blogSchema();
  const field = (document.types[0]?.fields as Record<string, unknown>[])[1] ?? {};
  Object.assign(field, { type: 'String!', nullable: true });
  const { schema, warnings } = compileSchemaJson(document);
  assert.deepEqual(schema.types.User?.fields[1]?.type, {
    kind: 'named',
    name: 'String',
    nullable: true,
  });
  assert.ok(
    warnings.some((warning) => warning.startsWith('types[User].fields[email].type: the "!"')),
  );
  const tags = schema.types.Post?.fields.find((item) => item.name === 'tags');
  assert.deepEqual(tags?.type, {
    kind: 'list',
    of: { kind: 'named', name: 'String', nullable: false },
    nullable: true,
  });
});

test('mask on a non-nullable field, bad operations, defaults and versions are problems', () => {
  const document = blogSchema();
  const salary = (document.types[1]?.fields as Record<string, unknown>[])[4] ?? {};
  salary.nullable = false;
  Object.assign(document.mutations[0] ?? {}, { operation: 'UPSERT' });
  delete (document.mutations[0] ?? {}).sql_source;
  document.mutations.push({
    name: 'rename',
    return_type: 'Post',
    sql_source: 'fn_rename',
    operation: 'update',
    arguments: [
      { name: 'count', type: 'Int', nullable: false, default: 'ten' },
      { name: 'tags', type: '[String!]', nullable: true, default: ['a', null] },
    ],
  });
  document.version = '1.0';
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(
    problems,
    'types[Post].fields[salary].on_deny',
    /not nullable: set "nullable": true or use "reject"/,
  );
  assertProblem(problems, 'mutations[createPost].operation', /"UPSERT" is not an operation/);
  assertProblem(problems, 'mutations[createPost]', /no function to call: add "sql_source"/);
  assertProblem(
    problems,
    'mutations[rename].arguments[count].default',
    /a 32-bit integer is expected/,
  );
  assertProblem(problems, 'mutations[rename].arguments[tags].default', /null is not allowed/);
  assertProblem(problems, 'version', /not supported/);
});

test('update mutations pass JSONB by default; an explicit input_style wins', () => {
  const document = blogSchema();
  document.mutations.push(
    { name: 'updatePost', return_type: 'Post', sql_source: 'fn_update_post', operation: 'UPDATE' },
    {
      name: 'flatUpdate',
      return_type: 'Post',
      sql_source: 'fn_u',
      operation: 'update',
      input_style: 'flatten',
    },
    { name: 'custom', return_type: 'Post', sql_source: 'fn_c' },
  );
  const { schema } = compileSchemaJson(document);
  assert.equal(schema.mutations.updatePost?.inputStyle, 'jsonb');
  assert.equal(schema.mutations.flatUpdate?.inputStyle, 'flatten');
  assert.equal(schema.mutations.custom?.operation, 'custom');
  assert.equal(schema.mutations.createPost?.inputStyle, 'flatten');
});

test('every problem is collected in one run', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, { return_type: 'Nope', sql_source: 'x y' });
  Object.assign(document.mutations[0] ?? {}, { requires_scope: 'bad scope', operation: 'X' });
  (document.types[0]?.fields as Record<string, unknown>[]).push({
    name: 'z',
    type: 'Zed',
    nullable: true,
  });
  const problems = problemsOf(() => compileSchemaJson(document));
  assert.ok(problems.length >= 5, JSON.stringify(problems));
  const error = (() => {
    try {
      compileSchemaJson(document);
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  assert.ok(error instanceof Error);
  assert.match(error.message, /The schema cannot be compiled \(\d+ problems\):\n {2}- /);
});

test('warnings: a list without limit, a single query without arguments', () => {
  const document = blogSchema();
  Object.assign(document.queries[0] ?? {}, { auto_params: { limit: false } });
  document.queries.push({ name: 'anyUser', return_type: 'User' });
  const { warnings } = compileSchemaJson(document);
  assert.ok(
    warnings.some((warning) => /^queries\[posts\]: the list has no limit argument/.test(warning)),
  );
  assert.ok(warnings.some((warning) => /^queries\[anyUser\]: .*arbitrary first row/.test(warning)));
});

test('the content hash is stable across key order and changes with content', () => {
  const document = blogSchema();
  const reordered = JSON.parse(
    JSON.stringify(document, (_key, value: unknown) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ),
  ) as unknown;
  assert.notEqual(JSON.stringify(reordered), JSON.stringify(document));
  const first = compileSchemaJson(document).schema;
  const second = compileSchemaJson(reordered).schema;
  assert.equal(first.contentHash, second.contentHash);
  assert.equal(computeContentHash(first), first.contentHash);

  Object.assign(document.queries[0] ?? {}, { requires_scope: 'read:other' });
  assert.notEqual(compileSchemaJson(document).schema.contentHash, first.contentHash);
});

test('a non-null relation to an object type gets one note; the compiled type keeps its declaration', () => {
  const document = blogSchema();
  const user = document.types[0] ?? {};
  (user.fields as Record<string, unknown>[]).push(
    { name: 'latestPost', type: 'Post', nullable: true },
    { name: 'posts', type: '[Post!]', nullable: false },
  );
  const { schema, notes, warnings } = compileSchemaJson(document);
  assert.deepEqual(notes, [
    'types[Post].fields[author].type: Post.author is served as nullable: row-level security may ' +
      'hide the related row, and the view then returns null for it. Declare it nullable ("User" ' +
      'without "!", or "nullable": true in schema.json) to match.',
  ]);
  assert.ok(!warnings.some((warning) => warning.includes('served as nullable')));
  const author = schema.types.Post?.fields.find((field) => field.name === 'author');
  assert.deepEqual(author?.type, { kind: 'named', name: 'User', nullable: false });
});
