import type { CompileContext } from './compile-context.ts';
import type {
  CompiledEnum,
  CompiledField,
  CompiledInputField,
  CompiledInputType,
  CompiledObjectType,
  FieldAccess,
  NamedTypeKind,
  QualifiedName,
} from './compiled-schema.ts';
import { checkRoles, checkScopes } from './compile-access.ts';
import { BUILT_IN_SCALARS } from './scalar-names.ts';
import { isRelationField } from './served-field-type.ts';
import type { IrField, IrInputType, IrObjectType } from './schema-json-shapes.ts';
import { parseQualifiedName } from './sql-identifier.ts';
import { toStorageKey } from './storage-key.ts';

/** GraphQL's root operation types: a declared type of the same name would replace one. */
const ROOT_TYPE_NAMES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Registers every declared name (types, enums, input types, custom scalars) before anything is
 * resolved, so references work in any order. Names used twice, names of built-in scalars and
 * GraphQL's root type names are problems.
 */
export function registerNamedTypes(ctx: CompileContext): void {
  const declare = (name: string, kind: NamedTypeKind, where: string): void => {
    if (!ctx.checkName(name, where, 'the name')) return;
    const existing = ctx.namedTypes.get(name);
    if (existing !== undefined) {
      ctx.problem(
        where,
        `the name "${name}" is already used by ${article(existing)}; names must be unique`,
      );
    } else if (BUILT_IN_SCALARS.has(name)) {
      if (kind !== 'scalar')
        ctx.problem(where, `"${name}" is a built-in scalar; choose another name`);
    } else if (ROOT_TYPE_NAMES.has(name)) {
      ctx.problem(where, `"${name}" is a GraphQL root type name; choose another name`);
    } else {
      ctx.namedTypes.set(name, kind);
    }
  };
  for (const item of ctx.ir.types) declare(item.name, 'object', `types[${item.name}]`);
  for (const item of ctx.ir.enums) declare(item.name, 'enum', `enums[${item.name}]`);
  for (const item of ctx.ir.input_types) declare(item.name, 'input', `input_types[${item.name}]`);
  for (const item of ctx.ir.custom_scalars) {
    declare(item.name, 'scalar', `custom_scalars[${item.name}]`);
  }
}

function article(kind: NamedTypeKind): string {
  switch (kind) {
    case 'object':
      return 'an object type';
    case 'enum':
      return 'an enum';
    case 'input':
      return 'an input type';
    case 'scalar':
      return 'a custom scalar';
  }
}

/** Compiles `enums`; each needs at least one value, and values are unique GraphQL names. */
export function compileEnums(ctx: CompileContext): Record<string, CompiledEnum> {
  const enums: Record<string, CompiledEnum> = {};
  for (const item of ctx.ir.enums) {
    const where = `enums[${item.name}]`;
    const seen = new Set<string>();
    for (const value of item.values) {
      const valueWhere = `${where}.values[${value.name}]`;
      if (!ctx.checkName(value.name, valueWhere, 'the enum value')) continue;
      if (['true', 'false', 'null'].includes(value.name)) {
        ctx.problem(valueWhere, `"${value.name}" cannot be an enum value in GraphQL; rename it`);
      }
      if (seen.has(value.name))
        ctx.problem(valueWhere, `the value "${value.name}" is listed twice`);
      seen.add(value.name);
    }
    if (item.values.length === 0) ctx.problem(where, 'an enum needs at least one value');
    ctx.enumValues.set(item.name, seen);
    enums[item.name] = {
      name: item.name,
      ...(item.description === undefined ? {} : { description: item.description }),
      values: item.values.map((value) => ({
        name: value.name,
        ...(value.description === undefined ? {} : { description: value.description }),
      })),
    };
  }
  return enums;
}

/** Compiles `types`: fields with storage keys, resolved types and per-field access. */
export function compileObjectTypes(ctx: CompileContext): Record<string, CompiledObjectType> {
  const types: Record<string, CompiledObjectType> = {};
  for (const item of ctx.ir.types) types[item.name] = compileObjectType(ctx, item);
  return types;
}

