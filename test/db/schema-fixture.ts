/**
 * Small builders for compiled schemas in the database layer's tests, so each test states only
 * what it checks.
 */
import type {
  CompiledArgument,
  CompiledInputType,
  CompiledMutation,
  CompiledObjectType,
  CompiledQuery,
  CompiledSchema,
  InjectSource,
  TypeRef,
} from '../../src/schema/compiled-schema.ts';

export const named = (name: string, nullable = false): TypeRef => ({
  kind: 'named',
  name,
  nullable,
});

export const fromJwt = (...path: string[]): InjectSource => ({ source: 'jwt', path });

export function argument(storageKey: string, type: TypeRef = named('String')): CompiledArgument {
  return { name: storageKey, storageKey, type };
}

const ACCESS = { public: false, requiresScope: [], requiresRole: [], requiresPermission: [] };

export function query(
  name: string,
  source: string,
  extra: Partial<Omit<CompiledQuery, 'name' | 'sqlSource'>> = {},
): CompiledQuery {
  return {
    name,
    returnType: 'Post',
    returnsList: true,
    nullable: false,
    sqlSource: { name: source },
    jsonbColumn: 'data',
    arguments: [],
    autoParams: { where: true, orderBy: true, limit: true, offset: true },
    inject: {},
    access: ACCESS,
    ...extra,
  };
}

export function mutation(
  name: string,
  fn: string,
  extra: Partial<Omit<CompiledMutation, 'name' | 'sqlFunction'>> = {},
): CompiledMutation {
  return {
    name,
    returnType: 'Post',
    returnsList: false,
    nullable: true,
    sqlFunction: { name: fn },
    operation: 'custom',
    arguments: [],
    inputStyle: 'jsonb',
    inject: {},
    access: ACCESS,
    ...extra,
  };
}

export function inputType(name: string, fields: string[]): CompiledInputType {
  return {
    name,
    fields: fields.map((field) => ({ name: field, storageKey: field, type: named('String') })),
  };
}

export function schemaOf(parts: {
  queries?: CompiledQuery[];
  mutations?: CompiledMutation[];
  inputTypes?: CompiledInputType[];
  types?: CompiledObjectType[];
}): CompiledSchema {
  const byName = <T extends { name: string }>(items: T[] = []): Record<string, T> =>
    Object.fromEntries(items.map((item) => [item.name, item]));
  return {
    formatVersion: 1,
    contentHash: '0'.repeat(32),
    namingConvention: 'preserve',
    types: byName(parts.types),
    enums: {},
    inputTypes: byName(parts.inputTypes),
    customScalars: [],
    queries: byName(parts.queries),
    mutations: byName(parts.mutations),
    ignoredKeys: [],
  };
}
