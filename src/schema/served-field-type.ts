import type { TypeRef } from './compiled-schema.ts';

/**
 * True when a field of an object type is a relation to another object type: a single nested
 * object (not a scalar, an enum or a list). A composed view builds it with a sub-select or a
 * join on the related row, which finds nothing when row-level security hides that row, so the
 * field can be null whatever its declaration says.
 */
export function isRelationField(
  type: TypeRef,
  isObjectType: (name: string) => boolean,
): type is Extract<TypeRef, { kind: 'named' }> {
  return type.kind === 'named' && isObjectType(type.name);
}

/**
 * The type a field of an object type is served with, in the GraphQL schema that validates
 * documents and answers introspection. A relation (`isRelationField`) is always nullable, as
 * PostGraphile serves foreign-key relations: a non-null field answering null for a hidden row
 * would break the response's contract. Every other field keeps its declared type.
 */
export function servedFieldType(type: TypeRef, isObjectType: (name: string) => boolean): TypeRef {
  return isRelationField(type, isObjectType) && !type.nullable ? { ...type, nullable: true } : type;
}
