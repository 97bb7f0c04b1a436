import type { QualifiedName } from '../schema/compiled-schema.ts';
import { CATALOG_QUERY } from './catalog-query.ts';
import type { Database } from './database.ts';
import type { RequestRoles } from './request-roles.ts';

/**
 * What the database says about the views and functions a schema names: enough to check the
 * schema before serving it, and for the SQL layer to know a view's real columns. Loaded in one
 * query; unqualified names resolve through the search_path as PostgreSQL would.
 */
export interface DatabaseCatalog {
  /** `current_schemas(false)`: the schemas unqualified names were looked up in, in order. */
  readonly searchPath: readonly string[];
  /** Keyed by `catalogKey(name)` of each requested name. */
  readonly relations: ReadonlyMap<string, RelationInfo>;
  /** Keyed by `catalogKey(name)` of each requested name. */
  readonly functions: ReadonlyMap<string, FunctionInfo>;
  /**
   * The request roles the privileges were read for, and those of them that do not exist.
   * Undefined when `loadCatalog` was not given roles: then no privileges were read.
   */
  readonly requestRoles?: {
    readonly roles: RequestRoles;
    readonly missing: readonly string[];
    /** Each role's name as SQL text (`quote_ident`), for the GRANT statements to suggest. */
    readonly identifiers: ReadonlyMap<string, string>;
  };
}

/** What one existing request role may do with a view or table a query reads. */
export interface RelationPrivilege {
  /** USAGE on the relation's schema, without which no object in it can be named. */
  readonly schemaUsage: boolean;
  /** SELECT on the whole relation (`has_table_privilege`). */
  readonly select: boolean;
  /** The columns it may SELECT, through the table grant or column grants. */
  readonly selectableColumns: ReadonlySet<string>;
}

/** A relation read as the request role when a wanted one is read (below security_invoker). */
export interface InvokerReadRelation {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  /** The name as a GRANT takes it (`regclass` text: schema-qualified off the search_path). */
  readonly sqlName: string;
  /** Per existing request role: USAGE on the schema, and SELECT on at least one column. */
  readonly privileges: ReadonlyMap<
    string,
    { readonly schemaUsage: boolean; readonly select: boolean }
  >;
}

/** What one existing request role may do with a function overload. */
export interface FunctionPrivilege {
  /** USAGE on the function's schema. */
  readonly schemaUsage: boolean;
  /** EXECUTE on the overload (`has_function_privilege`; PUBLIC has it unless revoked). */
  readonly execute: boolean;
}

export type RelationKind =
  'table' | 'view' | 'materialized view' | 'partitioned table' | 'foreign table' | 'other';

export type RelationInfo =
  | { readonly exists: false; readonly requested: QualifiedName }
  | {
      readonly exists: true;
      readonly requested: QualifiedName;
      /** The schema the name resolved to. */
      readonly schema: string;
      readonly name: string;
      readonly kind: RelationKind;
      /** The name as a GRANT takes it (`regclass` text: schema-qualified off the search_path). */
      readonly sqlName: string;
      /** Column name -> type as `format_type` prints it (`jsonb`, `uuid`, `text`), in order. */
      readonly columns: ReadonlyMap<string, string>;
      /** For views: `WITH (security_invoker = true)` (PostgreSQL 15+). False otherwise. */
      readonly securityInvoker: boolean;
      /**
       * For views: the tables read with a view owner's rights (below a view without
       * security_invoker, this one or a nested one), with their row-level security state.
       * Empty for tables and for views that read only as the request role.
       */
      readonly ownerReads: readonly OwnerReadTable[];
      /**
       * The `app.*` settings read when this relation is read: by its definition or a view it
       * reads, by a SELECT row-level security policy of a table it reads (unless that table's
       * reader bypasses it), or by a function one of those calls. Empty when nothing reads one.
       */
      readonly settingReads: readonly SettingRead[];
      /** Per existing request role (when roles were asked for): what it may read. */
      readonly privileges: ReadonlyMap<string, RelationPrivilege>;
      /** For views: the relations below read as the request role, not as a view owner. */
      readonly invokerReads: readonly InvokerReadRelation[];
    };

