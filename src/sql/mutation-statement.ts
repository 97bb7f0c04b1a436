import type { SqlStatement } from '../db/database.ts';
import { PublicError } from '../errors/public-error.ts';
import type { FunctionParameter, FunctionShape } from './function-shape.ts';
import { checkedText, jsonText } from './operand-text.ts';
import { ParameterList } from './parameter-list.ts';
import { projectJson } from './projection.ts';
import { quoteIdentifier, quoteQualifiedName } from './quote.ts';
import { describeBindingMisses, resolveCallBinding } from './resolve-call-binding.ts';
import type { SelectedField } from './selection.ts';

/** One value passed to a mutation function. */
export interface MutationValue {
  /** The storage key: matched to a parameter named exactly so, or with a `p_` prefix. */
  readonly name: string;
  /** Input objects and lists as plain JS values (they are bound as JSON text). */
  readonly value: unknown;
}

/** Everything one root mutation field needs to become one statement. */
export interface MutationCall {
  readonly shape: FunctionShape;
  /** The arguments, in declaration order (after any flattening the caller did). */
  readonly arguments: readonly MutationValue[];
  /** Injected values (from the verified token), in the mutation's declaration order. */
  readonly inject: readonly MutationValue[];
  /** The selection on the returned object (the entity for `mutation_response`). */
  readonly selection: readonly SelectedField[];
  /** The GraphQL field returns a list: the returned document (or entity) is a JSON array. */
  readonly returnsList: boolean;
}

/** The row a `mutation_response` call returns (one per returned row, normally one). */
export interface MutationResponseRow {
  readonly succeeded: boolean | null;
  readonly state_changed: boolean | null;
  readonly error_class: string | null;
  readonly status_detail: string | null;
  readonly http_status: number | null;
  readonly message: string | null;
  readonly entity_type: string | null;
  /** `error_detail` as JSON text, unprojected (it is shaped by the error type in JavaScript). */
  readonly error_detail: string | null;
  /** `entity` projected onto the selection, as JSON text; null when the function gave none. */
  readonly entity: string | null;
}

/** The row a `jsonb`/`json` call returns: the projected document as JSON text. */
export interface MutationDocumentRow {
  readonly json: string | null;
}

/**
 * Builds the call of a mutation function, bound as `resolveCallBinding` decides. Named notation
 * (`fn("p_title" => $1)`) is used when every argument and inject value matches its own parameter
 * by name (exactly, or with a `p_` prefix); otherwise values are passed by position, but only
 * when nothing is injected: an injected claim is never bound by position, and an ambiguous
 * call is never built (both throw; the start-up check refuses such mutations first).
 *
 * Every value is bound: text as is, input objects and lists as JSON text, cast `::jsonb`/`::json`
 * when the parameter has that type (other parameters are typed by the function's signature).
 *
 * A `mutation_response` call selects the status columns plus `entity` projected onto the
 * selection (`MutationResponseRow`); a `jsonb`/`json` call selects the projected document as
 * `json` (`MutationDocumentRow`), one row per returned document for `setof`.
 */
export function buildMutationStatement(call: MutationCall): SqlStatement {
  const parameters = new ParameterList();
  const values = [...call.arguments, ...call.inject];
  const functionName = quoteQualifiedName(call.shape.name);
  const binding = resolveCallBinding(
    values.map((value) => value.name),
    call.shape.parameters,
  );

  let argumentList: string[];
  switch (binding.kind) {
    case 'named':
      argumentList = values.map((value, index) => {
        const parameter = call.shape.parameters[binding.parameterIndexes[index] ?? -1];
        if (parameter === undefined) throw new TypeError('named parameters out of step');
        return `${quoteIdentifier(parameter.name)} => ${bind(value, parameter, parameters)}`;
      });
      break;
    case 'ambiguous':
      // The start-up check refuses these; reaching here means the schema and database disagree.
      throw new Error(
        `${functionName} cannot be called safely: ${describeBindingMisses(binding.misses)}. ` +
          `The start-up check refuses this mutation; restart the server after fixing the function.`,
      );
    case 'positional':
      if (call.inject.length > 0) {
        // An injected claim bound by position could land in any parameter: fail closed.
        throw new Error(
          `${functionName} would receive injected values by position (` +
            `${describeBindingMisses(binding.misses)}). Name every parameter after its key ` +
            `(or p_<key>); the start-up check refuses this mutation.`,
        );
      }
      if (values.length > call.shape.parameters.length) {
        throw new Error(
          `${functionName} takes ${call.shape.parameters.length} parameters ` +
            `but the mutation passes ${values.length}: the schema and the database disagree`,
        );
      }
      argumentList = values.map((value, index) =>
        bind(value, call.shape.parameters[index], parameters),
      );
      break;
  }
  const invocation = `${functionName}(${argumentList.join(', ')})`;

  let text: string;
  switch (call.shape.returns) {
    case 'mutation_response': {
      const entity = projectJson(call.selection, 'r."entity"', call.returnsList);
      text =
        `SELECT r."succeeded", r."state_changed", r."error_class"::text AS "error_class", ` +
        `r."status_detail"::text AS "status_detail", r."http_status"::integer AS "http_status", ` +
        `r."message"::text AS "message", r."entity_type"::text AS "entity_type", ` +
        `r."error_detail"::text AS "error_detail",\n` +
        `  (${entity})::text AS "entity"\n` +
        `FROM ${invocation} AS r`;
      break;
    }
    case 'jsonb':
    case 'setof jsonb':
      text = documentSelect(call, invocation, 'r."value"');
      break;
    case 'json':
    case 'setof json':
      // The projection reads with jsonb operators.
      text = documentSelect(call, invocation, '(r."value")::jsonb');
      break;
  }
  return { text, values: parameters.values };
}

function documentSelect(call: MutationCall, invocation: string, document: string): string {
  const projection = projectJson(call.selection, document, call.returnsList);
  return `SELECT (${projection})::text AS "json"\nFROM ${invocation} AS r("value")`;
}

function jsonCast(parameter: FunctionParameter | undefined): '::jsonb' | '::json' | '' {
  const type = parameter?.type
    .trim()
    .toLowerCase()
    .replace(/^pg_catalog\./, '');
  if (type === 'jsonb') return '::jsonb';
  if (type === 'json') return '::json';
  return '';
}

function bind(
  value: MutationValue,
  parameter: FunctionParameter | undefined,
  parameters: ParameterList,
): string {
  const path = `argument ${value.name}`;
  const cast = jsonCast(parameter);
  if (value.value === null || value.value === undefined) return `${parameters.add(null)}${cast}`;
  if (cast !== '') return `${parameters.add(jsonText(value.value, path))}${cast}`;

  switch (typeof value.value) {
    case 'string':
      return parameters.add(checkedText(value.value, path));
    case 'number':
      if (!Number.isFinite(value.value)) {
        throw new PublicError('BAD_USER_INPUT', { message: `${path} must be a finite number` });
      }
      return parameters.add(String(value.value));
    case 'bigint':
      return parameters.add(value.value.toString());
    case 'boolean':
      return parameters.add(value.value ? 'true' : 'false');
    default:
      if (value.value instanceof Date) {
        if (Number.isNaN(value.value.getTime())) {
          throw new PublicError('BAD_USER_INPUT', { message: `${path} is not a valid date` });
        }
        return parameters.add(value.value.toISOString());
      }
      // An input object for a parameter that is not JSON: its JSON text is the only honest form;
      // PostgreSQL refuses it if the parameter's type cannot read it.
      return parameters.add(jsonText(value.value, path));
  }
}