function compileObjectType(ctx: CompileContext, item: IrObjectType): CompiledObjectType {
  const where = `types[${item.name}]`;
  if (item.fields.length === 0) ctx.problem(where, 'a type needs at least one field');

  let sqlSource: QualifiedName | undefined;
  if (item.sql_source !== undefined) {
    sqlSource = parseQualifiedName(item.sql_source);
    if (sqlSource === undefined) {
      ctx.problem(`${where}.sql_source`, identifierMessage(item.sql_source, 'view'));
    }
  }
  checkRoles(ctx, item.requires_role, `${where}.requires_role`);

  const fields: CompiledField[] = [];
  const keys = new UniqueKeys(ctx);
  for (const field of item.fields) {
    const fieldWhere = `${where}.fields[${field.name}]`;
    if (!ctx.checkName(field.name, fieldWhere, 'the field name')) continue;
    const storageKey = toStorageKey(field.name);
    keys.add(field.name, storageKey, fieldWhere, 'field');
    const type = ctx.resolveType(field.type, field.nullable, `${fieldWhere}.type`, 'output');
    const access = compileFieldAccess(ctx, field, fieldWhere);
    if (type === undefined) continue;
    if (!type.nullable && isRelationField(type, (name) => ctx.kindOf(name) === 'object')) {
      ctx.note(
        `${fieldWhere}.type`,
        `${item.name}.${field.name} is served as nullable: row-level security may hide the ` +
          `related row, and the view then returns null for it. Declare it nullable ` +
          `("${type.name}" without "!", or "nullable": true in schema.json) to match.`,
      );
    }
    fields.push({
      name: field.name,
      storageKey,
      type,
      ...(field.description === undefined ? {} : { description: field.description }),
      access,
    });
  }

  return {
    name: item.name,
    ...(item.description === undefined ? {} : { description: item.description }),
    ...(sqlSource === undefined ? {} : { sqlSource }),
    fields,
    requiresRole: [...new Set(item.requires_role)],
    isError: item.is_error,
    ...(item.tenant_scoped ? { tenantScoped: true } : {}),
  };
}

function compileFieldAccess(ctx: CompileContext, field: IrField, where: string): FieldAccess {
  checkScopes(ctx, field.requires_scope, `${where}.requires_scope`);
  const onDeny = field.on_deny ?? 'reject';
  if (field.on_deny !== undefined && field.requires_scope.length === 0) {
    ctx.warn(`${where}.on_deny`, 'has no effect without requires_scope');
  }
  if (onDeny === 'mask' && field.requires_scope.length > 0 && !field.nullable) {
    ctx.problem(
      `${where}.on_deny`,
      '"mask" answers null to callers without the scope, but the field is not nullable: set "nullable": true or use "reject"',
    );
  }
  return { requiresScope: [...new Set(field.requires_scope)], onDeny };
}

/** Compiles `input_types`: fields with storage keys, input types and checked defaults. */
export function compileInputTypes(ctx: CompileContext): Record<string, CompiledInputType> {
  const inputs: Record<string, CompiledInputType> = {};
  for (const item of ctx.ir.input_types) inputs[item.name] = compileInputType(ctx, item);
  return inputs;
}

function compileInputType(ctx: CompileContext, item: IrInputType): CompiledInputType {
  const where = `input_types[${item.name}]`;
  if (item.fields.length === 0) ctx.problem(where, 'an input type needs at least one field');
  const fields: CompiledInputField[] = [];
  const keys = new UniqueKeys(ctx);
  for (const field of item.fields) {
    const fieldWhere = `${where}.fields[${field.name}]`;
    if (!ctx.checkName(field.name, fieldWhere, 'the field name')) continue;
    const storageKey = toStorageKey(field.name);
    keys.add(field.name, storageKey, fieldWhere, 'field');
    const type = ctx.resolveType(field.type, field.nullable, `${fieldWhere}.type`, 'input');
    if (type === undefined) continue;
    if (field.default !== undefined) ctx.checkDefault(field.default, type, `${fieldWhere}.default`);
    fields.push({
      name: field.name,
      storageKey,
      type,
      ...(field.description === undefined ? {} : { description: field.description }),
      ...(field.default === undefined ? {} : { defaultValue: field.default }),
    });
  }
  return {
    name: item.name,
    ...(item.description === undefined ? {} : { description: item.description }),
    fields,
  };
}

/**
 * Tracks names and storage keys within one type or argument list: two GraphQL names may not
 * share a name, nor map to the same snake_case key (`userId` and `user_id`).
 */
export class UniqueKeys {
  private readonly names = new Set<string>();
  private readonly storageKeys = new Map<string, string>();

  constructor(private readonly ctx: CompileContext) {}

  add(name: string, storageKey: string, where: string, what: string): void {
    if (this.names.has(name)) {
      this.ctx.problem(where, `the ${what} "${name}" is declared twice`);
    } else {
      const owner = this.storageKeys.get(storageKey);
      if (owner !== undefined) {
        this.ctx.problem(
          where,
          `the ${what}s "${owner}" and "${name}" both map to the key "${storageKey}"; rename one`,
        );
      }
    }
    this.names.add(name);
    this.storageKeys.set(storageKey, name);
  }
}

/** The message for a view, function or column name that is not a safe SQL identifier. */
export function identifierMessage(text: string, what: 'view' | 'function' | 'column'): string {
  const qualified = what === 'column' ? '' : ', optionally as schema.name';
  return `"${text}" is not a valid ${what} name: use letters, digits and _ (starting with a letter or _), at most 63 characters${qualified}`;
}