/** One `current_setting('app.<name>', ...)` found in the SQL that runs when a relation is read. */
export interface SettingRead {
  /** The setting, lowercased as PostgreSQL stores it: `app.user_id`. */
  readonly setting: string;
  /** Where it was found: `view public.v_post`, `policy post_read on public.tb_post`, ... */
  readonly source: string;
}

/** A table a view reads with its owner's rights, not the request role's. */
export interface OwnerReadTable {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  /** `ALTER TABLE ... ENABLE ROW LEVEL SECURITY`. */
  readonly rowSecurity: boolean;
  /** `FORCE ROW LEVEL SECURITY`: policies apply to the table owner too. */
  readonly forceRowSecurity: boolean;
  /** Number of policies on the table. */
  readonly policies: number;
  /** The role the table is read as: the owner of the view in `via`. */
  readonly reader: string;
  /** The reader skips row-level security (superuser, BYPASSRLS, or owner without FORCE). */
  readonly readerBypassesRowSecurity: boolean;
  /** The view without security_invoker whose owner reads the table. */
  readonly via: { readonly schema: string; readonly name: string };
}

export type ParameterMode = 'in' | 'out' | 'inout' | 'variadic' | 'table';

export interface FunctionParameter {
  /** The declared name, or '' for an unnamed parameter. */
  readonly name: string;
  readonly type: string;
  readonly mode: ParameterMode;
  /** The parameter has a DEFAULT, so a call may leave it out. */
  readonly hasDefault: boolean;
}

export interface FunctionReturn {
  /** `jsonb`, `json`, `record` (RETURNS TABLE or OUT parameters), a composite type name, ... */
  readonly type: string;
  /** RETURNS SETOF / RETURNS TABLE. */
  readonly setOf: boolean;
  /** The row's columns when it returns a composite, a TABLE or OUT parameters; else undefined. */
  readonly columns?: ReadonlyMap<string, string>;
}

export interface FunctionOverload {
  readonly schema: string;
  readonly name: string;
  /** `schema.name(type, ...)` as `regprocedure` prints it; unique per overload. */
  readonly signature: string;
  readonly kind: 'function' | 'procedure' | 'aggregate' | 'window';
  /** Every parameter in declaration order, OUT and TABLE columns included. */
  readonly parameters: readonly FunctionParameter[];
  readonly returns: FunctionReturn;
  /** Per existing request role (when roles were asked for): whether it may call this. */
  readonly privileges: ReadonlyMap<string, FunctionPrivilege>;
}

export interface FunctionInfo {
  readonly requested: QualifiedName;
  /** Every overload a call could reach; empty when no function has that name. */
  readonly overloads: readonly FunctionOverload[];
}

/** The key of a requested name in the catalog's maps: `schema.name`, or `name` unqualified. */
export function catalogKey(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}

/**
 * Looks up relations and functions in one round trip. Works on PostgreSQL 14+ and PGlite.
 * Call it outside request transactions (it reads the catalog as the login role). With
 * `requestRoles`, it also reads what those roles may do with each relation and function;
 * without, every `privileges` map is empty and `requestRoles` is undefined.
 */
export async function loadCatalog(
  db: Database,
  wanted: {
    relations: readonly QualifiedName[];
    functions: readonly QualifiedName[];
    requestRoles?: RequestRoles;
  },
): Promise<DatabaseCatalog> {
  const relations = uniqueNames(wanted.relations);
  const functions = uniqueNames(wanted.functions);
  const roles = wanted.requestRoles;
  const result = await db.query<{ catalog: string }>(CATALOG_QUERY, [
    relations.map((name) => name.schema ?? null),
    relations.map((name) => name.name),
    functions.map((name) => name.schema ?? null),
    functions.map((name) => name.name),
    roles === undefined ? [] : [...new Set([roles.anon, roles.authenticated])],
  ]);
  const text = result.rows[0]?.catalog;
  if (text === undefined) throw new Error('The catalog query returned no row.');
  const raw = JSON.parse(text) as RawCatalog;

  const relationMap = new Map<string, RelationInfo>();
  relations.forEach((requested, index) => {
    const row = raw.relations.find((candidate) => candidate.ord === index + 1);
    relationMap.set(
      catalogKey(requested),
      row === undefined ? { exists: false, requested } : toRelation(requested, row),
    );
  });

  const functionMap = new Map<string, FunctionInfo>();
  functions.forEach((requested, index) => {
    const rows = raw.functions.filter((candidate) => candidate.ord === index + 1);
    functionMap.set(catalogKey(requested), { requested, overloads: reachableOverloads(rows) });
  });

  return {
    searchPath: raw.searchPath,
    relations: relationMap,
    functions: functionMap,
    ...(roles === undefined
      ? {}
      : {
          requestRoles: {
            roles,
            missing: raw.missingRoles,
            identifiers: new Map(Object.entries(raw.roleIdentifiers)),
          },
        }),
  };
}

