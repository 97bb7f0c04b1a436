import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLScalarType,
} from 'graphql';

import type {
  CompiledArgument,
  CompiledMutation,
  CompiledQuery,
  CompiledSchema,
  TypeRef,
} from '../schema/compiled-schema.ts';
import { servedFieldType } from '../schema/served-field-type.ts';
import { builtinFieldConfig, type BuiltinRootField } from './builtin-root-field.ts';
import { buildCustomScalar } from './custom-scalars.ts';
import { FilterInputTypes } from './filter-input-types.ts';

const BUILT_IN_SCALARS: Readonly<Record<string, GraphQLScalarType>> = {
  String: GraphQLString,
  Int: GraphQLInt,
  Float: GraphQLFloat,
  Boolean: GraphQLBoolean,
  ID: GraphQLID,
};

/** Names of the automatic list arguments; an explicit argument of the same name replaces one. */
export const AUTO_PARAM_NAMES = ['where', 'orderBy', 'limit', 'offset'] as const;

/**
 * The GraphQL schema the server validates documents against and answers introspection from.
 * It has no resolvers: execution turns each root field into SQL (src/graphql/execute-operation.ts),
 * except `builtins`, root fields fraiseql-ts answers itself (default: none). A built-in whose
 * name an operation of the schema already uses is refused.
 */
export function buildGraphQLSchema(
  compiled: CompiledSchema,
  builtins: readonly BuiltinRootField[] = [],
): GraphQLSchema {
  const named = new Map<string, GraphQLNamedType>();
  for (const [name, scalar] of Object.entries(BUILT_IN_SCALARS)) named.set(name, scalar);
  for (const name of compiled.customScalars) {
    if (!named.has(name)) named.set(name, buildCustomScalar(name));
  }
  for (const item of Object.values(compiled.enums)) {
    named.set(
      item.name,
      new GraphQLEnumType({
        name: item.name,
        ...(item.description === undefined ? {} : { description: item.description }),
        values: Object.fromEntries(
          item.values.map((value) => [
            value.name,
            { value: value.name, ...(value.description === undefined ? {} : { description: value.description }) },
          ]),
        ),
      }),
    );
  }

  const outputType = (ref: TypeRef): GraphQLOutputType => {
    const inner =
      ref.kind === 'list' ? new GraphQLList(outputType(ref.of)) : (lookup(ref.name) as GraphQLOutputType);
    return ref.nullable ? inner : new GraphQLNonNull(inner);
  };
  const inputType = (ref: TypeRef): GraphQLInputType => {
    const inner =
      ref.kind === 'list' ? new GraphQLList(inputType(ref.of)) : (lookup(ref.name) as GraphQLInputType);
    return ref.nullable ? inner : new GraphQLNonNull(inner);
  };
  const lookup = (name: string): GraphQLNamedType => {
    const found = named.get(name);
    if (found === undefined) throw new Error(`Compiled schema refers to unknown type ${name}`);
    return found;
  };

  // Relations to other object types are served nullable: row-level security may hide the row.
  const isObjectType = (name: string): boolean => Object.hasOwn(compiled.types, name);
  for (const type of Object.values(compiled.types)) {
    named.set(
      type.name,
      new GraphQLObjectType({
        name: type.name,
        ...(type.description === undefined ? {} : { description: type.description }),
        fields: () =>
          Object.fromEntries(
            type.fields.map((field) => [
              field.name,
              {
                type: outputType(servedFieldType(field.type, isObjectType)),
                ...(field.description === undefined ? {} : { description: field.description }),
              },
            ]),
          ),
      }),
    );
  }
  for (const input of Object.values(compiled.inputTypes)) {
    named.set(
      input.name,
      new GraphQLInputObjectType({
        name: input.name,
        ...(input.description === undefined ? {} : { description: input.description }),
        fields: () =>
          Object.fromEntries(
            input.fields.map((field) => [
              field.name,
              {
                type: inputType(field.type),
                ...(field.description === undefined ? {} : { description: field.description }),
                ...(field.defaultValue === undefined ? {} : { defaultValue: field.defaultValue }),
              },
            ]),
          ),
      }),
    );
  }

  const filters = new FilterInputTypes(compiled, lookup);
  const argumentsOf = (args: readonly CompiledArgument[]): GraphQLFieldConfigArgumentMap =>
    Object.fromEntries(
      args.map((arg) => [
        arg.name,
        {
          type: inputType(arg.type),
          ...(arg.description === undefined ? {} : { description: arg.description }),
          ...(arg.defaultValue === undefined ? {} : { defaultValue: arg.defaultValue }),
        },
      ]),
    );
  const returnType = (operation: CompiledQuery | CompiledMutation): GraphQLOutputType => {
    const item = new GraphQLNonNull(lookup(operation.returnType) as GraphQLObjectType);
    const shaped = operation.returnsList ? new GraphQLList(item) : item.ofType;
    return operation.nullable ? shaped : new GraphQLNonNull(shaped);
  };

  const queryFields: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const query of Object.values(compiled.queries)) {
    const args = argumentsOf(query.arguments);
    if (query.returnsList) Object.assign(args, filters.listArguments(query, args));
    queryFields[query.name] = {
      type: returnType(query),
      args,
      ...(query.description === undefined ? {} : { description: query.description }),
    };
  }
  if (Object.keys(queryFields).length === 0) {
    queryFields._schemaHash = {
      type: new GraphQLNonNull(GraphQLString),
      description: 'The compiled schema hash. Present because the schema declares no queries.',
    };
  }

  const mutationFields: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const mutation of Object.values(compiled.mutations)) {
    mutationFields[mutation.name] = {
      type: returnType(mutation),
      args: argumentsOf(mutation.arguments),
      ...(mutation.description === undefined ? {} : { description: mutation.description }),
    };
  }

  for (const builtin of builtins) {
    const fields = builtin.operation === 'query' ? queryFields : mutationFields;
    if (fields[builtin.name] !== undefined) {
      throw new Error(
        `The schema declares a ${builtin.operation} named ${builtin.name}, which fraiseql-ts adds itself; rename it.`,
      );
    }
    fields[builtin.name] = builtinFieldConfig(builtin);
  }

  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: queryFields }),
    ...(Object.keys(mutationFields).length === 0
      ? {}
      : { mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutationFields }) }),
    types: [...named.values()],
  });
}
