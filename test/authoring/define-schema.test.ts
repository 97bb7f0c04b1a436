import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  compileSchemaJson,
  defineSchema,
  mutation,
  parseSchemaJson,
  query,
  SchemaAuthoringError,
  SchemaCompileError,
  type,
} from '../../src/index.ts';
import { fixture } from '../schema/schema-test-support.ts';
import {
  fullSchema,
  golden01Schema,
  golden05Schema,
  golden06Schema,
  minimalSchema,
} from './conformance-schemas.ts';

function blog() {
  const User = type('User', { sqlSource: 'v_user', fields: { id: 'ID!', email: 'String!' } });
  const Post = type('Post', {
    sqlSource: 'v_post',
    fields: {
      id: 'ID!',
      title: 'String!',
      body: 'String',
      tags: '[String!]',
      author: 'User!',
      salary: { type: 'Float', requiresScope: 'read:salary', onDeny: 'mask' },
    },
  });
  return defineSchema({
    types: [User, Post],
    queries: [
      query('publicPosts', { returns: '[Post!]!', sqlSource: 'v_public_post', public: true }),
      query('posts', {
        returns: '[Post!]!',
        sqlSource: 'v_post',
        requiresScope: 'read:posts',
        inject: { user_id: 'jwt:sub' },
      }),
      query('userByEmail', { returns: 'User', sqlSource: 'v_user', args: { email: 'String!' } }),
    ],
    mutations: [
      mutation('createPost', {
        returns: 'Post!',
        sqlSource: 'fn_create_post',
        args: { title: 'String!', body: 'String!' },
        inject: { author_id: 'jwt:sub' },
        requiresScope: 'write:posts',
      }),
    ],
  });
}

test('the blog example writes snake_case schema.json that compiles', () => {
  const json = blog().toSchemaJson();
  const post = json.types[1];
  assert.deepEqual(post?.fields[3], { name: 'tags', type: '[String!]', nullable: true });
  assert.deepEqual(post?.fields[5], {
    name: 'salary',
    type: 'Float',
    nullable: true,
    requires_scope: 'read:salary',
    on_deny: 'mask',
  });
  assert.deepEqual(json.queries[0], {
    name: 'publicPosts',
    return_type: 'Post',
    returns_list: true,
    nullable: false,
    arguments: [],
    sql_source: 'v_public_post',
    public: true,
  });

  const { schema } = compileSchemaJson(json);
  assert.deepEqual(schema.queries.posts?.inject, { user_id: { source: 'jwt', path: ['sub'] } });
  assert.deepEqual(schema.queries.posts?.access, {
    public: false,
    requiresScope: ['read:posts'],
    requiresRole: [],
    requiresPermission: [],
  });
  assert.equal(schema.queries.publicPosts?.access.public, true);
  assert.deepEqual(schema.queries.userByEmail?.arguments[0]?.type, {
    kind: 'named',
    name: 'String',
    nullable: false,
  });
  assert.deepEqual(schema.mutations.createPost?.access.requiresScope, ['write:posts']);
  assert.deepEqual(schema.types.Post?.fields[5]?.access, {
    requiresScope: ['read:salary'],
    onDeny: 'mask',
  });
});

test('conformance/minimal.json is reproduced exactly', () => {
  assert.deepEqual(minimalSchema().toSchemaJson(), fixture('conformance/minimal.json'));
});

test('conformance/full.json is reproduced exactly', () => {
  assert.deepEqual(fullSchema().toSchemaJson(), fixture('conformance/full.json'));
});

test('golden/01, golden/05 and golden/06 are reproduced as equivalent IR', () => {
  const cases = [
    [golden01Schema(), 'golden/01-basic-query-mutation.json'],
    [golden05Schema(), 'golden/05-security-inject-cache.json'],
    [golden06Schema(), 'golden/06-tenant-scoped.json'],
  ] as const;
  for (const [authored, path] of cases) {
    // The golden files carry no "version"; ours always says 2.0.0. Everything else must match.
    const { version, ...withoutVersion } = authored.toSchemaJson();
    assert.equal(version, '2.0.0');
    const ours = parseSchemaJson(withoutVersion);
    const theirs = parseSchemaJson(fixture(path));
    assert.deepEqual(ours, theirs, path);
    assert.equal(
      compileSchemaJson(authored.toSchemaJson()).schema.contentHash,
      compileSchemaJson(fixture(path)).schema.contentHash,
      path,
    );
  }
});

test('a query without sqlSource gets the view of the type it returns', () => {
  const User = type('User', { sqlSource: 'v_user', fields: { id: 'ID!' } });
  const json = defineSchema({
    types: [User],
    queries: [query('users', { returns: '[User!]!' })],
  }).toSchemaJson();
  assert.equal(json.queries[0]?.sql_source, 'v_user');
});

test('toSchemaJson returns a fresh copy each time', () => {
  const schema = minimalSchema();
  const first = schema.toSchemaJson();
  first.types = [];
  assert.equal(schema.toSchemaJson().types.length, 1);
});

