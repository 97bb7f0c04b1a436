import { isValidPermission, isValidRole, isValidScope } from './access-format.ts';
import type { CompileContext } from './compile-context.ts';
import type { InjectSource, OperationAccess } from './compiled-schema.ts';
import { checkInjectSource, isValidInjectKey } from './inject-claim.ts';
import type { IrInjectSource } from './schema-json-shapes.ts';

/** Records a problem for every scope that is not `action:resource` shaped. */
export function checkScopes(ctx: CompileContext, scopes: readonly string[], where: string): void {
  for (const scope of scopes) {
    if (!isValidScope(scope)) {
      ctx.problem(
        where,
        `"${scope}" is not a scope: write parts joined by ":" without spaces or "*", e.g. "read:posts"`,
      );
    }
  }
}

/** Records a problem for every role name with spaces, wildcards or other odd characters. */
export function checkRoles(ctx: CompileContext, roles: readonly string[], where: string): void {
  for (const role of roles) {
    if (!isValidRole(role)) {
      ctx.problem(where, `"${role}" is not a role name: use letters, digits, _, -, . and :`);
    }
  }
}

/** Records a problem for every permission name with whitespace or `*`. */
export function checkPermissions(
  ctx: CompileContext,
  permissions: readonly string[],
  where: string,
): void {
  for (const permission of permissions) {
    if (!isValidPermission(permission)) {
      ctx.problem(
        where,
        `"${permission}" is not a permission name: no spaces and no "*" (permissions are matched exactly), e.g. "read:posts"`,
      );
    }
  }
}

/** What an operation declares about who may call it, as read from `schema.json`. */
export interface DeclaredAccess {
  readonly public: boolean;
  readonly requires_scope: readonly string[];
  readonly requires_role: readonly string[];
  readonly requires_permission: readonly string[];
}

/**
 * Checks and compiles an operation's access rule. A public operation that also requires a scope
 * or role, or injects token claims, contradicts itself; it is refused rather than guessed at.
 * `tenantScopedType` names the returned type when it is tenant-scoped (the operation then
 * injects `tenant_id`), so that the refusal of a public one says why.
 */
export function compileOperationAccess(
  ctx: CompileContext,
  declared: DeclaredAccess,
  injectKeys: readonly string[],
  where: string,
  tenantScopedType?: string,
): OperationAccess {
  checkScopes(ctx, declared.requires_scope, `${where}.requires_scope`);
  checkRoles(ctx, declared.requires_role, `${where}.requires_role`);
  checkPermissions(ctx, declared.requires_permission, `${where}.requires_permission`);
  if (declared.public) {
    if (declared.requires_scope.length > 0 || declared.requires_role.length > 0) {
      ctx.problem(
        `${where}.public`,
        'a public operation cannot also require a scope or role: remove "public" or the requirement',
      );
    }
    if (declared.requires_permission.length > 0) {
      ctx.problem(
        `${where}.public`,
        'a public operation cannot also require a permission (anonymous callers have no subject to look up): remove "public" or requires_permission',
      );
    }
    if (tenantScopedType !== undefined) {
      ctx.problem(
        `${where}.public`,
        `a public operation cannot return "${tenantScopedType}", which is tenant_scoped: its rows are filtered by the caller's tenant_id claim, and anonymous callers have none. Remove "public", or return a type that is not tenant-scoped`,
      );
    } else if (injectKeys.length > 0) {
      ctx.problem(
        `${where}.public`,
        `a public operation cannot inject token claims (${injectKeys.join(', ')}): anonymous callers have none. Remove "public" or the inject`,
      );
    }
  }
  return {
    public: declared.public,
    requiresScope: [...new Set(declared.requires_scope)],
    requiresRole: [...new Set(declared.requires_role)],
    requiresPermission: [...new Set(declared.requires_permission)],
  };
}

/** One layer of inject declarations, with the place it came from for messages. */
export interface InjectLayer {
  readonly origin: string;
  readonly entries: Readonly<Record<string, IrInjectSource>>;
}

/**
 * Merges inject layers (project defaults first, the operation's own last, so the operation wins
 * per key) and checks each key and claim. `argumentKeys` are the names and storage keys of the
 * operation's arguments: an inject key among them would let a client supply the value the
 * server is meant to inject, so that is a problem.
 */
export function compileInject(
  ctx: CompileContext,
  layers: readonly InjectLayer[],
  argumentKeys: ReadonlySet<string>,
  where: string,
): Record<string, InjectSource> {
  const merged = new Map<string, { origin: string; value: IrInjectSource }>();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.entries)) {
      merged.set(key, { origin: layer.origin, value });
    }
  }

  const inject: Record<string, InjectSource> = {};
  for (const [key, { origin, value }] of [...merged].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const keyWhere = `${origin}.${key}`;
    const checked = checkInjectSource(value.source, value.claim);
    if (!isValidInjectKey(key)) {
      ctx.problem(
        keyWhere,
        `the inject key "${key}" must be an SQL identifier (letters, digits and _): it names a column, a function parameter and the setting app.${key}`,
      );
    } else if (argumentKeys.has(key)) {
      ctx.problem(
        keyWhere,
        `"${key}" is both injected and an argument of ${where}, so a client could supply the value the server injects: rename or remove the argument`,
      );
    }
    if (!checked.ok) {
      ctx.problem(keyWhere, checked.message);
      continue;
    }
    inject[key] = checked.source;
  }
  return inject;
}
