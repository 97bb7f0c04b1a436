import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';

import type { CompiledQuery, CompiledSchema } from '../schema/compiled-schema.ts';
import { operatorsForScalar } from '../sql/filter-operators.ts';

/**
 * The input types behind the automatic list arguments: `<Type>WhereInput`, one
 * `<Scalar>Filter` per scalar (operators from src/sql/filter-operators.ts, the single source of
 * truth the SQL layer compiles), `<Type>OrderByInput` and `SortDirection`. Built lazily, once
 * per type, so a schema only carries the filters it uses.
 */
export class FilterInputTypes {
  private readonly whereInputs = new Map<string, GraphQLInputObjectType>();
  private readonly scalarFilters = new Map<string, GraphQLInputObjectType>();
  private readonly orderByInputs = new Map<string, GraphQLInputObjectType>();
  private readonly sortDirection = new GraphQLEnumType({
    name: 'SortDirection',
    values: { ASC: { value: 'ASC' }, DESC: { value: 'DESC' } },
  });

  constructor(
    private readonly compiled: CompiledSchema,
    private readonly lookup: (name: string) => GraphQLNamedType,
  ) {}

  /** `where`, `orderBy`, `limit`, `offset` for a list query, minus those it declares itself. */
  listArguments(query: CompiledQuery, explicit: GraphQLFieldConfigArgumentMap): GraphQLFieldConfigArgumentMap {
    const args: GraphQLFieldConfigArgumentMap = {};
    const wanted = (name: string): boolean => !(name in explicit);
    if (query.autoParams.where && wanted('where')) {
      args.where = {
        type: this.whereInput(query.returnType),
        description: 'Only rows matching this filter. Omit it for all rows you may see; an empty filter is refused.',
      };
    }
    if (query.autoParams.orderBy && wanted('orderBy')) {
      args.orderBy = {
        type: new GraphQLList(new GraphQLNonNull(this.orderByInput(query.returnType))),
        description: 'Sort keys, most significant first.',
      };
    }
    if (query.autoParams.limit && wanted('limit')) {
      args.limit = { type: GraphQLInt, description: 'At most this many rows (capped by the server).' };
    }
    if (query.autoParams.offset && wanted('offset')) {
      args.offset = { type: GraphQLInt, description: 'Skip this many rows first.' };
    }
    return args;
  }

  whereInput(typeName: string): GraphQLInputObjectType {
    const existing = this.whereInputs.get(typeName);
    if (existing !== undefined) return existing;
    const type = this.compiled.types[typeName];
    if (type === undefined) throw new Error(`No object type ${typeName} for a where input`);
    const input: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: `${typeName}WhereInput`,
      description: `Filter on ${typeName}. Keys at one level are combined with AND.`,
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = {};
        for (const field of type.fields) {
          if (field.type.kind !== 'named') continue;
          const target = this.compiled.types[field.type.name];
          fields[field.name] = {
            type: target === undefined ? this.scalarFilter(field.type.name) : this.whereInput(target.name),
          };
        }
        fields._and = { type: new GraphQLList(new GraphQLNonNull(input)), description: 'All must match.' };
        fields._or = { type: new GraphQLList(new GraphQLNonNull(input)), description: 'At least one must match.' };
        fields._not = { type: input, description: 'Must not match.' };
        return fields;
      },
    });
    this.whereInputs.set(typeName, input);
    return input;
  }

  private scalarFilter(scalarName: string): GraphQLInputObjectType {
    const existing = this.scalarFilters.get(scalarName);
    if (existing !== undefined) return existing;
    const isEnum = scalarName in this.compiled.enums;
    const filter = new GraphQLInputObjectType({
      name: `${scalarName}Filter`,
      description: `Conditions on a ${scalarName} value. Several are combined with AND.`,
      fields: () =>
        Object.fromEntries(
          operatorsForScalar(scalarName, { isEnum }).map((operator) => [
            operator.name,
            {
              type: operandType(operator.operand, this.lookup(operator.operandType) as GraphQLInputType),
              description: operator.description,
            },
          ]),
        ),
    });
    this.scalarFilters.set(scalarName, filter);
    return filter;
  }

  private orderByInput(typeName: string): GraphQLInputObjectType {
    const existing = this.orderByInputs.get(typeName);
    if (existing !== undefined) return existing;
    const input = new GraphQLInputObjectType({
      name: `${typeName}OrderByInput`,
      fields: {
        field: { type: new GraphQLNonNull(GraphQLString), description: `A scalar field of ${typeName}.` },
        direction: { type: this.sortDirection, defaultValue: 'ASC' },
      },
    });
    this.orderByInputs.set(typeName, input);
    return input;
  }
}

function operandType(shape: 'value' | 'list' | 'boolean', scalar: GraphQLInputType): GraphQLInputType {
  switch (shape) {
    case 'value':
      return scalar;
    case 'list':
      return new GraphQLList(new GraphQLNonNull(scalar));
    case 'boolean':
      return GraphQLBoolean;
  }
}
