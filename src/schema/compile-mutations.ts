import { compileInject, compileOperationAccess } from './compile-access.ts';
import type { CompileContext } from './compile-context.ts';
import { compileArguments, compileReturnType } from './compile-operation-parts.ts';
import { identifierMessage } from './compile-types.ts';
import type { CompiledMutation, CompiledSchema, QualifiedName } from './compiled-schema.ts';
import type { IrMutation } from './schema-json-shapes.ts';
import { parseQualifiedName } from './sql-identifier.ts';
import { toStorageKey } from './storage-key.ts';
import { isTenantScopedType, tenantScopeLayers } from './tenant-scope.ts';

type Operation = CompiledMutation['operation'];

/** FraiseQL's `operation` values, matched case-insensitively (`CREATE` means insert). */
const OPERATIONS: ReadonlyMap<string, Operation> = new Map([
  ['create', 'insert'],
  ['insert', 'insert'],
  ['update', 'update'],
  ['delete', 'delete'],
  ['custom', 'custom'],
]);

/** Compiles `mutations`; `inputTypes` are the compiled input objects (for flattened inputs). */
export function compileMutations(
  ctx: CompileContext,
  inputTypes: CompiledSchema['inputTypes'],
): Record<string, CompiledMutation> {
  const mutations: Record<string, CompiledMutation> = {};
  for (const mutation of ctx.ir.mutations) {
    const where = `mutations[${mutation.name}]`;
    if (!ctx.checkName(mutation.name, where, 'the mutation name')) continue;
    if (mutation.name in mutations) {
      ctx.problem(where, `the mutation "${mutation.name}" is declared twice`);
      continue;
    }
    const compiled = compileMutation(ctx, mutation, inputTypes, where);
    if (compiled !== undefined) mutations[mutation.name] = compiled;
  }
  return mutations;
}

function compileMutation(
  ctx: CompileContext,
  mutation: IrMutation,
  inputTypes: CompiledSchema['inputTypes'],
  where: string,
): CompiledMutation | undefined {
  const shape = compileReturnType(ctx, mutation, where);
  if (shape?.returnsList === true) {
    ctx.problem(
      `${where}.returns_list`,
      'a mutation returns one object (its entity or JSONB result); return a type with a list field instead',
    );
  }

  let sqlFunction: QualifiedName | undefined;
  if (mutation.sql_source === undefined) {
    ctx.problem(where, 'no function to call: add "sql_source" (e.g. "fn_create_post")');
  } else {
    sqlFunction = parseQualifiedName(mutation.sql_source);
    if (sqlFunction === undefined) {
      ctx.problem(`${where}.sql_source`, identifierMessage(mutation.sql_source, 'function'));
    }
  }

  const operation = compileOperationKind(ctx, mutation, where);
  // FraiseQL passes an UPDATE's input as one JSONB value (a partial patch), other inputs flat.
  const inputStyle = mutation.input_style ?? (operation === 'update' ? 'jsonb' : 'flatten');
  const args = compileArguments(ctx, mutation.arguments, where);

  // A flattened input object becomes one parameter per field: those names can collide too.
  const onlyArgument = args.arguments.length === 1 ? args.arguments[0] : undefined;
  if (inputStyle === 'flatten' && onlyArgument?.type.kind === 'named') {
    for (const field of inputTypes[onlyArgument.type.name]?.fields ?? []) {
      args.keys.add(field.name);
      args.keys.add(toStorageKey(field.name));
    }
  }

  const inject = compileInject(
    ctx,
    [
      { origin: 'inject_defaults.base', entries: ctx.ir.inject_defaults?.base ?? {} },
      { origin: 'inject_defaults.mutations', entries: ctx.ir.inject_defaults?.mutations ?? {} },
      ...tenantScopeLayers(ctx, shape?.typeName),
      { origin: `${where}.inject_params`, entries: mutation.inject_params },
    ],
    args.keys,
    `mutation "${mutation.name}"`,
  );
  const access = compileOperationAccess(
    ctx,
    mutation,
    Object.keys(inject),
    where,
    isTenantScopedType(ctx, shape?.typeName) ? shape?.typeName : undefined,
  );

  if (shape === undefined || sqlFunction === undefined || operation === undefined) return undefined;
  return {
    name: mutation.name,
    ...(mutation.description === undefined ? {} : { description: mutation.description }),
    returnType: shape.typeName,
    returnsList: false,
    nullable: mutation.nullable,
    sqlFunction,
    operation,
    arguments: args.arguments,
    inputStyle,
    inject,
    access,
  };
}

function compileOperationKind(
  ctx: CompileContext,
  mutation: IrMutation,
  where: string,
): Operation | undefined {
  if (mutation.operation === undefined) return 'custom';
  const operation = OPERATIONS.get(mutation.operation.toLowerCase());
  if (operation === undefined) {
    ctx.problem(
      `${where}.operation`,
      `"${mutation.operation}" is not an operation: use CREATE (or INSERT), UPDATE, DELETE or CUSTOM`,
    );
  }
  return operation;
}
