import {
  argumentShape,
  autoParamsShape,
  customScalarShape,
  enumShape,
  enumValueShape,
  fieldShape,
  injectDefaultsShape,
  inputFieldShape,
  inputTypeShape,
  mutationShape,
  objectTypeShape,
  queryShape,
  schemaJsonShape,
} from './schema-json-shapes.ts';

/** The kinds of object found in a `schema.json`. */
export type ObjectKind =
  | 'root'
  | 'type'
  | 'field'
  | 'enum'
  | 'enumValue'
  | 'inputType'
  | 'inputField'
  | 'query'
  | 'mutation'
  | 'argument'
  | 'autoParams'
  | 'customScalar'
  | 'injectDefaults';

/** What each key of one kind of object means to fraiseql-ts. */
export interface KeyRule {
  /** How messages name this kind of object ("a field"). */
  readonly label: string;
  /** When true, every unknown key is refused (used where a lost key would widen access). */
  readonly strict?: boolean;
  /** Keys read and enforced (taken from the zod shapes, so the two cannot drift apart). */
  readonly acted: readonly string[];
  /** FraiseQL keys accepted but not acted on, each with the reason given in `ignoredKeys`. */
  readonly ignored: Readonly<Record<string, string>>;
  /**
   * Keys refused with a message: known misspellings of security keys, and FraiseQL features
   * whose being ignored would leave data readable that the author meant to protect.
   */
  readonly refused: Readonly<Record<string, string>>;
  /** Acted keys holding nested objects (or lists of them) to check in turn. */
  readonly children: Readonly<Record<string, ObjectKind>>;
}

/**
 * Security keys and where each one is enforced. An unknown key within two edits of one of these
 * (ignoring case and `_`) is refused, never ignored: `requiresScope` silently ignored would leave
 * a field readable by everyone.
 */
export const SECURITY_KEYS: Readonly<Record<string, string>> = {
  requires_scope: 'fields, queries and mutations',
  requires_role: 'types, queries and mutations',
  requires_permission: 'queries and mutations',
  inject_params: 'queries and mutations',
  public: 'queries and mutations',
  on_deny: 'fields',
  tenant_scoped: 'types',
};

const USE_REQUIRES_SCOPE =
  'is not a schema.json key: write "requires_scope" (a string, or a list of scopes that must all be held)';

const SCOPE_DRIFT: Readonly<Record<string, string>> = {
  scope: USE_REQUIRES_SCOPE,
  scopes: USE_REQUIRES_SCOPE,
  requiresScope: USE_REQUIRES_SCOPE,
  requiresScopes: USE_REQUIRES_SCOPE,
  requires_scopes: USE_REQUIRES_SCOPE,
};

const USE_REQUIRES_PERMISSION =
  'is not a schema.json key: write "requires_permission" (a string, or a list of permissions that must all be granted in the database)';

const OPERATION_DRIFT: Readonly<Record<string, string>> = {
  ...SCOPE_DRIFT,
  permission: USE_REQUIRES_PERMISSION,
  permissions: USE_REQUIRES_PERMISSION,
  inject:
    'is the authoring spelling; schema.json uses "inject_params" (e.g. {"user_id": "jwt:sub"}). It is refused rather than ignored because ignoring it would leave the operation unscoped',
  return_array: 'is the fraiseql.toml spelling; schema.json uses "returns_list"',
  requires_actor:
    'is not supported: fraiseql-ts has no actor types, so the operation would be open to every caller. Use requires_role or requires_scope',
};

const NOT_CACHED =
  'fraiseql-ts has no result cache yet, so there is nothing to expire or invalidate';

const OPERATION_IGNORED: Readonly<Record<string, string>> = {
  deprecated: 'deprecation is not published in the GraphQL schema yet',
  rest: 'the REST transport is not supported; the operation is served over GraphQL only',
};

const keysOf = (shape: { readonly shape: object }): readonly string[] => Object.keys(shape.shape);

