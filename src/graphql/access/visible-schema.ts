import { createHash } from 'node:crypto';

import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';

import type {
  CompiledField,
  CompiledObjectType,
  CompiledSchema,
  OperationAccess,
  TypeRef,
} from '../../schema/compiled-schema.ts';
import { operationRefusal } from '../authorize-operation.ts';
import { buildGraphQLSchema } from '../build-graphql-schema.ts';
import type { BuiltinRootField } from '../builtin-root-field.ts';
import type { CallerAccess } from './caller-access.ts';

/**
 * What introspection shows a caller: only the operations it may call, the fields it may read
 * and the types it may see. Callers holding the same scopes, roles and permissions get the
 * schema found for the first of them without recomputing it; callers who may see the same
 * things share one built schema. Both caches are small and bounded.
 */
export class VisibleSchemas {
  private readonly byContent = new LRUCache<string, GraphQLSchema>({ max: 64 });
  private readonly byAccess = new LRUCache<string, GraphQLSchema>({ max: 256 });

  /** @param builtins Root fields fraiseql-ts answers itself, shown to every caller. Default none. */
  constructor(
    private readonly compiled: CompiledSchema,
    private readonly builtins: readonly BuiltinRootField[] = [],
  ) {}

  /** `permissions`: the caller's database permissions (default none). */
  forCaller(access: CallerAccess, permissions: ReadonlySet<string> = new Set()): GraphQLSchema {
    const accessKey = accessKeyOf(access, permissions);
    const known = this.byAccess.get(accessKey);
    if (known !== undefined) return known;
    const visible = visibleSchema(this.compiled, access, permissions);
    const contentKey = createHash('sha256').update(JSON.stringify(visible)).digest('hex');
    const schema = this.byContent.get(contentKey) ?? buildGraphQLSchema(visible, this.builtins);
    this.byContent.set(contentKey, schema);
    this.byAccess.set(accessKey, schema);
    return schema;
  }
}

/**
 * What visibility depends on: the caller's scopes, roles and permissions (role grants come
 * from the configuration, fixed for the server's life). Sorted, so order does not matter.
 */
function accessKeyOf(access: CallerAccess, permissions: ReadonlySet<string>): string {
  if (access.caller.kind === 'anonymous') return 'anonymous';
  const { principal } = access.caller;
  const sorted = (values: Iterable<string>): string[] => [...values].sort();
  return JSON.stringify([sorted(principal.scopes), sorted(principal.roles), sorted(permissions)]);
}

/**
 * The compiled schema cut down to what `access` may see. An operation requiring database
 * permissions shows only when `permissions` holds them all (default: none held).
 */
export function visibleSchema(
  compiled: CompiledSchema,
  access: CallerAccess,
  permissions: ReadonlySet<string> = new Set(),
): CompiledSchema {
  const typeVisible = (type: CompiledObjectType): boolean =>
    type.requiresRole.length === 0 || type.requiresRole.some((role) => access.hasRole(role));
  const visibleTypeNames = new Set(
    Object.values(compiled.types)
      .filter(typeVisible)
      .map((type) => type.name),
  );
  const refVisible = (ref: TypeRef): boolean =>
    ref.kind === 'list' ? refVisible(ref.of) : !(ref.name in compiled.types) || visibleTypeNames.has(ref.name);
  const fieldVisible = (field: CompiledField): boolean =>
    access.missingScopes(field.access.requiresScope).length === 0 && refVisible(field.type);
  const operationVisible = (operation: { access: OperationAccess; returnType: string }): boolean =>
    operationRefusal(operation.access, access) === undefined &&
    operation.access.requiresPermission.every((permission) => permissions.has(permission)) &&
    visibleTypeNames.has(operation.returnType);

  // A type left without fields cannot be in a GraphQL schema; dropping it hides the fields that
  // lead to it, which can empty another type: repeat until nothing changes.
  let types: Record<string, CompiledObjectType> = {};
  for (;;) {
    types = Object.fromEntries(
      Object.values(compiled.types)
        .filter((type) => visibleTypeNames.has(type.name))
        .map((type) => [type.name, { ...type, fields: type.fields.filter(fieldVisible) }]),
    );
    const empty = Object.values(types).filter((type) => type.fields.length === 0);
    if (empty.length === 0) break;
    for (const type of empty) visibleTypeNames.delete(type.name);
  }
  const queries = Object.fromEntries(Object.entries(compiled.queries).filter(([, query]) => operationVisible(query)));
  const mutations = Object.fromEntries(
    Object.entries(compiled.mutations).filter(([, mutation]) => operationVisible(mutation)),
  );
  const returned = [...Object.values(queries), ...Object.values(mutations)].map((operation) => operation.returnType);
  return { ...compiled, types: reachableTypes(types, returned), queries, mutations };
}

/**
 * The types reachable from the operations a caller may call, through the fields it may read.
 * A type reachable from nothing it may call is left out too: `__type(name: "User")` must not
 * describe a type no operation of this caller returns.
 */
function reachableTypes(
  types: Readonly<Record<string, CompiledObjectType>>,
  roots: readonly string[],
): Record<string, CompiledObjectType> {
  const reached = new Map<string, CompiledObjectType>();
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const type = Object.hasOwn(types, name) ? types[name] : undefined;
    if (type === undefined || reached.has(name)) continue;
    reached.set(name, type);
    for (const field of type.fields) pending.push(namedTypeOf(field.type));
  }
  return Object.fromEntries(reached);
}

function namedTypeOf(ref: TypeRef): string {
  return ref.kind === 'list' ? namedTypeOf(ref.of) : ref.name;
}
