/**
 * The GraphQL schema served and introspected: a relation to another object type is nullable
 * whatever its declaration (row-level security may hide the related row); scalars, enums and
 * lists keep the declared nullability.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GraphQLObjectType, isNonNullType, printType } from 'graphql';

import { buildGraphQLSchema } from '../../src/graphql/build-graphql-schema.ts';
import { compileSchemaJson } from '../../src/schema/compile-schema.ts';
import { blogSchema } from '../schema/schema-test-support.ts';

test('a non-null relation is served nullable; scalars and lists keep their declaration', () => {
  const document = blogSchema();
  (document.types[0]?.fields as Record<string, unknown>[]).push({
    name: 'posts',
    type: '[Post!]',
    nullable: false,
  });
  const served = buildGraphQLSchema(compileSchemaJson(document).schema);

  const post = served.getType('Post');
  assert.ok(post instanceof GraphQLObjectType);
  const fields = post.getFields();
  assert.equal(String(fields.author?.type), 'User');
  assert.equal(isNonNullType(fields.id?.type), true);
  assert.equal(String(fields.title?.type), 'String!');

  const user = served.getType('User');
  assert.ok(user instanceof GraphQLObjectType);
  assert.equal(String(user.getFields().posts?.type), '[Post!]!');
  assert.match(printType(post), /\n {2}author: User\n/);
});
