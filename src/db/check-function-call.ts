import { describeBindingMisses, resolveCallBinding } from '../sql/resolve-call-binding.ts';
import type { FunctionOverload, FunctionParameter } from './catalog.ts';

/** A value a mutation passes to its SQL function, in call order. */
export interface FunctionCallInput {
  /** The storage key (snake_case argument, input field or inject key). */
  readonly key: string;
  /** An input object passed whole, as JSON. */
  readonly isObject: boolean;
  /** Comes from `inject` (appended after the arguments). */
  readonly injected: boolean;
}

/** A finding about a function call, worded as what is wrong and what to change. */
export interface FunctionCallFinding {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** The columns of FraiseQL's v2 `mutation_response` row. */
export const MUTATION_RESPONSE_COLUMNS = [
  'succeeded',
  'state_changed',
  'error_class',
  'status_detail',
  'http_status',
  'message',
  'entity_id',
  'entity_type',
  'entity',
  'updated_fields',
  'cascade',
  'error_detail',
  'metadata',
] as const;

/**
 * Checks whether a function can be called with `inputs` the way the SQL layer calls it (both
 * decide through `resolveCallBinding`): named notation (`fn(p_title => $1)`) when every key
 * matches its own parameter by name (exact or with a `p_` prefix), positional otherwise. A call
 * that is ambiguous, or that would pass injected values by position, is an error: an injected
 * claim must reach the parameter named after it. Also checks that the function returns
 * jsonb/json or a `mutation_response` row. A function with several overloads is refused: the call binds
 * to exactly one signature.
 */
export function checkFunctionCall(
  inputs: readonly FunctionCallInput[],
  overloads: readonly FunctionOverload[],
): FunctionCallFinding[] {
  const [only, ...others] = overloads;
  if (only === undefined) return [];
  if (others.length > 0) {
    // Parameters are sent untyped, so PostgreSQL could not pick between overloads reliably,
    // and the executor binds to one catalogued signature: refuse rather than guess.
    return [
      {
        severity: 'error',
        message:
          `${only.schema}.${only.name} has ${String(overloads.length)} overloads ` +
          `(${overloads.map((overload) => overload.signature).join('; ')}); a mutation calls ` +
          `exactly one. Drop the overloads you do not need, or give them other names.`,
      },
    ];
  }
  return assessOverload(inputs, only);
}

function assessOverload(
  inputs: readonly FunctionCallInput[],
  overload: FunctionOverload,
): FunctionCallFinding[] {
  const signature = overload.signature;
  if (overload.kind !== 'function') {
    return [
      {
        severity: 'error',
        message:
          `${signature} is ${overload.kind === 'aggregate' ? 'an' : 'a'} ${overload.kind}; a mutation calls a ` +
          `plain function. Create it with CREATE FUNCTION ... RETURNS jsonb (or the mutation_response row).`,
      },
    ];
  }
  const parameters = overload.parameters.filter(
    (p) => p.mode === 'in' || p.mode === 'inout' || p.mode === 'variadic',
  );
  return [...parameterFindings(inputs, parameters, signature), ...returnFindings(overload)];
}

function parameterFindings(
  inputs: readonly FunctionCallInput[],
  parameters: readonly FunctionParameter[],
  signature: string,
): FunctionCallFinding[] {
  const findings: FunctionCallFinding[] = [];
  const binding = resolveCallBinding(
    inputs.map((input) => input.key),
    parameters,
  );
  if (binding.kind === 'ambiguous') {
    return [
      {
        severity: 'error',
        message:
          `The call of ${signature} is ambiguous: ${describeBindingMisses(binding.misses)}. ` +
          `Give each argument and inject key exactly one parameter named after it (key or ` +
          `p_<key>): rename or drop the other parameter.`,
      },
    ];
  }
  const injected = inputs.filter((input) => input.injected);
  if (binding.kind === 'positional' && injected.length > 0) {
    // Bound by position, a claim from the token could land in whatever parameter sits there.
    return [
      {
        severity: 'error',
        message:
          `${signature} would be called by position, since not every key has a parameter of ` +
          `its name: ${describeBindingMisses(binding.misses)}. The mutation injects ` +
          `${injected.map((input) => input.key).join(', ')} from the token, which is only ` +
          `passed by name. Name every parameter after its argument or inject key (key or ` +
          `p_<key>), e.g. ${injected.map((input) => `p_${input.key}`).join(', ')}.`,
      },
    ];
  }
  const matched =
    binding.kind === 'named'
      ? binding.parameterIndexes
      : inputs.map((input) =>
          parameters.findIndex((p) => p.name === input.key || p.name === `p_${input.key}`),
        );
  const receiving: (FunctionParameter | undefined)[] =
    binding.kind === 'named'
      ? matched.map((index) => parameters[index])
      : inputs.map((_, index) => parameters[index]);

  if (binding.kind === 'named') {
    parameters.forEach((parameter, index) => {
      if (matched.includes(index) || parameter.hasDefault) return;
      findings.push({
        severity: 'error',
        message:
          `Parameter ${parameter.name || `$${String(index + 1)}`} of ${signature} has no default and ` +
          `no argument or inject key fills it. Give it a DEFAULT, or add an argument named after it.`,
      });
    });
  } else {
    const variadic = parameters.some((parameter) => parameter.mode === 'variadic');
    if (inputs.length > parameters.length && !variadic) {
      findings.push({
        severity: 'error',
        message:
          `${signature} takes ${String(parameters.length)} parameter(s), but the mutation passes ` +
          `${String(inputs.length)} (${describeInputs(inputs)}). Add the missing parameters ` +
          `(inject values come last), or remove arguments.`,
      });
    }
    parameters.slice(inputs.length).forEach((parameter, offset) => {
      if (parameter.hasDefault || parameter.mode === 'variadic') return;
      findings.push({
        severity: 'error',
        message:
          `Parameter ${parameter.name || `$${String(inputs.length + offset + 1)}`} of ${signature} ` +
          `has no default and the call does not reach it (it passes ${describeInputs(inputs)}). ` +
          `Give it a DEFAULT, or declare the matching argument.`,
      });
    });
    inputs.forEach((input, index) => {
      const target = matched[index] ?? -1;
      if (target < 0 || target === index) return;
      findings.push({
        severity: 'warning',
        message:
          `The call is positional (not every key matches a parameter name), so ${input.key} goes ` +
          `to parameter ${String(index + 1)}${nameOf(parameters[index])}, yet parameter ` +
          `${String(target + 1)} is named ${parameters[target]?.name ?? ''}. Name every parameter ` +
          `after its key (or p_<key>), or reorder them.`,
      });
    });
  }

  inputs.forEach((input, index) => {
    const parameter = receiving[index];
    if (!input.isObject || parameter === undefined) return;
    if (parameter.type === 'jsonb' || parameter.type === 'json') return;
    findings.push({
      severity: 'warning',
      message:
        `${input.key} is an input object sent as JSON, but parameter ` +
        `${parameter.name || String(index + 1)} of ${signature} has type ${parameter.type}. ` +
        `Declare it jsonb.`,
    });
  });
  return findings;
}

function returnFindings(overload: FunctionOverload): FunctionCallFinding[] {
  const { returns, signature } = overload;
  if (returns.columns !== undefined) {
    const missing = MUTATION_RESPONSE_COLUMNS.filter((column) => !returns.columns?.has(column));
    if (missing.includes('succeeded') || missing.includes('entity')) {
      return [
        {
          severity: 'error',
          message:
            `${signature} returns a row without ${missing.filter((c) => c === 'succeeded' || c === 'entity').join(' and ')}. ` +
            `Return jsonb, or FraiseQL's mutation_response row (${MUTATION_RESPONSE_COLUMNS.join(', ')}).`,
        },
      ];
    }
    if (missing.length > 0) {
      return [
        {
          severity: 'warning',
          message:
            `${signature} returns a mutation_response row without ${missing.join(', ')}. Return ` +
            `all ${String(MUTATION_RESPONSE_COLUMNS.length)} columns (fraiseql's v2 row) so status, ` +
            `errors and cascades reach the client.`,
        },
      ];
    }
    return [];
  }
  if (returns.type === 'jsonb' || returns.type === 'json') return [];
  return [
    {
      severity: 'error',
      message:
        `${signature} returns ${returns.setOf ? 'SETOF ' : ''}${returns.type}. A mutation function ` +
        `must return jsonb, json or FraiseQL's mutation_response row (at least succeeded and entity).`,
    },
  ];
}

function describeInputs(inputs: readonly FunctionCallInput[]): string {
  if (inputs.length === 0) return 'nothing';
  return inputs.map((input) => (input.injected ? `${input.key} (inject)` : input.key)).join(', ');
}

function nameOf(parameter: FunctionParameter | undefined): string {
  return parameter === undefined || parameter.name === '' ? '' : ` (${parameter.name})`;
}