interface RawColumn {
  readonly name: string;
  readonly type: string;
}

interface RawRelation {
  readonly ord: number;
  readonly schema: string;
  readonly name: string;
  readonly relkind: string;
  readonly sql_name: string;
  readonly options: readonly string[];
  readonly columns: readonly RawColumn[];
  readonly owner_reads?: readonly RawOwnerRead[];
  readonly setting_reads?: readonly SettingRead[];
  readonly invoker_reads?: readonly RawInvokerRead[];
  readonly privileges?: readonly RawRelationPrivilege[];
}

interface RawRelationPrivilege {
  readonly role: string;
  readonly schema_usage: boolean;
  readonly select: boolean;
  readonly columns: readonly string[];
}

interface RawInvokerRead {
  readonly schema: string;
  readonly name: string;
  readonly relkind: string;
  readonly sql_name: string;
  readonly privileges: readonly { role: string; schema_usage: boolean; select: boolean }[];
}

interface RawOwnerRead {
  readonly schema: string;
  readonly name: string;
  readonly relkind: string;
  readonly rls: boolean;
  readonly force_rls: boolean;
  readonly policies: number;
  readonly reader: string;
  readonly reader_bypasses: boolean;
  readonly via_schema: string;
  readonly via_name: string;
}

interface RawFunction {
  readonly ord: number;
  readonly schema: string;
  readonly name: string;
  readonly signature: string;
  readonly kind: string;
  readonly set_of: boolean;
  readonly return_type: string;
  readonly return_kind: string;
  readonly input_types: string;
  readonly path_position: number;
  readonly default_count: number;
  readonly arguments: readonly { name: string; type: string; mode: string }[];
  readonly return_columns: readonly RawColumn[] | null;
  readonly privileges?: readonly { role: string; schema_usage: boolean; execute: boolean }[];
}

interface RawCatalog {
  readonly searchPath: readonly string[];
  readonly missingRoles: readonly string[];
  readonly roleIdentifiers: Readonly<Record<string, string>>;
  readonly relations: readonly RawRelation[];
  readonly functions: readonly RawFunction[];
}

function uniqueNames(names: readonly QualifiedName[]): QualifiedName[] {
  const seen = new Map<string, QualifiedName>();
  for (const name of names) if (!seen.has(catalogKey(name))) seen.set(catalogKey(name), name);
  return [...seen.values()];
}

function toRelation(requested: QualifiedName, row: RawRelation): RelationInfo {
  const kind = relationKind(row.relkind);
  return {
    exists: true,
    requested,
    schema: row.schema,
    name: row.name,
    kind,
    sqlName: row.sql_name,
    columns: new Map(row.columns.map((column) => [column.name, column.type])),
    securityInvoker: kind === 'view' && isTrueOption(row.options, 'security_invoker'),
    ownerReads: (row.owner_reads ?? []).map((read) => ({
      schema: read.schema,
      name: read.name,
      kind: relationKind(read.relkind),
      rowSecurity: read.rls,
      forceRowSecurity: read.force_rls,
      policies: Number(read.policies),
      reader: read.reader,
      readerBypassesRowSecurity: read.reader_bypasses,
      via: { schema: read.via_schema, name: read.via_name },
    })),
    settingReads: (row.setting_reads ?? []).map((read) => ({
      setting: read.setting,
      source: read.source,
    })),
    privileges: new Map(
      (row.privileges ?? []).map((grant) => [
        grant.role,
        {
          schemaUsage: grant.schema_usage,
          select: grant.select,
          selectableColumns: new Set(grant.columns),
        },
      ]),
    ),
    invokerReads: (row.invoker_reads ?? []).map((read) => ({
      schema: read.schema,
      name: read.name,
      kind: relationKind(read.relkind),
      sqlName: read.sql_name,
      privileges: new Map(
        read.privileges.map((grant) => [
          grant.role,
          { schemaUsage: grant.schema_usage, select: grant.select },
        ]),
      ),
    })),
  };
}

