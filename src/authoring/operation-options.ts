import { readArguments, type ArgumentSpec } from './argument-spec.ts';
import {
  checkGraphqlName,
  readFlag,
  readInject,
  readReturnNotation,
  readPermissions,
  readRoles,
  readScopes,
  readSqlName,
  readText,
} from './declaration-checks.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonMutation, SchemaJsonQuery } from './schema-json-document.ts';

/** Options shared by `query()` and `mutation()`. */
export interface OperationOptions {
  /**
   * The GraphQL return type; a trailing `!` means non-null and brackets a list:
   * `'[Post!]!'`, `'User'`, `'Post!'`.
   */
  readonly returns: string;
  /** Makes a plain `returns: 'Post'` a list. Default: list only when `returns` has brackets. */
  readonly returnsList?: boolean;
  readonly description?: string;
  /** Argument name -> type or `{ type, default, description }`, in call order. */
  readonly args?: Readonly<Record<string, ArgumentSpec>>;
  /** Callable without credentials. Default false: a valid token is required. */
  readonly public?: boolean;
  /** Scopes the caller must all hold. Default: none. */
  readonly requiresScope?: string | readonly string[];
  /** The caller must hold at least one of these roles. Default: none. */
  readonly requiresRole?: string | readonly string[];
  /**
   * Permissions the token's subject must all be granted in the database (`fraiseql_auth`
   * users, roles and role_permissions), checked on every call, so a grant or revoke takes
   * effect without a new token. Cannot be combined with `public`. Default: none.
   */
  readonly requiresPermission?: string | readonly string[];
  /**
   * Values taken from the verified token, never from the client: column or parameter name ->
   * `'jwt:<claim>'` (dots reach nested claims: `'jwt:org.id'`). Each is also set as `app.<name>`.
   */
  readonly inject?: Readonly<Record<string, string>>;
}

type OperationJson = Pick<
  SchemaJsonQuery & SchemaJsonMutation,
  | 'name'
  | 'return_type'
  | 'returns_list'
  | 'nullable'
  | 'sql_source'
  | 'arguments'
  | 'description'
  | 'inject_params'
  | 'requires_role'
  | 'requires_scope'
  | 'requires_permission'
  | 'public'
>;

/** The option names every operation accepts. */
export const OPERATION_OPTION_NAMES = [
  'returns',
  'returnsList',
  'sqlSource',
  'description',
  'args',
  'public',
  'requiresScope',
  'requiresRole',
  'requiresPermission',
  'inject',
];

/**
 * Reads the options both operations share into their `schema.json` keys. `sqlSource` is
 * required for mutations (the function to call); for queries it defaults to the returned
 * type's view, which `defineSchema` fills in.
 */
export function readOperation(
  name: string,
  options: Readonly<Record<string, unknown>>,
  where: string,
): OperationJson {
  checkGraphqlName(name, where);
  const json: OperationJson = {
    name,
    ...readReturnNotation(options.returns, options.returnsList, where),
    arguments: readArguments(options.args, where),
  };
  const sqlSource = readSqlName(options.sqlSource, where, 'sqlSource');
  if (sqlSource !== undefined) json.sql_source = sqlSource;
  const description = readText(options.description, where, 'description');
  if (description !== undefined) json.description = description;
  const inject = readInject(options.inject, where);
  if (inject !== undefined) json.inject_params = inject;
  const roles = readRoles(options.requiresRole, where);
  if (roles !== undefined) json.requires_role = roles;
  const scopes = readScopes(options.requiresScope, where);
  if (scopes !== undefined) json.requires_scope = scopes;
  const permissions = readPermissions(options.requiresPermission, where);
  if (permissions !== undefined) json.requires_permission = permissions;

  if (readFlag(options.public, where, 'public') === true) {
    if (permissions !== undefined) {
      throw new SchemaAuthoringError(
        `${where}: a public operation cannot also require a permission (anonymous callers have no subject to look up)`,
      );
    }
    if (roles !== undefined || scopes !== undefined || inject !== undefined) {
      throw new SchemaAuthoringError(
        `${where}: a public operation cannot also require a scope or role, or inject token claims (anonymous callers have none)`,
      );
    }
    json.public = true;
  }
  for (const argument of json.arguments) {
    if (inject !== undefined && argument.name in inject) {
      throw new SchemaAuthoringError(
        `${where}: "${argument.name}" is both injected and an argument, so a client could supply the injected value`,
      );
    }
  }
  return json;
}
