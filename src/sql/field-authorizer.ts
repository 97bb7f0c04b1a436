import type { CompiledObjectType } from '../schema/compiled-schema.ts';
import { PublicError } from '../errors/public-error.ts';
import type { FieldTarget } from './field-target.ts';

/**
 * Decides whether the caller may filter or sort on a field; throws a `PublicError` to refuse.
 * Filtering on a field is reading it one bit at a time (`salary: { gt: 100000 }`), and so is a
 * query argument that filters on it (`user_by_email(email: ...)`), so the layer that knows the
 * caller's scopes and roles passes its own decision here. `path` names the field in the
 * request, e.g. `where.author.email`, `orderBy[0].field`, or the argument's name (`email`).
 */
export type FieldAuthorizer = (
  owner: CompiledObjectType,
  target: FieldTarget,
  path: string,
) => void;

/**
 * The decision used when the caller passes none: it knows no scopes or roles, so it refuses any
 * field that requires a scope and any nested object whose type requires a role (fail closed).
 */
export const refuseProtectedFields: FieldAuthorizer = (owner, target, path) => {
  if (target.field.access.requiresScope.length > 0) {
    throw new PublicError('INSUFFICIENT_SCOPE', {
      extensions: { path },
      logDetail: {
        reason: 'filter or sort on a scoped field without an authorizer',
        type: owner.name,
        field: target.field.name,
        requiresScope: target.field.access.requiresScope,
      },
    });
  }
  if (target.kind === 'object' && target.type.requiresRole.length > 0) {
    throw new PublicError('MISSING_ROLE', {
      extensions: { path },
      logDetail: {
        reason: 'filter on a role-protected type without an authorizer',
        type: target.type.name,
        requiresRole: target.type.requiresRole,
      },
    });
  }
};
