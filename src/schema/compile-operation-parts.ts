import type { CompileContext } from './compile-context.ts';
import type { CompiledArgument } from './compiled-schema.ts';
import { UniqueKeys } from './compile-types.ts';
import type { IrArgument } from './schema-json-shapes.ts';
import { toStorageKey } from './storage-key.ts';
import { parseTypeString } from './type-string.ts';

/** What an operation returns, as read from `return_type` and `returns_list`. */
export interface ReturnShape {
  readonly typeName: string;
  readonly returnsList: boolean;
}

/**
 * Reads an operation's return type. `returns_list` says whether it is a list; a bracketed
 * `return_type` such as `[Post!]` also means a list (and contradicts `returns_list: false`).
 * The named type must be an object type: queries read a view row, mutations return an entity.
 */
export function compileReturnType(
  ctx: CompileContext,
  operation: { readonly return_type: string; readonly returns_list?: boolean | undefined },
  where: string,
): ReturnShape | undefined {
  const typeWhere = `${where}.return_type`;
  const parsed = parseTypeString(operation.return_type);
  if (!parsed.ok) {
    ctx.problem(typeWhere, parsed.message);
    return undefined;
  }
  if (parsed.type.nonNull) {
    ctx.warn(
      typeWhere,
      `the "!" in "${operation.return_type}" is ignored: nullability comes from "nullable"`,
    );
  }

  let returnsList = operation.returns_list ?? false;
  let named = parsed.type;
  if (named.kind === 'list') {
    if (operation.returns_list === false) {
      ctx.problem(
        typeWhere,
        `"${operation.return_type}" is a list but "returns_list" is false; make them agree`,
      );
    }
    if (named.of.kind === 'list') {
      ctx.problem(typeWhere, 'lists of lists cannot be read from a view; return a list of objects');
      return undefined;
    }
    returnsList = true;
    named = named.of;
  }

  if (!ctx.checkNamedType(named.name, typeWhere, 'output')) return undefined;
  if (ctx.kindOf(named.name) !== 'object') {
    ctx.problem(
      typeWhere,
      `"${named.name}" is not an object type: an operation returns an object type declared in "types" (a view row or the mutation's entity)`,
    );
    return undefined;
  }
  return { typeName: named.name, returnsList };
}

/** Compiled arguments plus every name and storage key they use (for inject collisions). */
export interface CompiledArguments {
  readonly arguments: CompiledArgument[];
  readonly keys: Set<string>;
}

/** Compiles an operation's arguments: names, storage keys, input types and defaults. */
export function compileArguments(
  ctx: CompileContext,
  args: readonly IrArgument[],
  where: string,
): CompiledArguments {
  const compiled: CompiledArgument[] = [];
  const keys = new Set<string>();
  const unique = new UniqueKeys(ctx);
  for (const arg of args) {
    const argWhere = `${where}.arguments[${arg.name}]`;
    if (!ctx.checkName(arg.name, argWhere, 'the argument name')) continue;
    const storageKey = toStorageKey(arg.name);
    unique.add(arg.name, storageKey, argWhere, 'argument');
    keys.add(arg.name);
    keys.add(storageKey);
    const type = ctx.resolveType(arg.type, arg.nullable, `${argWhere}.type`, 'input');
    if (type === undefined) continue;
    if (arg.default !== undefined) ctx.checkDefault(arg.default, type, `${argWhere}.default`);
    compiled.push({
      name: arg.name,
      storageKey,
      type,
      ...(arg.description === undefined ? {} : { description: arg.description }),
      ...(arg.default === undefined ? {} : { defaultValue: arg.default }),
    });
  }
  return { arguments: compiled, keys };
}
