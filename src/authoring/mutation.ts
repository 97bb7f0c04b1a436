import { checkOptionNames, readStringList } from './declaration-checks.ts';
import {
  OPERATION_OPTION_NAMES,
  readOperation,
  type OperationOptions,
} from './operation-options.ts';
import { SchemaAuthoringError } from './schema-authoring-error.ts';
import type { SchemaJsonMutation } from './schema-json-document.ts';

/** Options of `mutation()`. */
export interface MutationOptions extends OperationOptions {
  /** The SQL function to call (`fn_create_post`). Required. */
  readonly sqlSource: string;
  /** What the function does: CREATE (or INSERT), UPDATE, DELETE or CUSTOM. Default CUSTOM. */
  readonly operation?: 'CREATE' | 'INSERT' | 'UPDATE' | 'DELETE' | 'CUSTOM';
  /**
   * `flatten`: a single input-object argument is passed as one SQL parameter per field;
   * `jsonb`: each argument is passed as is. Default `flatten` (`jsonb` for UPDATE).
   */
  readonly inputStyle?: 'flatten' | 'jsonb';
  /** FraiseQL cache hint (accepted and reported as ignored by fraiseql-ts). */
  readonly invalidatesViews?: readonly string[];
  /** FraiseQL cache hint (accepted and reported as ignored by fraiseql-ts). */
  readonly invalidatesFactTables?: readonly string[];
}

/** A declared mutation, ready for `defineSchema`. */
export interface MutationDeclaration {
  readonly kind: 'mutation';
  readonly name: string;
  readonly json: SchemaJsonMutation;
}

const MUTATION_OPTIONS = [
  ...OPERATION_OPTION_NAMES,
  'operation',
  'inputStyle',
  'invalidatesViews',
  'invalidatesFactTables',
];
const OPERATIONS = ['CREATE', 'INSERT', 'UPDATE', 'DELETE', 'CUSTOM'];

/**
 * Declares a mutation that calls an SQL function with the arguments in declaration order,
 * followed by the injected values. Requires a valid token unless `public: true`.
 *
 * @example mutation('createPost', { returns: 'Post!', sqlSource: 'fn_create_post',
 *   args: { title: 'String!' }, inject: { author_id: 'jwt:sub' }, requiresScope: 'write:posts' })
 */
export function mutation(name: string, options: MutationOptions): MutationDeclaration {
  const where = `mutation "${String(name)}"`;
  checkOptionNames(options, MUTATION_OPTIONS, where);
  if (options.sqlSource === undefined) {
    throw new SchemaAuthoringError(`${where}: "sqlSource" (the function to call) is required`);
  }
  const json: SchemaJsonMutation = readOperation(name, options, where);

  if (options.operation !== undefined) {
    const operation = String(options.operation).toUpperCase();
    if (!OPERATIONS.includes(operation)) {
      throw new SchemaAuthoringError(
        `${where}: "operation" must be one of ${OPERATIONS.join(', ')}`,
      );
    }
    json.operation = operation;
  }
  if (options.inputStyle !== undefined) {
    if (options.inputStyle !== 'flatten' && options.inputStyle !== 'jsonb') {
      throw new SchemaAuthoringError(`${where}: "inputStyle" must be "flatten" or "jsonb"`);
    }
    json.input_style = options.inputStyle;
  }
  const views = readStringList(options.invalidatesViews, `${where}: "invalidatesViews"`);
  if (views !== undefined) json.invalidates_views = views;
  const facts = readStringList(options.invalidatesFactTables, `${where}: "invalidatesFactTables"`);
  if (facts !== undefined) json.invalidates_fact_tables = facts;
  return Object.freeze({ kind: 'mutation', name, json });
}
