/**
 * The compiled schema: the one form the server loads.
 *
 * `fraiseql-ts compile` produces it from a FraiseQL `schema.json` (written by our authoring API
 * or by FraiseQL's own SDKs) plus `fraiseql.toml`. Every identifier that reaches SQL comes from
 * here, validated once at compile time, never from a request.
 */

/** A JSON value as found in `schema.json` defaults and in request variables. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A reference to a GraphQL type with explicit nullability at every level. */
export type TypeRef =
  | { readonly kind: 'named'; readonly name: string; readonly nullable: boolean }
  | { readonly kind: 'list'; readonly of: TypeRef; readonly nullable: boolean };

/** What a named type resolves to; decided at compile time. */
export type NamedTypeKind = 'scalar' | 'enum' | 'object' | 'input';

/** A possibly schema-qualified SQL object name, each part already checked as an identifier. */
export interface QualifiedName {
  readonly schema?: string;
  readonly name: string;
}

/**
 * Where an injected value comes from. Only JWT claims exist today; `path` is the claim path
 * split on dots (`jwt:org.id` gives `['org', 'id']`).
 */
export interface InjectSource {
  readonly source: 'jwt';
  readonly path: readonly string[];
}

/** Per-field authorization (issue 4 acts on `onDeny`). */
export interface FieldAccess {
  /** Every scope listed must be held. Empty means no scope is required. */
  readonly requiresScope: readonly string[];
  /** `reject` fails the operation; `mask` returns null with an error entry for the path. */
  readonly onDeny: 'reject' | 'mask';
}

export interface CompiledField {
  /** The GraphQL field name. */
  readonly name: string;
  /** The key inside the view's JSONB column (snake_case of the field name). */
  readonly storageKey: string;
  readonly type: TypeRef;
  readonly description?: string;
  readonly access: FieldAccess;
}

export interface CompiledObjectType {
  readonly name: string;
  readonly description?: string;
  /** The view this type is read from, when it has one of its own. */
  readonly sqlSource?: QualifiedName;
  readonly fields: readonly CompiledField[];
  /** Roles of which the caller must hold at least one to see this type. */
  readonly requiresRole: readonly string[];
  /** Marks a type used to report a mutation failure as data. */
  readonly isError: boolean;
  /**
   * FraiseQL's `tenant_scoped`: every operation returning this type injects `tenant_id` from
   * the `jwt:tenant_id` claim unless it injects `tenant_id` itself. Present only when true, so
   * schemas without tenant scoping compile to the same file (and hash) as before.
   */
  readonly tenantScoped?: true;
}

export interface CompiledEnum {
  readonly name: string;
  readonly description?: string;
  readonly values: readonly { readonly name: string; readonly description?: string }[];
}

export interface CompiledInputField {
  readonly name: string;
  /** The key used when the input object is passed to SQL as JSONB (snake_case). */
  readonly storageKey: string;
  readonly type: TypeRef;
  readonly description?: string;
  readonly defaultValue?: JsonValue;
}

export interface CompiledInputType {
  readonly name: string;
  readonly description?: string;
  readonly fields: readonly CompiledInputField[];
}

export interface CompiledArgument {
  readonly name: string;
  /** The view column (or JSONB key) an argument filters on, and the function parameter it fills. */
  readonly storageKey: string;
  readonly type: TypeRef;
  readonly description?: string;
  readonly defaultValue?: JsonValue;
}

/** Who may call an operation. Checked before any SQL runs. */
export interface OperationAccess {
  /** Callable without credentials. */
  readonly public: boolean;
  /** Every scope listed must be held. */
  readonly requiresScope: readonly string[];
  /** At least one of these roles must be held. Empty means no role is required. */
  readonly requiresRole: readonly string[];
  /**
   * Every permission listed must be granted to the token's subject in the database
   * (`fraiseql_auth.user_permissions`). Empty means none is required.
   */
  readonly requiresPermission: readonly string[];
}

/** Automatic list arguments. Each can be switched off per query or project-wide. */
export interface AutoParams {
  readonly where: boolean;
  readonly orderBy: boolean;
  readonly limit: boolean;
  readonly offset: boolean;
}

export interface CompiledQuery {
  readonly name: string;
  readonly description?: string;
  readonly returnType: string;
  readonly returnsList: boolean;
  readonly nullable: boolean;
  readonly sqlSource: QualifiedName;
  /** The JSONB column of the view (default `data`). */
  readonly jsonbColumn: string;
  /** Explicit arguments; each becomes an equality filter (auto-param names excluded). */
  readonly arguments: readonly CompiledArgument[];
  readonly autoParams: AutoParams;
  /** Column or parameter name -> where its value comes from. */
  readonly inject: Readonly<Record<string, InjectSource>>;
  readonly access: OperationAccess;
}

export interface CompiledMutation {
  readonly name: string;
  readonly description?: string;
  readonly returnType: string;
  readonly returnsList: boolean;
  readonly nullable: boolean;
  readonly sqlFunction: QualifiedName;
  readonly operation: 'insert' | 'update' | 'delete' | 'custom';
  readonly arguments: readonly CompiledArgument[];
  /**
   * `flatten`: a single input-object argument is spread into one SQL parameter per input field.
   * `jsonb`: each argument is passed as is (input objects as one JSONB value).
   */
  readonly inputStyle: 'flatten' | 'jsonb';
  readonly inject: Readonly<Record<string, InjectSource>>;
  readonly access: OperationAccess;
}

/** A key of the source `schema.json` that was read but is not acted on. */
export interface IgnoredKey {
  /** Where it was found, e.g. `queries[tenantOrders].cache_ttl_seconds`. */
  readonly path: string;
  readonly reason: string;
}

export interface CompiledSchema {
  readonly formatVersion: 1;
  /** SHA-256 (hex, 32 chars) of the canonical JSON of everything else. */
  readonly contentHash: string;
  /** How GraphQL names were written by the author; storage keys are always snake_case. */
  readonly namingConvention: 'preserve' | 'camelCase';
  readonly types: Readonly<Record<string, CompiledObjectType>>;
  readonly enums: Readonly<Record<string, CompiledEnum>>;
  readonly inputTypes: Readonly<Record<string, CompiledInputType>>;
  /** Scalar names used by the schema beyond GraphQL's five, e.g. `DateTime`, `UUID`, `Email`. */
  readonly customScalars: readonly string[];
  readonly queries: Readonly<Record<string, CompiledQuery>>;
  readonly mutations: Readonly<Record<string, CompiledMutation>>;
  readonly ignoredKeys: readonly IgnoredKey[];
  /**
   * Set by `fraiseql-ts compile` when it also wrote `schema.json` from a TypeScript source: the
   * `computeSchemaJsonHash` of that document. The next compile overwrites a `schema.json` only
   * when it has this hash (or is what it would write anyway), so a `schema.json` from anywhere
   * else is never lost. Not covered by `contentHash`: it records where a file came from, not
   * what is served. Absent otherwise.
   */
  readonly schemaJsonHash?: string;
}
