import {
  checkOptionNames,
  readColumnName,
  readFlag,
  readStringList,
} from './declaration-checks.ts';
import {
  OPERATION_OPTION_NAMES,
  readOperation,
  type OperationOptions,
} from './operation-options.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonAutoParams, SchemaJsonQuery } from './schema-json-document.ts';

/** The automatic arguments of a list query; each can be switched off. Default: all on. */
export interface AutoParamOptions {
  readonly where?: boolean;
  readonly orderBy?: boolean;
  readonly limit?: boolean;
  readonly offset?: boolean;
}

/** Options of `query()`. */
export interface QueryOptions extends OperationOptions {
  /** The view to read (`v_post`). Default: the `sqlSource` of the returned type. */
  readonly sqlSource?: string;
  /** The view's JSONB column. Default `data`. */
  readonly jsonbColumn?: string;
  /** Automatic `where`/`orderBy`/`limit`/`offset` of a list query. Default: all on. */
  readonly autoParams?: AutoParamOptions;
  /** FraiseQL cache hint (accepted and reported as ignored by fraiseql-ts). */
  readonly cacheTtlSeconds?: number;
  /** FraiseQL cache hint (accepted and reported as ignored by fraiseql-ts). */
  readonly additionalViews?: readonly string[];
  /** FraiseQL Relay flag (accepted and reported as ignored by fraiseql-ts). */
  readonly relay?: boolean;
}

/** A declared query, ready for `defineSchema`. */
export interface QueryDeclaration {
  readonly kind: 'query';
  readonly name: string;
  readonly json: SchemaJsonQuery;
}

const QUERY_OPTIONS = [
  ...OPERATION_OPTION_NAMES,
  'jsonbColumn',
  'autoParams',
  'cacheTtlSeconds',
  'additionalViews',
  'relay',
];

/**
 * Declares a query that reads a view. A list query (`returns: '[Post!]!'`) gets `where`,
 * `orderBy`, `limit` and `offset`; each argument becomes an equality filter on the column or
 * JSONB key of its snake_case name. Requires a valid token unless `public: true`.
 *
 * @example
 * query('posts', { returns: '[Post!]!', sqlSource: 'v_post', requiresScope: 'read:posts' })
 */
export function query(name: string, options: QueryOptions): QueryDeclaration {
  const where = `query "${String(name)}"`;
  checkOptionNames(options, QUERY_OPTIONS, where);
  const json: SchemaJsonQuery = readOperation(name, options, where);

  const column = readColumnName(options.jsonbColumn, where, 'jsonbColumn');
  if (column !== undefined) json.jsonb_column = column;
  if (options.autoParams !== undefined)
    json.auto_params = readAutoParams(options.autoParams, where);
  if (options.cacheTtlSeconds !== undefined) {
    if (typeof options.cacheTtlSeconds !== 'number' || options.cacheTtlSeconds < 0) {
      throw new SchemaAuthoringError(`${where}: "cacheTtlSeconds" must be a number of seconds`);
    }
    json.cache_ttl_seconds = options.cacheTtlSeconds;
  }
  const views = readStringList(options.additionalViews, `${where}: "additionalViews"`);
  if (views !== undefined) json.additional_views = views;
  if (readFlag(options.relay, where, 'relay') === true) json.relay = true;
  return Object.freeze({ kind: 'query', name, json });
}

/** Reads `autoParams` (camelCase) into `auto_params` (snake_case). */
export function readAutoParams(value: unknown, where: string): SchemaJsonAutoParams {
  checkOptionNames(value, ['where', 'orderBy', 'limit', 'offset'], `${where} autoParams`);
  const params: SchemaJsonAutoParams = {};
  const where_ = readFlag(value.where, where, 'autoParams.where');
  if (where_ !== undefined) params.where = where_;
  const orderBy = readFlag(value.orderBy, where, 'autoParams.orderBy');
  if (orderBy !== undefined) params.order_by = orderBy;
  const limit = readFlag(value.limit, where, 'autoParams.limit');
  if (limit !== undefined) params.limit = limit;
  const offset = readFlag(value.offset, where, 'autoParams.offset');
  if (offset !== undefined) params.offset = offset;
  return params;
}
