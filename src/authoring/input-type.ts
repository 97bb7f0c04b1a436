import { readArguments, type ArgumentSpec } from './argument-spec.ts';
import { checkGraphqlName, checkOptionNames, isRecord, readText } from './declaration-checks.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonInputType } from './schema-json-document.ts';

/** Options of `inputType()`. */
export interface InputTypeOptions {
  /** Field name -> type or `{ type, default, description }`, in order. */
  readonly fields: Readonly<Record<string, ArgumentSpec>>;
  readonly description?: string;
}

/** A declared input object, ready for `defineSchema`. */
export interface InputTypeDeclaration {
  readonly kind: 'input';
  readonly name: string;
  readonly json: SchemaJsonInputType;
}

/**
 * Declares an input object for mutation arguments. With the default `inputStyle: 'flatten'` a
 * mutation whose only argument is an input object passes one SQL parameter per field.
 *
 * @example inputType('CreateUserInput', { fields: { email: 'String!', name: 'String' } })
 */
export function inputType(name: string, options: InputTypeOptions): InputTypeDeclaration {
  const where = `input type "${String(name)}"`;
  checkGraphqlName(name, where);
  checkOptionNames(options, ['fields', 'description'], where);
  if (!isRecord(options.fields) || Object.keys(options.fields).length === 0) {
    throw new SchemaAuthoringError(`${where}: "fields" must list at least one field`);
  }
  const json: SchemaJsonInputType = { name, fields: readArguments(options.fields, where) };
  const description = readText(options.description, where, 'description');
  if (description !== undefined) json.description = description;
  return Object.freeze({ kind: 'input', name, json });
}
