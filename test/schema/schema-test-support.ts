import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { SchemaCompileError, type SchemaProblem } from '../../src/schema/schema-compile-error.ts';

/** FraiseQL's own schema.json files, kept unmodified in the shared fixtures. */
export const FRAISEQL_FIXTURES = '/work/shared/fixtures/fraiseql-sdk';

/** Every `*.json` schema under the FraiseQL fixtures, as [relative path, parsed JSON]. */
export function fraiseqlFixtures(): [string, unknown][] {
  const found: [string, unknown][] = [];
  for (const folder of ['basic', 'conformance', 'golden']) {
    for (const file of readdirSync(join(FRAISEQL_FIXTURES, folder))) {
      if (!file.endsWith('.json')) continue;
      const path = join(folder, file);
      found.push([
        path,
        JSON.parse(readFileSync(join(FRAISEQL_FIXTURES, path), 'utf8')) as unknown,
      ]);
    }
  }
  return found;
}

/** Reads one fixture as parsed JSON. */
export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FRAISEQL_FIXTURES, path), 'utf8')) as Record<string, unknown>;
}

/** Runs `action`, which must throw a SchemaCompileError, and returns its problems. */
export function problemsOf(action: () => unknown): readonly SchemaProblem[] {
  try {
    action();
  } catch (error) {
    if (error instanceof SchemaCompileError) return error.problems;
    throw error;
  }
  return assert.fail('expected a SchemaCompileError');
}

/** Asserts one problem is at `where` and its message matches `message`. */
export function assertProblem(
  problems: readonly SchemaProblem[],
  where: string,
  message: RegExp,
): void {
  const found = problems.find(
    (problem) => problem.where === where && message.test(problem.message),
  );
  assert.ok(
    found,
    `no problem at ${where} matching ${String(message)}; got ${JSON.stringify(problems, null, 2)}`,
  );
}

/** A small valid schema.json with two types, list and single queries and a mutation. */
export function blogSchema(): {
  types: Record<string, unknown>[];
  input_types: Record<string, unknown>[];
  queries: Record<string, unknown>[];
  mutations: Record<string, unknown>[];
  [key: string]: unknown;
} {
  return {
    version: '2.0.0',
    types: [
      {
        name: 'User',
        sql_source: 'v_user',
        fields: [
          { name: 'id', type: 'ID', nullable: false },
          { name: 'email', type: 'String', nullable: false },
          { name: 'createdAt', type: 'DateTime', nullable: false },
        ],
      },
      {
        name: 'Post',
        sql_source: 'v_post',
        fields: [
          { name: 'id', type: 'ID', nullable: false },
          { name: 'title', type: 'String', nullable: false },
          { name: 'tags', type: '[String!]', nullable: true },
          { name: 'author', type: 'User', nullable: false },
          {
            name: 'salary',
            type: 'Float',
            nullable: true,
            requires_scope: 'read:salary',
            on_deny: 'mask',
          },
        ],
      },
    ],
    input_types: [
      {
        name: 'CreatePostInput',
        fields: [
          { name: 'title', type: 'String', nullable: false },
          { name: 'authorNote', type: 'String' },
        ],
      },
    ],
    queries: [
      {
        name: 'posts',
        return_type: 'Post',
        returns_list: true,
        nullable: false,
        sql_source: 'v_post',
        arguments: [],
        requires_scope: 'read:posts',
        inject_params: { user_id: 'jwt:sub' },
      },
      {
        name: 'user',
        return_type: 'User',
        returns_list: false,
        nullable: true,
        arguments: [{ name: 'id', type: 'ID', nullable: false }],
      },
    ],
    mutations: [
      {
        name: 'createPost',
        return_type: 'Post',
        nullable: false,
        sql_source: 'fn_create_post',
        operation: 'CREATE',
        arguments: [{ name: 'input', type: 'CreatePostInput', nullable: false }],
        inject_params: { author_id: { source: 'jwt', claim: 'sub' } },
        requires_scope: 'write:posts',
      },
    ],
  };
}
