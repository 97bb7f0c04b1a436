/**
 * `requiresPermission` from authoring to the compiled schema: the TypeScript option writes
 * `requires_permission`, the compiler turns it into `OperationAccess.requiresPermission`,
 * refuses it on a public operation and refuses misspellings, and the compiled file's shape
 * checks it again.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { mutation } from '../../src/authoring/mutation.ts';
import { query } from '../../src/authoring/query.ts';
import { SchemaAuthoringError } from '../../src/authoring/schema-authoring-error.ts';
import { compileSchemaJson } from '../../src/schema/compile-schema.ts';
import { loadCompiledSchema } from '../../src/schema/load-compiled-schema.ts';
import { computeContentHash } from '../../src/schema/content-hash.ts';
import { assertProblem, blogSchema, problemsOf } from '../schema/schema-test-support.ts';

describe('authoring requiresPermission', () => {
  test('one permission stays a string, several a list', () => {
    assert.equal(
      query('reports', { returns: '[Post!]!', requiresPermission: 'read:reports' }).json.requires_permission,
      'read:reports',
    );
    assert.deepEqual(
      mutation('publish', { returns: 'Post!', sqlSource: 'fn_publish', requiresPermission: ['a:b', 'c.d'] }).json
        .requires_permission,
      ['a:b', 'c.d'],
    );
  });

  test('names with spaces or "*" are refused, as is a public operation requiring one', () => {
    assert.throws(
      () => query('reports', { returns: '[Post!]!', requiresPermission: 'read reports' }),
      (error: unknown) => error instanceof SchemaAuthoringError && /requiresPermission "read reports" is not a permission name/.test(error.message),
    );
    assert.throws(
      () => query('reports', { returns: '[Post!]!', requiresPermission: 'read:*' }),
      SchemaAuthoringError,
    );
    assert.throws(
      () => query('reports', { returns: '[Post!]!', public: true, requiresPermission: 'read:reports' }),
      (error: unknown) => error instanceof SchemaAuthoringError && /public operation cannot also require a permission/.test(error.message),
    );
  });
});

describe('compiling requires_permission', () => {
  test('it becomes access.requiresPermission, deduplicated; absent means none', () => {
    const json = blogSchema();
    Object.assign(json.queries[0] ?? {}, { requires_permission: ['read:reports', 'read:reports', 'export:reports'] });
    Object.assign(json.mutations[0] ?? {}, { requires_permission: 'write:reports' });
    const { schema } = compileSchemaJson(json);
    assert.deepEqual(schema.queries.posts?.access.requiresPermission, ['read:reports', 'export:reports']);
    assert.deepEqual(schema.mutations.createPost?.access.requiresPermission, ['write:reports']);
    assert.deepEqual(schema.queries.user?.access.requiresPermission, []);
  });

  test('public with a permission, and bad names, are compile errors', () => {
    const json = blogSchema();
    Object.assign(json.queries[1] ?? {}, { public: true, requires_permission: 'read:users' });
    Object.assign(json.queries[0] ?? {}, { requires_permission: ['has space'] });
    const problems = problemsOf(() => compileSchemaJson(json));
    assertProblem(problems, 'queries[user].public', /cannot also require a permission/);
    assertProblem(problems, 'queries[posts].requires_permission', /"has space" is not a permission name/);
  });

  test('misspelt keys are refused, never ignored (the operation would be open)', () => {
    for (const key of ['requiresPermission', 'requires_permissions', 'permissions', 'permission']) {
      const json = blogSchema();
      Object.assign(json.queries[0] ?? {}, { [key]: 'read:reports' });
      const problems = problemsOf(() => compileSchemaJson(json));
      assertProblem(problems, `queries[posts].${key}`, /requires_permission/);
    }
    const onType = blogSchema();
    Object.assign(onType.types[0] ?? {}, { requires_permission: 'read:users' });
    assertProblem(problemsOf(() => compileSchemaJson(onType)), 'types[User].requires_permission', /queries and mutations/);
  });

  test('the compiled file is checked again: a bad name or a missing key is refused', () => {
    const { schema } = compileSchemaJson(blogSchema());
    const tampered = structuredClone(schema) as unknown as {
      queries: Record<string, { access: Record<string, unknown> }>;
      contentHash: string;
    };
    const access = tampered.queries.posts?.access ?? {};
    access.requiresPermission = ['read *'];
    tampered.contentHash = computeContentHash(tampered as never);
    assertProblem(problemsOf(() => loadCompiledSchema(tampered)), 'queries.posts.access.requiresPermission.0', /permission name/);

    delete access.requiresPermission;
    assert.ok(problemsOf(() => loadCompiledSchema(tampered)).some((problem) => problem.where.endsWith('requiresPermission')));
  });
});
