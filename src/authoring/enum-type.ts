import { checkGraphqlName, checkOptionNames, isRecord, readText } from './declaration-checks.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonEnum } from './schema-json-document.ts';

/** The values of an enum: a list of names, or names mapped to `{ description }`. */
export type EnumValues =
  readonly string[] | Readonly<Record<string, { readonly description?: string }>>;

/** A declared enum, ready for `defineSchema`. */
export interface EnumDeclaration {
  readonly kind: 'enum';
  readonly name: string;
  readonly json: SchemaJsonEnum;
}

/**
 * Declares an enum. Values are stored in views as their names (`'SHIPPED'`).
 *
 * @example enumType('OrderStatus', ['PENDING', 'SHIPPED', 'CANCELLED'])
 */
export function enumType(
  name: string,
  values: EnumValues,
  options: { readonly description?: string } = {},
): EnumDeclaration {
  const where = `enum "${String(name)}"`;
  checkGraphqlName(name, where);
  checkOptionNames(options, ['description'], where);
  const entries: [string, unknown][] = Array.isArray(values)
    ? values.map((value: unknown) => [String(value), {}])
    : isRecord(values)
      ? Object.entries(values)
      : [];
  if (entries.length === 0) throw new SchemaAuthoringError(`${where}: list at least one value`);

  const json: SchemaJsonEnum = { name, values: [] };
  for (const [value, meta] of entries) {
    checkGraphqlName(value, `${where} value`);
    checkOptionNames(meta, ['description'], `${where} value "${value}"`);
    const description = readText(meta.description, `${where} value "${value}"`, 'description');
    json.values.push(description === undefined ? { name: value } : { name: value, description });
  }
  const description = readText(options.description, where, 'description');
  if (description !== undefined) json.description = description;
  return Object.freeze({ kind: 'enum', name, json });
}
