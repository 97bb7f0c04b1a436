import { z } from 'zod';

import { isValidPermission, isValidRole, isValidScope } from './access-format.ts';
import type {
  CompiledArgument,
  CompiledEnum,
  CompiledField,
  CompiledInputType,
  CompiledMutation,
  CompiledObjectType,
  CompiledQuery,
  CompiledSchema,
  IgnoredKey,
  InjectSource,
  OperationAccess,
  QualifiedName,
  TypeRef,
} from './compiled-schema.ts';
import { isSqlIdentifier } from './sql-identifier.ts';

/**
 * The compiled schema file as zod schemas. Every object is strict and every SQL name is checked
 * again: the file is the source of all identifiers that reach SQL, and it may have been edited
 * by hand since it was compiled.
 */

const graphqlName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'must be a GraphQL name');
const identifier = z.string().refine(isSqlIdentifier, 'must be an SQL identifier');
const optionalText = z.string().optional();

const qualifiedName: z.ZodType<QualifiedName> = z.strictObject({
  schema: identifier.optional(),
  name: identifier,
});

const typeRef: z.ZodType<TypeRef> = z.lazy(() =>
  z.union([
    z.strictObject({ kind: z.literal('named'), name: graphqlName, nullable: z.boolean() }),
    z.strictObject({ kind: z.literal('list'), of: typeRef, nullable: z.boolean() }),
  ]),
);

const scopes = z.array(z.string().refine(isValidScope, 'must be a scope such as read:posts'));
const roles = z.array(z.string().refine(isValidRole, 'must be a role name'));
const permissions = z.array(z.string().refine(isValidPermission, 'must be a permission name'));

const field: z.ZodType<CompiledField> = z.strictObject({
  name: graphqlName,
  storageKey: identifier,
  type: typeRef,
  description: optionalText,
  access: z.strictObject({ requiresScope: scopes, onDeny: z.enum(['reject', 'mask']) }),
});

const objectType: z.ZodType<CompiledObjectType> = z.strictObject({
  name: graphqlName,
  description: optionalText,
  sqlSource: qualifiedName.optional(),
  fields: z.array(field),
  requiresRole: roles,
  isError: z.boolean(),
  tenantScoped: z.literal(true).optional(),
});

const enumType: z.ZodType<CompiledEnum> = z.strictObject({
  name: graphqlName,
  description: optionalText,
  values: z.array(z.strictObject({ name: graphqlName, description: optionalText })),
});

const argument: z.ZodType<CompiledArgument> = z.strictObject({
  name: graphqlName,
  storageKey: identifier,
  type: typeRef,
  description: optionalText,
  defaultValue: z.json().optional(),
});

const inputType: z.ZodType<CompiledInputType> = z.strictObject({
  name: graphqlName,
  description: optionalText,
  fields: z.array(argument),
});

const injectSource: z.ZodType<InjectSource> = z.strictObject({
  source: z.literal('jwt'),
  path: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a claim name')).min(1),
});

const inject = z.record(identifier, injectSource, {
  error: (issue) =>
    issue.code === 'invalid_key' ? 'inject keys must be SQL identifiers' : undefined,
});

const access: z.ZodType<OperationAccess> = z.strictObject({
  public: z.boolean(),
  requiresScope: scopes,
  requiresRole: roles,
  requiresPermission: permissions,
});

const operation = {
  name: graphqlName,
  description: optionalText,
  returnType: graphqlName,
  returnsList: z.boolean(),
  nullable: z.boolean(),
  arguments: z.array(argument),
  inject,
  access,
};

const query: z.ZodType<CompiledQuery> = z.strictObject({
  ...operation,
  sqlSource: qualifiedName,
  jsonbColumn: identifier,
  autoParams: z.strictObject({
    where: z.boolean(),
    orderBy: z.boolean(),
    limit: z.boolean(),
    offset: z.boolean(),
  }),
});

const mutation: z.ZodType<CompiledMutation> = z.strictObject({
  ...operation,
  sqlFunction: qualifiedName,
  operation: z.enum(['insert', 'update', 'delete', 'custom']),
  inputStyle: z.enum(['flatten', 'jsonb']),
});

const ignoredKey: z.ZodType<IgnoredKey> = z.strictObject({ path: z.string(), reason: z.string() });

/** The whole compiled file. */
export const compiledSchemaShape: z.ZodType<CompiledSchema> = z.strictObject({
  formatVersion: z.literal(1, {
    error:
      'this file was compiled by another version of fraiseql-ts: run "fraiseql-ts compile" again',
  }),
  contentHash: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex characters'),
  namingConvention: z.enum(['preserve', 'camelCase']),
  types: z.record(z.string(), objectType),
  enums: z.record(z.string(), enumType),
  inputTypes: z.record(z.string(), inputType),
  customScalars: z.array(graphqlName),
  queries: z.record(z.string(), query),
  mutations: z.record(z.string(), mutation),
  ignoredKeys: z.array(ignoredKey),
  schemaJsonHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 hex characters')
    .optional(),
});