/** The rules for every kind of object, keyed by kind. */
export const KEY_RULES: Readonly<Record<ObjectKind, KeyRule>> = {
  root: {
    label: 'the schema root',
    acted: keysOf(schemaJsonShape),
    ignored: {
      interfaces:
        'interfaces are not supported yet; a field or return type naming one is refused at compile',
      unions:
        'unions are not supported yet; a field or return type naming one is refused at compile',
      subscriptions: 'subscriptions are not supported yet; nothing is served for them',
      subscriptions_config: 'subscriptions are not supported yet',
      fragments: 'stored fragments are not supported',
      directives: 'custom directives are not supported',
      fact_tables: 'analytics fact tables are not supported',
      aggregate_queries: 'aggregate queries are not supported; nothing is served for them',
      observers: 'observers are not supported; no events are sent',
      observers_config: 'observers are not supported',
      sources: 'external sources are not supported',
      federation_config: 'federation is not supported',
      federation: 'federation is not supported',
      validation_config:
        'query limits are set in fraiseql.toml; the server applies its own defaults otherwise',
      debug_config: 'debug settings are not read from schema.json',
      mcp_config: 'the MCP transport is not supported',
      rest_config: 'the REST transport is not supported',
      grpc_config: 'the gRPC transport is not supported',
      hierarchies_config: 'hierarchies are not supported',
      changelog_config: 'the change-log outbox is not supported',
      customScalars:
        'this is the TypeScript SDK\'s camelCase key, which FraiseQL does not read either; declare scalars in "custom_scalars"',
    },
    refused: {
      security:
        'is not read from schema.json, so its settings would not be enforced: set them in fraiseql.toml [security]',
      auth: 'is not read from schema.json: authentication is configured in fraiseql.toml and the environment (JWT_SECRET)',
      session_variables:
        'is not read from schema.json, so policies relying on them would see no value: use inject_params on each operation (each injected value is also set as app.<name>)',
    },
    children: {
      types: 'type',
      enums: 'enum',
      input_types: 'inputType',
      queries: 'query',
      mutations: 'mutation',
      custom_scalars: 'customScalar',
      query_defaults: 'autoParams',
      inject_defaults: 'injectDefaults',
    },
  },
  type: {
    label: 'a type',
    acted: keysOf(objectTypeShape),
    ignored: {
      implements: 'interfaces are not supported yet',
      relay: 'Relay connections are not supported yet; list queries return plain lists',
      embedded: 'embedded-type handling is not needed: nested objects are read from the JSONB data',
      is_input: 'declare input objects in "input_types"',
      subscribable_tables: 'subscriptions are not supported yet',
      subscribable_pre_image: 'subscriptions are not supported yet',
    },
    refused: {},
    children: { fields: 'field' },
  },
  field: {
    label: 'a field',
    acted: keysOf(fieldShape),
    ignored: {
      directives: 'field directives are not supported',
      vector_config: 'vector search is not supported yet; the value is served as stored',
      vector_distance: 'vector search is not supported yet',
      hierarchy: 'hierarchies are not supported',
      deprecated: 'deprecation is not published in the GraphQL schema yet',
    },
    refused: {
      ...SCOPE_DRIFT,
      authorize:
        'is not supported: fraiseql-ts has no field authorizer plug-ins, so the field would be readable by everyone. Use requires_scope with on_deny',
      encryption:
        'is not supported: the value would be stored and served in clear. Encrypt it in the database instead',
    },
    children: {},
  },
  enum: {
    label: 'an enum',
    acted: keysOf(enumShape),
    ignored: {},
    refused: {},
    children: { values: 'enumValue' },
  },
  enumValue: {
    label: 'an enum value',
    acted: keysOf(enumValueShape),
    ignored: { deprecated: 'deprecation is not published in the GraphQL schema yet' },
    refused: {},
    children: {},
  },
  inputType: {
    label: 'an input type',
    acted: keysOf(inputTypeShape),
    ignored: {},
    refused: {},
    children: { fields: 'inputField' },
  },
  inputField: {
    label: 'an input field',
    acted: keysOf(inputFieldShape),
    ignored: { deprecated: 'deprecation is not published in the GraphQL schema yet' },
    refused: {},
    children: {},
  },
  query: {
    label: 'a query',
    acted: keysOf(queryShape),
    ignored: {
      ...OPERATION_IGNORED,
      relay: 'Relay connections are not supported yet; the query returns a plain list',
      relay_cursor_type: 'Relay connections are not supported yet',
      count: 'count sibling queries are not generated yet',
      read_routing: 'read replicas are not supported; every query reads the one database',
      cache_ttl_seconds: NOT_CACHED,
      additional_views: NOT_CACHED,
      rest_stream: 'the REST transport is not supported',
    },
    refused: OPERATION_DRIFT,
    children: { arguments: 'argument', auto_params: 'autoParams' },
  },
  mutation: {
    label: 'a mutation',
    acted: keysOf(mutationShape),
    ignored: {
      ...OPERATION_IGNORED,
      invalidates_views: NOT_CACHED,
      invalidates_fact_tables: NOT_CACHED,
      changelog: 'the change-log outbox is not supported; no change-log row is written',
      changelog_pre_image: 'the change-log outbox is not supported',
      cascade: 'cascade payloads are not supported yet; the mutation returns its entity',
    },
    refused: OPERATION_DRIFT,
    children: { arguments: 'argument' },
  },
  argument: {
    label: 'an argument',
    acted: keysOf(argumentShape),
    ignored: { deprecated: 'deprecation is not published in the GraphQL schema yet' },
    refused: {},
    children: {},
  },
  autoParams: {
    label: 'auto_params',
    acted: keysOf(autoParamsShape),
    ignored: {},
    refused: {},
    children: {},
  },
  customScalar: {
    label: 'a custom scalar',
    acted: keysOf(customScalarShape),
    ignored: {
      specified_by_url: 'scalar specifications are not published yet',
      validation_rules: 'custom scalar values are not validated yet; they pass through as JSON',
      base_type: 'custom scalar values pass through as JSON',
    },
    refused: {},
    children: {},
  },
  injectDefaults: {
    label: 'inject_defaults',
    strict: true,
    acted: keysOf(injectDefaultsShape),
    ignored: {},
    refused: {},
    children: {},
  },
};
