import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  enumType,
  inputType,
  mutation,
  objectType,
  query,
  SchemaAuthoringError,
  type,
} from '../../src/index.ts';

/** Asserts `action` throws a SchemaAuthoringError whose message matches `message`. */
function assertAuthoringError(action: () => unknown, message: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof SchemaAuthoringError, String(error));
    assert.match(error.message, message);
    return true;
  });
}

test('type strings: "!" marks non-null, brackets lists; bad strings are refused', () => {
  const Post = type('Post', {
    fields: { id: 'ID!', tags: '[String!]', matrix: '[[Int!]!]!', note: 'String' },
  });
  assert.deepEqual(Post.json.fields, [
    { name: 'id', type: 'ID', nullable: false },
    { name: 'tags', type: '[String!]', nullable: true },
    { name: 'matrix', type: '[[Int!]!]', nullable: false },
    { name: 'note', type: 'String', nullable: true },
  ]);
  assertAuthoringError(
    () => type('Post', { fields: { id: 'ID!!' } }),
    /type "Post" field "id": "ID!!" is not a GraphQL type/,
  );
  assertAuthoringError(() => type('Post', { fields: { id: '[ID' } }), /is not a GraphQL type/);
  assertAuthoringError(
    () => type('Post', { fields: { id: 42 as unknown as string } }),
    /write a type string such as "String!", or \{ type, ... \}/,
  );
});

test('objectType is the same function as type', () => {
  assert.equal(objectType, type);
  assert.equal(objectType('Tag', { fields: { id: 'ID!' } }).name, 'Tag');
});

test('unknown options are refused with a suggestion', () => {
  assertAuthoringError(
    () =>
      type('Post', { fields: { id: 'ID!' }, sqlsource: 'v_post' } as unknown as Parameters<
        typeof type
      >[1]),
    /type "Post": unknown option "sqlsource". Did you mean "sqlSource"\?/,
  );
  assertAuthoringError(
    () =>
      query('posts', { returns: '[Post!]!', requireScope: 'read:posts' } as unknown as Parameters<
        typeof query
      >[1]),
    /query "posts": unknown option "requireScope". Did you mean "requiresScope"\?/,
  );
  assertAuthoringError(
    () => type('Post', { fields: { id: { type: 'ID!', scope: 'x:y' } as unknown as string } }),
    /field "id": unknown option "scope"/,
  );
});

test('names must be GraphQL names', () => {
  assertAuthoringError(
    () => type('my-type', { fields: { id: 'ID!' } }),
    /"my-type" is not a GraphQL name/,
  );
  assertAuthoringError(
    () => type('Post', { fields: { __id: 'ID!' } }),
    /"__id" is not a GraphQL name/,
  );
  assertAuthoringError(
    () => query('2posts', { returns: 'Post' }),
    /"2posts" is not a GraphQL name/,
  );
});

test('inject: keys are identifiers, sources are jwt claims with dotted paths', () => {
  const posts = query('posts', {
    returns: '[Post!]!',
    inject: { org_id: 'jwt:org.id', user_id: 'jwt:sub' },
  });
  assert.deepEqual(posts.json.inject_params, { org_id: 'jwt:org.id', user_id: 'jwt:sub' });
  assertAuthoringError(
    () => query('posts', { returns: 'Post', inject: { user_id: 'header:x-user' } }),
    /inject "user_id": "header:x-user" is not a supported inject source/,
  );
  assertAuthoringError(
    () => query('posts', { returns: 'Post', inject: { user_id: 'jwt:' } }),
    /"jwt:" does not name a claim/,
  );
  assertAuthoringError(
    () => query('posts', { returns: 'Post', inject: { 'user id': 'jwt:sub' } }),
    /inject key "user id" must be an SQL identifier/,
  );
  assertAuthoringError(
    () =>
      query('posts', { returns: 'Post', args: { user_id: 'ID' }, inject: { user_id: 'jwt:sub' } }),
    /"user_id" is both injected and an argument/,
  );
});

test('scopes and roles: one stays a string, several a list; bad ones are refused', () => {
  const one = query('posts', {
    returns: '[Post!]!',
    requiresScope: 'read:posts',
    requiresRole: ['admin'],
  });
  assert.equal(one.json.requires_scope, 'read:posts');
  assert.equal(one.json.requires_role, 'admin');
  const two = query('posts', { returns: '[Post!]!', requiresScope: ['read:posts', 'read:drafts'] });
  assert.deepEqual(two.json.requires_scope, ['read:posts', 'read:drafts']);
  assertAuthoringError(
    () => query('posts', { returns: 'Post', requiresScope: 'read posts' }),
    /"read posts" is not a scope/,
  );
  assertAuthoringError(
    () => query('posts', { returns: 'Post', requiresRole: 'a b' }),
    /"a b" is not a role name/,
  );
  assertAuthoringError(
    () => type('Post', { fields: { salary: { type: 'Float', requiresScope: 'salary' } } }),
    /"salary" is not a scope/,
  );
});

