import {
  execute,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLFieldConfig,
  type GraphQLSchema,
} from 'graphql';

import type { Caller } from '../auth/principal.ts';
import { PublicError } from '../errors/public-error.ts';
import type { OperationPlan } from './operation-plan.ts';

/** What a built-in field is told about the request that calls it. */
export interface BuiltinFieldRequest {
  readonly caller: Caller;
  readonly requestId: string;
}

/**
 * A root field that fraiseql-ts answers itself, without SQL (the sessions feature's
 * `refreshToken` mutation). graphql-js shapes the value `resolve` returns, so aliases,
 * fragments and `__typename` work as for any field. The field decides its own access from the
 * caller: nothing about it is in the compiled schema.
 */
export interface BuiltinRootField {
  readonly operation: 'query' | 'mutation';
  readonly name: string;
  /** Type, arguments and description; `resolve` below is the resolver. */
  readonly config: Omit<GraphQLFieldConfig<unknown, unknown>, 'resolve'>;
  /** @throws PublicError, which fails the whole operation with its status and message. */
  resolve(args: Readonly<Record<string, unknown>>, request: BuiltinFieldRequest): Promise<unknown>;
}

/** A root field of the running operation that a built-in answers. */
export interface BuiltinFieldCall {
  readonly responseKey: string;
  readonly node: FieldNode;
  readonly builtin: BuiltinRootField;
}

/** graphql-js field extension under which a built-in travels with its schema field. */
const EXTENSION = 'fraiseqlBuiltin';

/** The schema field for a built-in, carrying it so that the executor can find it again. */
export function builtinFieldConfig(builtin: BuiltinRootField): GraphQLFieldConfig<unknown, unknown> {
  return { ...builtin.config, extensions: { ...builtin.config.extensions, [EXTENSION]: builtin } };
}

/** The built-in behind a schema field, or undefined for the schema's own operations. */
export function builtinOf(definition: GraphQLField<unknown, unknown>): BuiltinRootField | undefined {
  const value: unknown = definition.extensions[EXTENSION];
  return typeof value === 'object' && value !== null && 'resolve' in value
    ? (value as BuiltinRootField)
    : undefined;
}

/**
 * Runs the operation's built-in root fields through graphql-js and returns their values by
 * response key. A built-in may not share an operation with SQL-backed fields: those run in one
 * database transaction that the built-in's own writes would not be part of, and an operation
 * that half succeeds is worse than one refused up front.
 */
export async function runBuiltinFields(
  schema: GraphQLSchema,
  plan: OperationPlan,
  calls: readonly BuiltinFieldCall[],
  otherFieldCount: number,
  variables: Readonly<Record<string, unknown>>,
  request: BuiltinFieldRequest,
): Promise<Readonly<Record<string, unknown>>> {
  if (calls.length === 0) return {};
  if (otherFieldCount > 0) {
    const names = [...new Set(calls.map((call) => call.builtin.name))].join(', ');
    throw new PublicError('BAD_REQUEST', {
      message: `${names} cannot be combined with other fields in one operation; send it on its own.`,
    });
  }

  let failure: PublicError | undefined;
  const rootValue: Record<string, unknown> = {};
  for (const { builtin } of calls) {
    rootValue[builtin.name] = async (args: Record<string, unknown>) => {
      try {
        return await builtin.resolve(args, request);
      } catch (error) {
        if (error instanceof PublicError) failure ??= error;
        throw error;
      }
    };
  }
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...plan.operation,
        selectionSet: { kind: Kind.SELECTION_SET, selections: calls.map((call) => call.node) },
      },
      ...Object.values(plan.fragments),
    ],
  };
  const result = await execute({ schema, document, rootValue, variableValues: variables });
  if (failure !== undefined) throw failure;
  const [first] = result.errors ?? [];
  if (first !== undefined) throw first.originalError ?? new Error(first.message);
  return result.data ?? {};
}
