import type { InjectLayer } from './compile-access.ts';
import type { CompileContext } from './compile-context.ts';
import type { CompiledObjectType, CompiledSchema, TypeRef } from './compiled-schema.ts';

/**
 * The inject key tenant scoping fills: the view column it filters on, the function parameter
 * it binds to (`tenant_id` or `p_tenant_id`) and the transaction setting `app.tenant_id`.
 */
export const TENANT_KEY = 'tenant_id';

/** The token claim tenant scoping reads the tenant from (`jwt:tenant_id`). */
export const TENANT_CLAIM = 'tenant_id';

/** True when `typeName` is declared with FraiseQL's `tenant_scoped: true`. */
export function isTenantScopedType(ctx: CompileContext, typeName: string | undefined): boolean {
  return ctx.ir.types.some((type) => type.name === typeName && type.tenant_scoped);
}

/**
 * The inject layer tenant scoping adds to an operation returning `typeName`: `tenant_id` from
 * `jwt:tenant_id`, or nothing when the type is not tenant-scoped. Callers place it after the
 * project's `inject_defaults` and before the operation's own `inject_params`, so that an
 * operation injecting `tenant_id` itself wins (FraiseQL's order: the operation, then tenancy,
 * then the defaults). It goes through the same checks as every other inject key, so an argument
 * named `tenant_id` is refused and a public operation cannot return a tenant-scoped type.
 */
export function tenantScopeLayers(
  ctx: CompileContext,
  typeName: string | undefined,
): InjectLayer[] {
  if (typeName === undefined || !isTenantScopedType(ctx, typeName)) return [];
  return [
    {
      origin: `types[${typeName}].tenant_scoped`,
      entries: { [TENANT_KEY]: { source: 'jwt', claim: TENANT_CLAIM } },
    },
  ];
}

/**
 * Tenant scoping applies to the operations returning a tenant-scoped type. A type that is not
 * tenant-scoped but holds a field of a tenant-scoped type serves those rows through its own
 * operations, which inject no tenant: each such field gets a warning saying so.
 */
export function warnUnscopedTenantFields(
  ctx: CompileContext,
  types: Readonly<Record<string, CompiledObjectType>>,
): void {
  for (const type of Object.values(types)) {
    if (type.tenantScoped === true) continue;
    for (const field of type.fields) {
      const target = types[namedTypeOf(field.type)];
      if (target?.tenantScoped !== true) continue;
      ctx.warn(
        `types[${type.name}].fields[${field.name}]`,
        `${target.name} is tenant_scoped but ${type.name} is not: operations returning ` +
          `${type.name} inject no tenant_id, so ${type.name}.${field.name} holds whatever the ` +
          `view of ${type.name} embeds, of any tenant. Mark ${type.name} tenant_scoped too, or ` +
          `filter the embedded rows in that view.`,
      );
    }
  }
}

/** True when operations returning `typeName` are tenant-scoped in a compiled schema. */
export function returnsTenantScopedType(schema: CompiledSchema, typeName: string): boolean {
  return schema.types[typeName]?.tenantScoped === true;
}

function namedTypeOf(type: TypeRef): string {
  return type.kind === 'named' ? type.name : namedTypeOf(type.of);
}
