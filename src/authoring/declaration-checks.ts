import { isValidPermission, isValidRole, isValidScope } from '../schema/access-format.ts';
import { closestName } from '../schema/edit-distance.ts';
import { checkInjectSource, isValidInjectKey, splitInjectText } from '../schema/inject-claim.ts';
import { isSqlIdentifier, parseQualifiedName } from '../schema/sql-identifier.ts';
import { parseTypeString } from '../schema/type-string.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';

/**
 * Checks shared by the authoring functions. Each throws a `SchemaAuthoringError` whose message
 * starts with the declaration (`query "posts"`) and names the option at fault.
 */

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** True for a JSON-like object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses options that are not an object, and option names not in `allowed`. */
export function checkOptionNames(
  options: unknown,
  allowed: readonly string[],
  where: string,
): asserts options is Record<string, unknown> {
  if (!isRecord(options)) throw new SchemaAuthoringError(`${where}: the options must be an object`);
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const suggestion = closestName(key, allowed);
    const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
    throw new SchemaAuthoringError(
      `${where}: unknown option "${key}".${hint} Known options: ${allowed.join(', ')}`,
    );
  }
}

/** Refuses a name that is not a GraphQL name (or starts with `__`). */
export function checkGraphqlName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || !GRAPHQL_NAME.test(name) || name.startsWith('__')) {
    throw new SchemaAuthoringError(
      `${where}: ${JSON.stringify(name)} is not a GraphQL name (letters, digits and _, not starting with a digit or __)`,
    );
  }
}

/**
 * Reads a type in GraphQL notation, where a trailing `!` means non-null: `ID!` gives
 * `{type: "ID", nullable: false}`, `[String!]` gives `{type: "[String!]", nullable: true}`.
 */
export function readTypeNotation(
  text: unknown,
  where: string,
): { type: string; nullable: boolean } {
  if (typeof text !== 'string') {
    throw new SchemaAuthoringError(
      `${where}: the type must be a string such as "String!" or "[Tag!]"`,
    );
  }
  const parsed = parseTypeString(text);
  if (!parsed.ok) throw new SchemaAuthoringError(`${where}: ${parsed.message}`);
  const compact = text.replace(/\s+/g, '');
  return parsed.type.nonNull
    ? { type: compact.slice(0, -1), nullable: false }
    : { type: compact, nullable: true };
}

/**
 * Reads an operation's return type: `[Post!]!` is a non-null list of `Post`, `User` a nullable
 * `User`. `returnsList: true` also makes a list of a plain name; it may not contradict brackets.
 */
export function readReturnNotation(
  text: unknown,
  returnsList: unknown,
  where: string,
): { return_type: string; returns_list: boolean; nullable: boolean } {
  const { type, nullable } = readTypeNotation(text, `${where} returns`);
  const parsed = parseTypeString(type);
  if (returnsList !== undefined && typeof returnsList !== 'boolean') {
    throw new SchemaAuthoringError(`${where}: "returnsList" must be true or false`);
  }
  if (parsed.ok && parsed.type.kind === 'list') {
    if (parsed.type.of.kind === 'list') {
      throw new SchemaAuthoringError(`${where}: "returns" cannot be a list of lists`);
    }
    if (returnsList === false) {
      throw new SchemaAuthoringError(`${where}: "returns" is a list but "returnsList" is false`);
    }
    return { return_type: parsed.type.of.name, returns_list: true, nullable };
  }
  return { return_type: type, returns_list: returnsList ?? false, nullable };
}

/** Reads `requiresScope`: one scope stays a string (FraiseQL's form), several a list. */
export function readScopes(value: unknown, where: string): string | string[] | undefined {
  const scopes = readStringList(value, `${where} requiresScope`);
  for (const scope of scopes ?? []) {
    if (!isValidScope(scope)) {
      throw new SchemaAuthoringError(
        `${where}: requiresScope "${scope}" is not a scope; write parts joined by ":" without spaces or "*", e.g. "read:posts"`,
      );
    }
  }
  return singleOrList(scopes);
}

/** Reads `requiresPermission`: one permission stays a string, several a list. */
export function readPermissions(value: unknown, where: string): string | string[] | undefined {
  const permissions = readStringList(value, `${where} requiresPermission`);
  for (const permission of permissions ?? []) {
    if (!isValidPermission(permission)) {
      throw new SchemaAuthoringError(
        `${where}: requiresPermission "${permission}" is not a permission name (no spaces, no "*"), e.g. "read:posts"`,
      );
    }
  }
  return singleOrList(permissions);
}

/** Reads `requiresRole`: one role stays a string, several a list. */
export function readRoles(value: unknown, where: string): string | string[] | undefined {
  const roles = readStringList(value, `${where} requiresRole`);
  for (const role of roles ?? []) {
    if (!isValidRole(role)) {
      throw new SchemaAuthoringError(
        `${where}: requiresRole "${role}" is not a role name (letters, digits, _, -, . and :)`,
      );
    }
  }
  return singleOrList(roles);
}

/** Reads `inject`: `{ user_id: 'jwt:sub', org_id: 'jwt:org.id' }`, keys and claims checked. */
export function readInject(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    throw new SchemaAuthoringError(`${where}: "inject" must map names to "jwt:<claim>"`);
  }
  const inject: Record<string, string> = {};
  for (const [key, source] of Object.entries(value)) {
    if (!isValidInjectKey(key)) {
      throw new SchemaAuthoringError(
        `${where}: inject key "${key}" must be an SQL identifier (it names a column, a parameter and app.${key})`,
      );
    }
    if (typeof source !== 'string') {
      throw new SchemaAuthoringError(
        `${where}: inject "${key}" must be a string such as "jwt:sub"`,
      );
    }
    const { source: kind, claim } = splitInjectText(source);
    const checked = checkInjectSource(kind, claim);
    if (!checked.ok)
      throw new SchemaAuthoringError(`${where}: inject "${key}": ${checked.message}`);
    inject[key] = source;
  }
  return Object.keys(inject).length === 0 ? undefined : inject;
}

/** Reads a view or function name (`v_post` or `blog.v_post`). */
export function readSqlName(value: unknown, where: string, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || parseQualifiedName(value) === undefined) {
    throw new SchemaAuthoringError(
      `${where}: ${option} ${JSON.stringify(value)} must be an SQL name (letters, digits and _, optionally schema.name)`,
    );
  }
  return value;
}

/** Reads a column name (no schema part). */
export function readColumnName(value: unknown, where: string, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isSqlIdentifier(value)) {
    throw new SchemaAuthoringError(
      `${where}: ${option} ${JSON.stringify(value)} must be a column name`,
    );
  }
  return value;
}

/** Reads an optional boolean option. */
export function readFlag(value: unknown, where: string, option: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new SchemaAuthoringError(`${where}: "${option}" must be true or false`);
}

/** Reads an optional string option. */
export function readText(value: unknown, where: string, option: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new SchemaAuthoringError(`${where}: "${option}" must be a string`);
}

/** Reads an optional list of strings (or one string). */
export function readStringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value as string[];
  }
  throw new SchemaAuthoringError(`${where} must be a string or a list of strings`);
}

function singleOrList(values: string[] | undefined): string | string[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.length === 1 ? values[0] : [...values];
}
