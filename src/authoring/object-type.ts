import {
  checkGraphqlName,
  checkOptionNames,
  isRecord,
  readFlag,
  readRoles,
  readScopes,
  readSqlName,
  readText,
  readTypeNotation,
} from './declaration-checks.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonField, SchemaJsonType } from './schema-json-document.ts';

/** Vector column settings, written for FraiseQL (fraiseql-ts serves the value as stored). */
export interface VectorConfig {
  readonly dimensions: number;
  /** Default `hnsw`. */
  readonly indexType?: 'hnsw' | 'ivf_flat' | 'none';
  /** Default `cosine`. */
  readonly distanceMetric?: 'cosine' | 'l2' | 'inner_product' | 'hamming' | 'jaccard';
}

/** A field with more than a type. */
export interface FieldOptions {
  /** GraphQL type; a trailing `!` means non-null: `String!`, `[Tag!]`, `User`. */
  readonly type: string;
  readonly description?: string;
  /** Scopes the caller must all hold to read this field. Default: none. */
  readonly requiresScope?: string | readonly string[];
  /** Without the scope: `reject` (default) fails the request, `mask` answers null. */
  readonly onDeny?: 'reject' | 'mask';
  readonly vectorConfig?: VectorConfig;
  /** For a computed distance field: the vector field it measures. */
  readonly vectorDistance?: string;
}

/** A field: its GraphQL type (`'String!'`), or options. */
export type FieldSpec = string | FieldOptions;

/** Options of `type()`. */
export interface ObjectTypeOptions {
  /** Field name -> type or options, in the order they appear in the schema. */
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** The view this type is read from (`v_post`); queries returning it default to this view. */
  readonly sqlSource?: string;
  readonly description?: string;
  /** The caller must hold at least one of these roles to see this type. Default: none. */
  readonly requiresRole?: string | readonly string[];
  /** Marks a type that reports a mutation failure as data. Default false. */
  readonly isError?: boolean;
  /** FraiseQL Relay flag (accepted and reported as ignored by fraiseql-ts). Default false. */
  readonly relay?: boolean;
  /**
   * Rows of this type belong to a tenant: every query and mutation returning it injects
   * `tenant_id` from the token's `tenant_id` claim (unless it injects `tenant_id` itself), and
   * a token without the claim is refused. Written as `tenant_scoped` in schema.json. Default
   * false.
   */
  readonly tenantScoped?: boolean;
}

/** A declared object type, ready for `defineSchema`. */
export interface ObjectTypeDeclaration {
  readonly kind: 'type';
  readonly name: string;
  readonly json: SchemaJsonType;
}

const TYPE_OPTIONS = [
  'fields',
  'sqlSource',
  'description',
  'requiresRole',
  'isError',
  'relay',
  'tenantScoped',
];
const FIELD_OPTIONS = [
  'type',
  'description',
  'requiresScope',
  'onDeny',
  'vectorConfig',
  'vectorDistance',
];

/**
 * Declares an object type with an explicit field list (TypeScript types are erased at run time,
 * so nothing is inferred). Field names are GraphQL names; each is stored in the view's JSONB
 * under its snake_case form (`createdAt` -> `created_at`).
 *
 * @example type('Post', { sqlSource: 'v_post', fields: { id: 'ID!', title: 'String!' } })
 */
export function type(name: string, options: ObjectTypeOptions): ObjectTypeDeclaration {
  const where = `type "${String(name)}"`;
  checkGraphqlName(name, where);
  checkOptionNames(options, TYPE_OPTIONS, where);
  if (!isRecord(options.fields) || Object.keys(options.fields).length === 0) {
    throw new SchemaAuthoringError(`${where}: "fields" must list at least one field`);
  }

  const json: SchemaJsonType = { name, fields: [] };
  const sqlSource = readSqlName(options.sqlSource, where, 'sqlSource');
  if (sqlSource !== undefined) json.sql_source = sqlSource;
  const description = readText(options.description, where, 'description');
  if (description !== undefined) json.description = description;
  const roles = readRoles(options.requiresRole, where);
  if (roles !== undefined) json.requires_role = roles;
  if (readFlag(options.isError, where, 'isError') === true) json.is_error = true;
  if (readFlag(options.relay, where, 'relay') === true) json.relay = true;
  if (readFlag(options.tenantScoped, where, 'tenantScoped') === true) json.tenant_scoped = true;

  for (const [fieldName, spec] of Object.entries(options.fields)) {
    json.fields.push(readField(fieldName, spec, `${where} field "${fieldName}"`));
  }
  return Object.freeze({ kind: 'type', name, json });
}

/** The same as `type`, for code where `type` reads awkwardly. */
export const objectType = type;

function readField(name: string, spec: unknown, where: string): SchemaJsonField {
  checkGraphqlName(name, where);
  if (typeof spec === 'string') return { name, ...readTypeNotation(spec, where) };
  if (!isRecord(spec)) {
    throw new SchemaAuthoringError(
      `${where}: write a type string such as "String!", or { type, ... }`,
    );
  }
  checkOptionNames(spec, FIELD_OPTIONS, where);

  const field: SchemaJsonField = { name, ...readTypeNotation(spec.type, where) };
  const description = readText(spec.description, where, 'description');
  if (description !== undefined) field.description = description;
  const scopes = readScopes(spec.requiresScope, where);
  if (scopes !== undefined) field.requires_scope = scopes;
  if (spec.onDeny !== undefined) {
    if (spec.onDeny !== 'reject' && spec.onDeny !== 'mask') {
      throw new SchemaAuthoringError(`${where}: "onDeny" must be "reject" or "mask"`);
    }
    if (scopes === undefined) {
      throw new SchemaAuthoringError(`${where}: "onDeny" needs "requiresScope" to have an effect`);
    }
    field.on_deny = spec.onDeny;
  }
  if (spec.vectorConfig !== undefined)
    field.vector_config = readVectorConfig(spec.vectorConfig, where);
  const distance = readText(spec.vectorDistance, where, 'vectorDistance');
  if (distance !== undefined) field.vector_distance = distance;
  return field;
}

function readVectorConfig(
  value: unknown,
  where: string,
): NonNullable<SchemaJsonField['vector_config']> {
  checkOptionNames(value, ['dimensions', 'indexType', 'distanceMetric'], `${where} vectorConfig`);
  const { dimensions, indexType = 'hnsw', distanceMetric = 'cosine' } = value;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
    throw new SchemaAuthoringError(`${where}: vectorConfig.dimensions must be a positive integer`);
  }
  if (typeof indexType !== 'string' || typeof distanceMetric !== 'string') {
    throw new SchemaAuthoringError(
      `${where}: vectorConfig.indexType and distanceMetric are strings`,
    );
  }
  return { dimensions, index_type: indexType, distance_metric: distanceMetric };
}
