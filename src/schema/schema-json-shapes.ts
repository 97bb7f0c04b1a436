import { z } from 'zod';

import { splitInjectText } from './inject-claim.ts';

/**
 * The keys of FraiseQL's `schema.json` (the AuthoringIR) that fraiseql-ts acts on, as zod
 * schemas. Objects here are not strict: keys outside these shapes are handled by
 * `findIgnoredKeys`, which reports each one as ignored or refuses it. Nulls count as absent,
 * as they do for FraiseQL's optional keys. Lists that FraiseQL writes as "one string" are
 * widened to string lists so later stages see one form.
 */

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

const optionalFlag = z
  .boolean()
  .nullish()
  .transform((value) => value ?? undefined);

const falseByDefault = z
  .boolean()
  .nullish()
  .transform((value) => value ?? false);

const name = z.string({ error: 'must be a string' });

const nullableFlag = z.boolean({
  error: (issue) =>
    issue.input === undefined
      ? 'is required: add "nullable": true or false'
      : 'must be true or false',
});

const stringOrList = z
  .union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' })
  .nullish()
  .transform((value): string[] => {
    if (value === null || value === undefined) return [];
    return typeof value === 'string' ? [value] : value;
  });

function listOf<Item extends z.ZodType>(item: Item) {
  return z
    .array(item)
    .nullish()
    .transform((value): z.output<Item>[] => value ?? []);
}

/** `"jwt:org.id"` or `{"source": "jwt", "claim": "org.id"}`, both read as `{source, claim}`. */
const injectSource = z.union(
  [
    z.string().transform(splitInjectText),
    z.strictObject({ source: z.string(), claim: z.string() }),
  ],
  { error: 'must be "jwt:<claim>" or {"source": "jwt", "claim": "<claim>"}' },
);

const injectMap = z
  .record(z.string(), injectSource)
  .nullish()
  .transform((value) => value ?? {});

/** `auto_params` on a query, and `query_defaults` at the root. */
export const autoParamsShape = z.object({
  where: optionalFlag,
  order_by: optionalFlag,
  limit: optionalFlag,
  offset: optionalFlag,
});

export const fieldShape = z.object({
  name,
  type: z.string({ error: 'must be a type string such as "String" or "[Tag!]"' }),
  nullable: nullableFlag,
  description: optionalText,
  requires_scope: stringOrList,
  on_deny: z
    .enum(['reject', 'mask'])
    .nullish()
    .transform((value) => value ?? undefined),
});

export const objectTypeShape = z.object({
  name,
  fields: listOf(fieldShape),
  description: optionalText,
  sql_source: optionalText,
  requires_role: stringOrList,
  is_error: falseByDefault,
  tenant_scoped: falseByDefault,
});

export const enumValueShape = z.object({ name, description: optionalText });

export const enumShape = z.object({
  name,
  values: listOf(
    z.union(
      [z.string().transform((value) => ({ name: value, description: undefined })), enumValueShape],
      {
        error: 'must be a name or {"name": ...}',
      },
    ),
  ),
  description: optionalText,
});

export const inputFieldShape = z.object({
  name,
  type: z.string({ error: 'must be a type string such as "String" or "[Tag!]"' }),
  /** Input fields are nullable unless said otherwise (FraiseQL's rule for input objects). */
  nullable: z
    .boolean()
    .nullish()
    .transform((value) => value ?? true),
  description: optionalText,
  default: z.json().optional(),
});

export const inputTypeShape = z.object({
  name,
  fields: listOf(inputFieldShape),
  description: optionalText,
});

export const argumentShape = z.object({
  name,
  type: z.string({ error: 'must be a type string such as "String" or "[Tag!]"' }),
  nullable: nullableFlag,
  default: z.json().optional(),
  description: optionalText,
});

const operationKeys = {
  name,
  return_type: z.string({ error: 'must be a type name such as "Post"' }),
  returns_list: optionalFlag,
  nullable: falseByDefault,
  arguments: listOf(argumentShape),
  description: optionalText,
  sql_source: optionalText,
  inject_params: injectMap,
  requires_role: stringOrList,
  requires_scope: stringOrList,
  requires_permission: stringOrList,
  public: falseByDefault,
};

export const queryShape = z.object({
  ...operationKeys,
  jsonb_column: optionalText,
  auto_params: autoParamsShape.nullish().transform((value) => value ?? undefined),
});

export const mutationShape = z.object({
  ...operationKeys,
  operation: optionalText,
  input_style: z
    .enum(['flatten', 'jsonb'])
    .nullish()
    .transform((value) => value ?? undefined),
});

export const customScalarShape = z.object({ name, description: optionalText });

export const injectDefaultsShape = z.object({
  base: injectMap,
  queries: injectMap,
  mutations: injectMap,
});

export const schemaJsonShape = z.object({
  version: optionalText,
  naming_convention: z
    .enum(['preserve', 'camelCase'])
    .nullish()
    .transform((value) => value ?? undefined),
  types: listOf(objectTypeShape),
  enums: listOf(enumShape),
  input_types: listOf(inputTypeShape),
  queries: listOf(queryShape),
  mutations: listOf(mutationShape),
  custom_scalars: listOf(customScalarShape),
  query_defaults: autoParamsShape.nullish().transform((value) => value ?? undefined),
  inject_defaults: injectDefaultsShape.nullish().transform((value) => value ?? undefined),
});

/** A parsed `schema.json`: only the keys acted on, in one normalised form. */
export type SchemaIr = z.output<typeof schemaJsonShape>;
export type IrObjectType = SchemaIr['types'][number];
export type IrField = IrObjectType['fields'][number];
export type IrEnum = SchemaIr['enums'][number];
export type IrInputType = SchemaIr['input_types'][number];
export type IrInputField = IrInputType['fields'][number];
export type IrQuery = SchemaIr['queries'][number];
export type IrMutation = SchemaIr['mutations'][number];
export type IrArgument = IrQuery['arguments'][number];
export type IrAutoParams = z.output<typeof autoParamsShape>;
export type IrInjectSource = IrQuery['inject_params'][string];