test('writeSchemaJson writes a file that parses back to the same document', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fraiseql-authoring-'));
  try {
    const path = join(dir, 'schema.json');
    await fullSchema().writeSchemaJson(path);
    const text = await readFile(path, 'utf8');
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(JSON.parse(text), fixture('conformance/full.json'));
    assert.doesNotThrow(() => compileSchemaJson(text));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('defineSchema runs the compiler checks and lists every problem', () => {
  const Post = type('Post', { sqlSource: 'v_post', fields: { id: 'ID!', author: 'Usr!' } });
  assert.throws(
    () =>
      defineSchema({
        types: [Post],
        queries: [
          query('posts', {
            returns: '[Post!]!',
            args: { userId: 'ID' },
            inject: { user_id: 'jwt:sub' },
          }),
        ],
      }),
    (error: unknown) => {
      assert.ok(error instanceof SchemaCompileError);
      assert.match(error.message, /^defineSchema: the schema is not valid/);
      const wheres = error.problems.map((problem) => problem.where);
      assert.ok(wheres.includes('types[Post].fields[author].type'));
      assert.ok(wheres.includes('queries[posts].inject_params.user_id'));
      return true;
    },
  );
});

test('defineSchema refuses duplicates, foreign objects and unknown options', () => {
  const User = type('User', { sqlSource: 'v_user', fields: { id: 'ID!' } });
  assert.throws(() => defineSchema({ types: [User, User] }), /types declares "User" twice/);
  const users = query('users', { returns: '[User!]!' });
  assert.throws(
    () => defineSchema({ types: [User], queries: [User as unknown as typeof users] }),
    /queries\[0\] is not a query declaration; create it with query\(\)/,
  );
  assert.throws(
    () =>
      defineSchema({ types: [User], querys: [users] } as unknown as Parameters<
        typeof defineSchema
      >[0]),
    (error: unknown) =>
      error instanceof SchemaAuthoringError &&
      /unknown option "querys". Did you mean "queries"\?/.test(error.message),
  );
});

test('inject defaults, query defaults and naming convention are written', () => {
  const User = type('User', { sqlSource: 'v_user', fields: { id: 'ID!', tenantId: 'ID!' } });
  const json = defineSchema({
    types: [User],
    queries: [query('users', { returns: '[User!]!' })],
    namingConvention: 'camelCase',
    queryDefaults: { offset: false },
    injectDefaults: { base: { tenant_id: 'jwt:tenant_id' } },
  }).toSchemaJson();
  assert.equal(json.naming_convention, 'camelCase');
  assert.deepEqual(json.query_defaults, { offset: false });
  assert.deepEqual(json.inject_defaults, { base: { tenant_id: 'jwt:tenant_id' } });
  const { schema } = compileSchemaJson(json);
  assert.equal(schema.queries.users?.autoParams.offset, false);
  assert.deepEqual(schema.queries.users?.inject, {
    tenant_id: { source: 'jwt', path: ['tenant_id'] },
  });
});

test('tenantScoped writes tenant_scoped; operations returning the type inject tenant_id', () => {
  const Invoice = type('Invoice', {
    sqlSource: 'v_invoice',
    fields: { id: 'ID!', amount: 'Float!' },
    tenantScoped: true,
  });
  const Note = type('Note', { sqlSource: 'v_note', fields: { id: 'ID!' }, tenantScoped: false });
  const schema = defineSchema({
    types: [Invoice, Note],
    queries: [
      query('invoices', { returns: '[Invoice!]!' }),
      query('notes', { returns: '[Note!]!' }),
    ],
    mutations: [
      mutation('addInvoice', {
        returns: 'Invoice!',
        sqlSource: 'fn_add_invoice',
        args: { amount: 'Float!' },
      }),
    ],
  });
  const json = schema.toSchemaJson();
  assert.equal(json.types[0]?.tenant_scoped, true);
  assert.equal('tenant_scoped' in (json.types[1] ?? {}), false);

  const compiled = compileSchemaJson(json);
  const fromTenantClaim = { tenant_id: { source: 'jwt', path: ['tenant_id'] } };
  assert.deepEqual(compiled.schema.queries.invoices?.inject, fromTenantClaim);
  assert.deepEqual(compiled.schema.mutations.addInvoice?.inject, fromTenantClaim);
  assert.deepEqual(compiled.schema.queries.notes?.inject, {});
  assert.deepEqual(compiled.ignoredKeys, []);

  assert.throws(
    () => type('Bad', { fields: { id: 'ID!' }, tenantScoped: 'yes' as unknown as boolean }),
    (error: unknown) =>
      error instanceof SchemaAuthoringError &&
      /"tenantScoped" must be true or false/.test(error.message),
  );
  // A public query cannot return a tenant-scoped type: anonymous callers have no tenant.
  assert.throws(
    () =>
      defineSchema({
        types: [Invoice],
        queries: [query('open', { returns: '[Invoice!]!', public: true })],
      }),
    (error: unknown) =>
      error instanceof SchemaCompileError &&
      error.problems.some((problem) =>
        /cannot return "Invoice", which is tenant_scoped/.test(problem.message),
      ),
  );
});
