import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js';
import { getArgumentValues } from 'graphql/execution/values.js';

import type { CompiledMutation, CompiledQuery, CompiledSchema } from '../schema/compiled-schema.ts';
import type { SelectedField } from '../sql/selection.ts';
import { builtinOf, type BuiltinRootField } from './builtin-root-field.ts';
import type { OperationPlan } from './operation-plan.ts';

/** One root field of the running operation, with its arguments and resolved selection. */
export type ResolvedRootField =
  | { readonly kind: 'typename'; readonly responseKey: string; readonly typeName: string }
  | { readonly kind: 'introspection'; readonly responseKey: string; readonly node: FieldNode }
  | { readonly kind: 'schemaHash'; readonly responseKey: string }
  | {
      readonly kind: 'builtin';
      readonly responseKey: string;
      readonly node: FieldNode;
      readonly builtin: BuiltinRootField;
    }
  | {
      readonly kind: 'query';
      readonly responseKey: string;
      readonly query: CompiledQuery;
      readonly args: Readonly<Record<string, unknown>>;
      readonly selection: readonly SelectedField[];
    }
  | {
      readonly kind: 'mutation';
      readonly responseKey: string;
      readonly mutation: CompiledMutation;
      readonly args: Readonly<Record<string, unknown>>;
      readonly selection: readonly SelectedField[];
    };

type Variables = Readonly<Record<string, unknown>>;

/** Selections of plans without variable directives, memoised per plan and response key. */
const staticSelections = new WeakMap<OperationPlan, Map<string, readonly SelectedField[]>>();

/**
 * Collects the operation's root fields for these (coerced) variables: fragments and
 * `@skip`/`@include` are applied, aliases kept, arguments coerced by graphql-js.
 */
export function resolveRootFields(
  plan: OperationPlan,
  schema: GraphQLSchema,
  compiled: CompiledSchema,
  variables: Variables,
): ResolvedRootField[] {
  const rootType = plan.kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  if (rootType === null || rootType === undefined) {
    throw new Error(`The schema has no ${plan.kind} type`);
  }
  const fragments = plan.fragments as Record<string, never>;
  const fields = collectFields(schema, fragments, variables, rootType, plan.operation.selectionSet);

  const resolved: ResolvedRootField[] = [];
  for (const [responseKey, nodes] of fields) {
    const [node] = nodes;
    if (node === undefined) continue;
    const fieldName = node.name.value;
    if (fieldName === '__typename') {
      resolved.push({ kind: 'typename', responseKey, typeName: rootType.name });
      continue;
    }
    if (fieldName === '__schema' || fieldName === '__type') {
      resolved.push({ kind: 'introspection', responseKey, node });
      continue;
    }
    if (fieldName === '_schemaHash') {
      resolved.push({ kind: 'schemaHash', responseKey });
      continue;
    }
    const definition = rootType.getFields()[fieldName];
    if (definition === undefined) throw new Error(`Validated field ${fieldName} is missing`);
    const builtin = builtinOf(definition);
    if (builtin !== undefined) {
      resolved.push({ kind: 'builtin', responseKey, node, builtin });
      continue;
    }
    const args = getArgumentValues(definition, node, variables as Record<string, unknown>);
    const selection = selectionFor(plan, schema, compiled, variables, responseKey, definition, nodes);

    if (plan.kind === 'query') {
      const query = compiled.queries[fieldName];
      if (query === undefined) throw new Error(`No compiled query ${fieldName}`);
      resolved.push({ kind: 'query', responseKey, query, args, selection });
    } else {
      const mutation = compiled.mutations[fieldName];
      if (mutation === undefined) throw new Error(`No compiled mutation ${fieldName}`);
      resolved.push({ kind: 'mutation', responseKey, mutation, args, selection });
    }
  }
  return resolved;
}

function selectionFor(
  plan: OperationPlan,
  schema: GraphQLSchema,
  compiled: CompiledSchema,
  variables: Variables,
  responseKey: string,
  definition: GraphQLField<unknown, unknown>,
  nodes: readonly FieldNode[],
): readonly SelectedField[] {
  let memo = plan.selectionIsStatic ? staticSelections.get(plan) : undefined;
  const cached = memo?.get(responseKey);
  if (cached !== undefined) return cached;

  const returnType = getNamedType(definition.type);
  if (!isObjectType(returnType)) throw new Error(`Root field ${definition.name} must return an object type`);
  const selection = resolveSelection(plan, schema, compiled, variables, returnType, nodes);

  if (plan.selectionIsStatic) {
    if (memo === undefined) {
      memo = new Map();
      staticSelections.set(plan, memo);
    }
    memo.set(responseKey, selection);
  }
  return selection;
}

function resolveSelection(
  plan: OperationPlan,
  schema: GraphQLSchema,
  compiled: CompiledSchema,
  variables: Variables,
  parentType: GraphQLObjectType,
  nodes: readonly FieldNode[],
): SelectedField[] {
  const compiledType = compiled.types[parentType.name];
  if (compiledType === undefined) throw new Error(`No compiled type ${parentType.name}`);
  const subfields = collectSubfields(
    schema,
    plan.fragments as Record<string, never>,
    variables,
    parentType,
    nodes,
  );

  const selection: SelectedField[] = [];
  for (const [responseKey, fieldNodes] of subfields) {
    const [node] = fieldNodes;
    if (node === undefined) continue;
    const fieldName = node.name.value;
    if (fieldName === '__typename') {
      selection.push({ kind: 'typename', responseKey, typeName: parentType.name });
      continue;
    }
    const field = compiledType.fields.find((candidate) => candidate.name === fieldName);
    const definition = parentType.getFields()[fieldName];
    if (field === undefined || definition === undefined) {
      throw new Error(`Validated field ${parentType.name}.${fieldName} is missing`);
    }
    const nullable = getNullableType(definition.type);
    const isList = isListType(nullable);
    const named = getNamedType(definition.type);
    if (isObjectType(named)) {
      selection.push({
        kind: 'object',
        responseKey,
        storageKey: field.storageKey,
        typeName: named.name,
        isList,
        selections: resolveSelection(plan, schema, compiled, variables, named, fieldNodes),
      });
    } else {
      selection.push({ kind: 'scalar', responseKey, storageKey: field.storageKey, scalar: named.name, isList });
    }
  }
  return selection;
}