test('public operations cannot require scopes or roles, nor inject', () => {
  assertAuthoringError(
    () => query('posts', { returns: '[Post!]!', public: true, requiresScope: 'read:posts' }),
    /a public operation cannot also require a scope or role, or inject/,
  );
  assertAuthoringError(
    () =>
      mutation('vote', {
        returns: 'Post!',
        sqlSource: 'fn_vote',
        public: true,
        inject: { user_id: 'jwt:sub' },
      }),
    /a public operation cannot/,
  );
  assertAuthoringError(
    () => query('posts', { returns: 'Post', public: 'yes' as unknown as boolean }),
    /"public" must be true or false/,
  );
});

test('onDeny needs a scope and is reject or mask', () => {
  assertAuthoringError(
    () => type('Post', { fields: { salary: { type: 'Float', onDeny: 'mask' } } }),
    /"onDeny" needs "requiresScope"/,
  );
  assertAuthoringError(
    () =>
      type('Post', {
        fields: { salary: { type: 'Float', requiresScope: 'a:b', onDeny: 'hide' as 'mask' } },
      }),
    /"onDeny" must be "reject" or "mask"/,
  );
});

test('returns: brackets mean a list, returnsList may not contradict them', () => {
  assert.deepEqual(
    { ...query('posts', { returns: 'Post', returnsList: true }).json },
    { name: 'posts', return_type: 'Post', returns_list: true, nullable: true, arguments: [] },
  );
  assertAuthoringError(
    () => query('posts', { returns: '[Post!]!', returnsList: false }),
    /"returns" is a list but "returnsList" is false/,
  );
  assertAuthoringError(() => query('grid', { returns: '[[Post]]' }), /list of lists/);
});

test('SQL names are checked where they are written', () => {
  assertAuthoringError(
    () => type('Post', { sqlSource: 'v post', fields: { id: 'ID!' } }),
    /sqlSource "v post" must be an SQL name/,
  );
  assertAuthoringError(
    () => query('posts', { returns: 'Post', jsonbColumn: 'a.b' }),
    /jsonbColumn "a.b" must be a column name/,
  );
  assert.equal(
    query('posts', { returns: '[Post!]!', sqlSource: 'blog.v_post' }).json.sql_source,
    'blog.v_post',
  );
});

test('mutations need a function and a known operation; inputStyle is checked', () => {
  assertAuthoringError(
    () => mutation('createPost', { returns: 'Post!' } as unknown as Parameters<typeof mutation>[1]),
    /"sqlSource" \(the function to call\) is required/,
  );
  assertAuthoringError(
    () =>
      mutation('createPost', {
        returns: 'Post!',
        sqlSource: 'fn_x',
        operation: 'UPSERT' as 'CUSTOM',
      }),
    /"operation" must be one of CREATE, INSERT, UPDATE, DELETE, CUSTOM/,
  );
  const update = mutation('updatePost', {
    returns: 'Post!',
    sqlSource: 'fn_update_post',
    operation: 'UPDATE',
    inputStyle: 'jsonb',
    args: { input: { type: 'UpdatePostInput!', description: 'the patch' } },
  });
  assert.deepEqual(update.json, {
    name: 'updatePost',
    return_type: 'Post',
    returns_list: false,
    nullable: false,
    sql_source: 'fn_update_post',
    arguments: [
      { name: 'input', type: 'UpdatePostInput', nullable: false, description: 'the patch' },
    ],
    operation: 'UPDATE',
    input_style: 'jsonb',
  });
});

test('enums and input types', () => {
  const status = enumType(
    'Status',
    { DRAFT: { description: 'not yet public' }, LIVE: {} },
    { description: 'state' },
  );
  assert.deepEqual(status.json, {
    name: 'Status',
    values: [{ name: 'DRAFT', description: 'not yet public' }, { name: 'LIVE' }],
    description: 'state',
  });
  assertAuthoringError(() => enumType('Status', []), /list at least one value/);
  assertAuthoringError(() => enumType('Status', ['not-a-name']), /is not a GraphQL name/);

  const input = inputType('CreatePostInput', {
    fields: { title: 'String!', draft: { type: 'Boolean', default: true } },
  });
  assert.deepEqual(input.json.fields, [
    { name: 'title', type: 'String', nullable: false },
    { name: 'draft', type: 'Boolean', nullable: true, default: true },
  ]);
  assertAuthoringError(
    () => inputType('Empty', { fields: {} }),
    /"fields" must list at least one field/,
  );
});

test('declarations are frozen', () => {
  const Post = type('Post', { fields: { id: 'ID!' } });
  assert.ok(Object.isFrozen(Post));
});
