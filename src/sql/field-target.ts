import type {
  CompiledField,
  CompiledObjectType,
  CompiledSchema,
  TypeRef,
} from '../schema/compiled-schema.ts';
import { scalarFamily } from './scalar-family.ts';

/** What a field of an object type holds, as the SQL layer needs to know it. */
export type FieldTarget =
  | {
      readonly kind: 'scalar';
      readonly field: CompiledField;
      /** The scalar or enum name. */
      readonly scalar: string;
      readonly isEnum: boolean;
      /** A JSON array of such values. */
      readonly isList: boolean;
    }
  | {
      readonly kind: 'object';
      readonly field: CompiledField;
      readonly type: CompiledObjectType;
      /** A JSON array of such objects. */
      readonly isList: boolean;
    };

function innermostName(ref: TypeRef): { readonly name: string; readonly isList: boolean } {
  let current = ref;
  let isList = false;
  while (current.kind === 'list') {
    isList = true;
    current = current.of;
  }
  return { name: current.name, isList };
}

/** Resolves a field's declared type against the compiled schema. */
export function resolveFieldTarget(field: CompiledField, schema: CompiledSchema): FieldTarget {
  const { name, isList } = innermostName(field.type);
  const objectType = Object.hasOwn(schema.types, name) ? schema.types[name] : undefined;
  if (objectType !== undefined) return { kind: 'object', field, type: objectType, isList };
  const isEnum = Object.hasOwn(schema.enums, name);
  return { kind: 'scalar', field, scalar: name, isEnum, isList };
}

/** The field of `type` whose GraphQL name is `name` (exact match), if any. */
export function fieldNamed(type: CompiledObjectType, name: string): CompiledField | undefined {
  return type.fields.find((field) => field.name === name);
}

/**
 * The fields `orderBy` accepts: single scalars and enums, except JSON and vectors (their order
 * means nothing to a client).
 */
export function orderableFields(
  type: CompiledObjectType,
  schema: CompiledSchema,
): readonly FieldTarget[] {
  return type.fields
    .map((field) => resolveFieldTarget(field, schema))
    .filter((target) => {
      if (target.kind !== 'scalar' || target.isList) return false;
      const family = target.isEnum ? 'string' : scalarFamily(target.scalar);
      return family !== 'json' && family !== 'vector';
    });
}
