import type { JsonValue } from '../schema/compiled-schema.ts';
import {
  checkGraphqlName,
  checkOptionNames,
  isRecord,
  readText,
  readTypeNotation,
} from './declaration-checks.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonArgument } from './schema-json-document.ts';

/** An argument or input field: its GraphQL type (`'String!'`), or options. */
export type ArgumentSpec =
  | string
  | {
      /** GraphQL type; a trailing `!` means required: `String!`, `[ID!]`. */
      readonly type: string;
      /** Used when the client passes nothing. Default: none. */
      readonly default?: JsonValue;
      readonly description?: string;
    };

/** Reads argument specs (`{ email: 'String!' }`) into `schema.json` arguments, in order. */
export function readArguments(args: unknown, where: string): SchemaJsonArgument[] {
  if (args === undefined) return [];
  if (!isRecord(args)) throw new SchemaAuthoringError(`${where}: "args" must map names to types`);
  return Object.entries(args).map(([name, spec]) =>
    readArgument(name, spec, `${where} argument "${name}"`),
  );
}

function readArgument(name: string, spec: unknown, where: string): SchemaJsonArgument {
  checkGraphqlName(name, where);
  if (typeof spec === 'string') return { name, ...readTypeNotation(spec, where) };
  if (!isRecord(spec)) {
    throw new SchemaAuthoringError(
      `${where}: write a type string such as "String!", or { type, ... }`,
    );
  }
  checkOptionNames(spec, ['type', 'default', 'description'], where);
  const argument: SchemaJsonArgument = { name, ...readTypeNotation(spec.type, where) };
  if (spec.default !== undefined) argument.default = spec.default as JsonValue;
  const description = readText(spec.description, where, 'description');
  if (description !== undefined) argument.description = description;
  return argument;
}