function relationKind(relkind: string): RelationKind {
  switch (relkind) {
    case 'r':
      return 'table';
    case 'v':
      return 'view';
    case 'm':
      return 'materialized view';
    case 'p':
      return 'partitioned table';
    case 'f':
      return 'foreign table';
    default:
      return 'other';
  }
}

/** Boolean reloptions keep the spelling they were given (`true`, `on`, `1`, `yes`). */
function isTrueOption(options: readonly string[], name: string): boolean {
  const prefix = `${name}=`;
  const option = options.find((candidate) => candidate.toLowerCase().startsWith(prefix));
  if (option === undefined) return false;
  return ['true', 'on', '1', 'yes', 't', 'y'].includes(option.slice(prefix.length).toLowerCase());
}

/**
 * For an unqualified name PostgreSQL considers every schema on the search_path, an overload in
 * an earlier schema hiding one with the same input types further on. Rows come sorted by path
 * position, so the first of each input-type list wins.
 */
function reachableOverloads(rows: readonly RawFunction[]): FunctionOverload[] {
  const seen = new Set<string>();
  const overloads: FunctionOverload[] = [];
  for (const row of rows) {
    if (seen.has(row.input_types)) continue;
    seen.add(row.input_types);
    overloads.push(toOverload(row));
  }
  return overloads;
}

function toOverload(row: RawFunction): FunctionOverload {
  const parameters = row.arguments.map((argument) => ({
    name: argument.name,
    type: argument.type,
    mode: parameterMode(argument.mode),
    hasDefault: false,
  }));
  // The last `default_count` input parameters (IN, INOUT, VARIADIC) carry the defaults.
  let remaining = row.default_count;
  for (let index = parameters.length - 1; index >= 0 && remaining > 0; index -= 1) {
    const parameter = parameters[index];
    if (parameter === undefined || !isInput(parameter.mode)) continue;
    parameters[index] = { ...parameter, hasDefault: true };
    remaining -= 1;
  }

  const outputs = parameters.filter(
    (parameter) => parameter.mode !== 'in' && parameter.mode !== 'variadic',
  );
  let columns: ReadonlyMap<string, string> | undefined;
  if (row.return_columns !== null) {
    columns = new Map(row.return_columns.map((column) => [column.name, column.type]));
  } else if (
    outputs.length > 0 &&
    (row.return_type === 'record' || outputs.some((parameter) => parameter.mode === 'table'))
  ) {
    // RETURNS TABLE with one column reports that column's type, not record; it is still a row.
    columns = new Map(outputs.map((parameter) => [parameter.name, parameter.type]));
  }

  return {
    schema: row.schema,
    name: row.name,
    signature: row.signature,
    kind: functionKind(row.kind),
    parameters,
    returns: {
      type: row.return_type,
      setOf: row.set_of,
      ...(columns === undefined ? {} : { columns }),
    },
    privileges: new Map(
      (row.privileges ?? []).map((grant) => [
        grant.role,
        { schemaUsage: grant.schema_usage, execute: grant.execute },
      ]),
    ),
  };
}

function isInput(mode: ParameterMode): boolean {
  return mode === 'in' || mode === 'inout' || mode === 'variadic';
}

function parameterMode(mode: string): ParameterMode {
  switch (mode) {
    case 'o':
      return 'out';
    case 'b':
      return 'inout';
    case 'v':
      return 'variadic';
    case 't':
      return 'table';
    default:
      return 'in';
  }
}

function functionKind(kind: string): FunctionOverload['kind'] {
  switch (kind) {
    case 'p':
      return 'procedure';
    case 'a':
      return 'aggregate';
    case 'w':
      return 'window';
    default:
      return 'function';
  }
}
