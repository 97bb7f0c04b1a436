/**
 * fraiseql-ts: declare a schema in TypeScript, compile it, serve it.
 *
 * ```ts
 * import { defineSchema, type, query, mutation } from 'fraiseql-ts';
 * ```
 */

// Authoring: declarations that write FraiseQL's schema.json.
export { defineSchema, SCHEMA_JSON_VERSION } from './authoring/define-schema.ts';
export type { SchemaDefinition, SchemaOptions } from './authoring/define-schema.ts';
export { type, objectType } from './authoring/object-type.ts';
export type {
  FieldOptions,
  FieldSpec,
  ObjectTypeDeclaration,
  ObjectTypeOptions,
  VectorConfig,
} from './authoring/object-type.ts';
export { enumType } from './authoring/enum-type.ts';
export type { EnumDeclaration, EnumValues } from './authoring/enum-type.ts';
export { inputType } from './authoring/input-type.ts';
export type { InputTypeDeclaration, InputTypeOptions } from './authoring/input-type.ts';
export type { ArgumentSpec } from './authoring/argument-spec.ts';
export { query } from './authoring/query.ts';
export type { AutoParamOptions, QueryDeclaration, QueryOptions } from './authoring/query.ts';
export { mutation } from './authoring/mutation.ts';
export type { MutationDeclaration, MutationOptions } from './authoring/mutation.ts';
export type { OperationOptions } from './authoring/operation-options.ts';
export type { SchemaJsonDocument } from './authoring/schema-json-document.ts';
export { SchemaAuthoringError } from './authoring/schema-authoring-error.ts';

// Compiling: schema.json (ours or FraiseQL's SDKs') -> the compiled schema the server loads.
export { parseSchemaJson } from './schema/schema-json.ts';
export type { ParsedSchemaJson, SchemaIr } from './schema/schema-json.ts';
export { compileSchema, compileSchemaJson } from './schema/compile-schema.ts';
export type { CompileOptions, CompileResult } from './schema/compile-schema.ts';
export { loadCompiledSchema } from './schema/load-compiled-schema.ts';
export { loadSchemaSource } from './schema/load-schema-source.ts';
export { SchemaCompileError } from './schema/schema-compile-error.ts';
export type { SchemaProblem } from './schema/schema-compile-error.ts';
export { SchemaSourceError } from './schema/schema-source-error.ts';
export type { CompiledSchema } from './schema/compiled-schema.ts';
