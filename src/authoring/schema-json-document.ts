import type { JsonValue } from '../schema/compiled-schema.ts';

/**
 * The `schema.json` the authoring API writes: FraiseQL's AuthoringIR with snake_case keys.
 * Optional keys are left out when they are not set, as FraiseQL's SDKs do.
 */
export interface SchemaJsonDocument {
  version: string;
  types: SchemaJsonType[];
  enums?: SchemaJsonEnum[];
  input_types?: SchemaJsonInputType[];
  custom_scalars?: { name: string; description?: string }[];
  queries: SchemaJsonQuery[];
  mutations?: SchemaJsonMutation[];
  naming_convention?: 'preserve' | 'camelCase';
  query_defaults?: SchemaJsonAutoParams;
  inject_defaults?: {
    base?: Record<string, string>;
    queries?: Record<string, string>;
    mutations?: Record<string, string>;
  };
}

export interface SchemaJsonField {
  name: string;
  type: string;
  nullable: boolean;
  description?: string;
  /** One scope as a string (FraiseQL's form); several as a list (a fraiseql-ts extension). */
  requires_scope?: string | string[];
  on_deny?: 'reject' | 'mask';
  vector_config?: { dimensions: number; index_type: string; distance_metric: string };
  vector_distance?: string;
}

export interface SchemaJsonType {
  name: string;
  sql_source?: string;
  description?: string;
  requires_role?: string | string[];
  is_error?: boolean;
  relay?: boolean;
  tenant_scoped?: boolean;
  fields: SchemaJsonField[];
}

export interface SchemaJsonEnum {
  name: string;
  values: { name: string; description?: string }[];
  description?: string;
}

export interface SchemaJsonInputField {
  name: string;
  type: string;
  nullable: boolean;
  description?: string;
  default?: JsonValue;
}

export interface SchemaJsonInputType {
  name: string;
  fields: SchemaJsonInputField[];
  description?: string;
}

export interface SchemaJsonArgument {
  name: string;
  type: string;
  nullable: boolean;
  default?: JsonValue;
  description?: string;
}

export interface SchemaJsonAutoParams {
  where?: boolean;
  order_by?: boolean;
  limit?: boolean;
  offset?: boolean;
}

interface SchemaJsonOperation {
  name: string;
  return_type: string;
  returns_list: boolean;
  nullable: boolean;
  /** A query without one reads the view of the type it returns. */
  sql_source?: string;
  arguments: SchemaJsonArgument[];
  description?: string;
  /** Flat form: column or parameter name -> `jwt:<claim>`. */
  inject_params?: Record<string, string>;
  requires_role?: string | string[];
  requires_scope?: string | string[];
  /** Permissions granted in the database (`fraiseql_auth`); a fraiseql-ts extension. */
  requires_permission?: string | string[];
  public?: boolean;
}

export interface SchemaJsonQuery extends SchemaJsonOperation {
  jsonb_column?: string;
  auto_params?: SchemaJsonAutoParams;
  cache_ttl_seconds?: number;
  additional_views?: string[];
  relay?: boolean;
}

export interface SchemaJsonMutation extends SchemaJsonOperation {
  operation?: string;
  input_style?: 'flatten' | 'jsonb';
  invalidates_views?: string[];
  invalidates_fact_tables?: string[];
}
