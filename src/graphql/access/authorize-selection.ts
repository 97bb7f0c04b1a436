import { PublicError } from '../../errors/public-error.ts';
import type { CompiledField, CompiledObjectType, CompiledSchema } from '../../schema/compiled-schema.ts';
import type { FieldAuthorizer } from '../../sql/field-authorizer.ts';
import type { SelectedField } from '../../sql/selection.ts';
import type { CallerAccess } from './caller-access.ts';

/** A field answered with null because the caller lacks its scope (`onDeny: 'mask'`). */
export interface MaskedField {
  /** Response path: root key, then the response keys down to the field. */
  readonly path: readonly string[];
  readonly field: string;
  readonly requiredScopes: readonly string[];
}

export interface AuthorizedSelection {
  readonly selection: readonly SelectedField[];
  readonly masked: readonly MaskedField[];
}

/**
 * Checks every selected field against the caller, after fragments, aliases and `@skip`/
 * `@include` are resolved (so a skipped field is neither checked nor read, and a field reached
 * through a fragment or an alias is checked exactly like a direct one):
 * - a field whose scopes the caller lacks fails the operation (`onDeny: 'reject'`, the
 *   default) or becomes null with an error entry (`onDeny: 'mask'`);
 * - an object whose type requires a role the caller lacks fails the operation.
 *
 * @throws PublicError INSUFFICIENT_SCOPE or MISSING_ROLE (403).
 */
export function authorizeSelection(
  schema: CompiledSchema,
  typeName: string,
  selection: readonly SelectedField[],
  access: CallerAccess,
  rootKey: string,
): AuthorizedSelection {
  const masked: MaskedField[] = [];
  const type = typeNamed(schema, typeName);
  requireTypeRole(type, access, [rootKey]);
  const authorized = walk(schema, type, selection, access, [rootKey], masked);
  return { selection: authorized, masked };
}

function walk(
  schema: CompiledSchema,
  type: CompiledObjectType,
  selection: readonly SelectedField[],
  access: CallerAccess,
  path: readonly string[],
  masked: MaskedField[],
): SelectedField[] {
  return selection.map((selected) => {
    if (selected.kind === 'typename' || selected.kind === 'masked') return selected;
    const field = fieldStored(type, selected.storageKey);
    const fieldPath = [...path, selected.responseKey];
    const missing = access.missingScopes(field.access.requiresScope);
    if (missing.length > 0) {
      if (field.access.onDeny === 'reject') {
        throw new PublicError('INSUFFICIENT_SCOPE', {
          extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: missing, field: `${type.name}.${field.name}` },
          logDetail: { path: fieldPath.join('.') },
        });
      }
      masked.push({ path: fieldPath, field: `${type.name}.${field.name}`, requiredScopes: missing });
      return { kind: 'masked', responseKey: selected.responseKey };
    }
    if (selected.kind === 'scalar') return selected;

    const target = typeNamed(schema, selected.typeName);
    requireTypeRole(target, access, fieldPath);
    return { ...selected, selections: walk(schema, target, selected.selections, access, fieldPath, masked) };
  });
}

function requireTypeRole(type: CompiledObjectType, access: CallerAccess, path: readonly string[]): void {
  if (type.requiresRole.length === 0 || type.requiresRole.some((role) => access.hasRole(role))) return;
  throw new PublicError('MISSING_ROLE', {
    extensions: { reason: 'MISSING_ROLE', requiredRoles: type.requiresRole, type: type.name },
    logDetail: { path: path.join('.') },
  });
}

/**
 * The `where`/`orderBy` decision for this caller: filtering or sorting on a field reads it, so
 * the same scopes and type roles apply, whatever `onDeny` says (a masked field cannot be
 * filtered either).
 */
export function fieldAuthorizerFor(access: CallerAccess): FieldAuthorizer {
  return (owner, target, path) => {
    const missing = access.missingScopes(target.field.access.requiresScope);
    if (missing.length > 0) {
      throw new PublicError('INSUFFICIENT_SCOPE', {
        extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: missing, field: `${owner.name}.${target.field.name}` },
        logDetail: { path },
      });
    }
    if (target.kind === 'object') requireTypeRole(target.type, access, [path]);
  };
}

function typeNamed(schema: CompiledSchema, name: string): CompiledObjectType {
  const type = Object.hasOwn(schema.types, name) ? schema.types[name] : undefined;
  if (type === undefined) throw new Error(`No compiled type ${name}`);
  return type;
}

function fieldStored(type: CompiledObjectType, storageKey: string): CompiledField {
  const field = type.fields.find((candidate) => candidate.storageKey === storageKey);
  if (field === undefined) throw new Error(`No field stored as ${storageKey} on ${type.name}`);
  return field;
}
