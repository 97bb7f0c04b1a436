/** A parameter as far as binding is concerned: only its declared name ('' when unnamed). */
export interface BindableParameter {
  readonly name: string;
}

/** Why one key of a call cannot be bound by name. */
export interface BindingMiss {
  readonly key: string;
  /**
   * `no-parameter`: no parameter is named `key` or `p_key`. `not-identifier`: the matching
   * parameter's name is not a plain SQL identifier, so it is not used in named notation.
   * `two-parameters`: both `key` and `p_key` exist. `shared-parameter`: another key resolves to
   * the same parameter.
   */
  readonly problem: 'no-parameter' | 'not-identifier' | 'two-parameters' | 'shared-parameter';
  /** The parameter names involved (empty for `no-parameter`). */
  readonly parameters: readonly string[];
}

/**
 * How the values of a function call reach its parameters:
 * - `named`: every key resolves to its own parameter; `parameterIndexes[i]` is the parameter of
 *   key `i`, and the call uses named notation (`fn("p_title" => $1)`).
 * - `positional`: some key has no parameter of its name; values go by position, in key order.
 * - `ambiguous`: some key could mean two parameters, or two keys the same one. Neither notation
 *   is safe, so such a call must be refused.
 */
export type CallBinding =
  | { readonly kind: 'named'; readonly parameterIndexes: readonly number[] }
  | { readonly kind: 'positional'; readonly misses: readonly BindingMiss[] }
  | { readonly kind: 'ambiguous'; readonly misses: readonly BindingMiss[] };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Decides how a call with `argumentKeys` (arguments, then inject keys, in call order) binds to
 * `functionParameters` (the input parameters, in declaration order). A key matches a parameter
 * named exactly `key`, or `p_key`; a function declaring both is ambiguous rather than resolved
 * by preference, and a parameter is used by name only when its name is a plain identifier.
 *
 * The start-up check (`checkFunctionCall`) and the statement builder (`buildMutationStatement`)
 * both call this, so what is checked is what runs.
 */
export function resolveCallBinding(
  argumentKeys: readonly string[],
  functionParameters: readonly BindableParameter[],
): CallBinding {
  const indexes: number[] = [];
  const misses: BindingMiss[] = [];
  let ambiguous = false;

  for (const key of argumentKeys) {
    const exact = functionParameters.findIndex((parameter) => parameter.name === key);
    const prefixed = functionParameters.findIndex((parameter) => parameter.name === `p_${key}`);
    if (exact >= 0 && prefixed >= 0) {
      ambiguous = true;
      misses.push({ key, problem: 'two-parameters', parameters: [key, `p_${key}`] });
      indexes.push(-1);
      continue;
    }
    const index = exact >= 0 ? exact : prefixed;
    const name = functionParameters[index]?.name;
    if (name === undefined) {
      misses.push({ key, problem: 'no-parameter', parameters: [] });
    } else if (!IDENTIFIER.test(name)) {
      misses.push({ key, problem: 'not-identifier', parameters: [name] });
    }
    indexes.push(index);
  }

  argumentKeys.forEach((key, position) => {
    const index = indexes[position] ?? -1;
    if (index < 0 || indexes.indexOf(index) === position) return;
    ambiguous = true;
    misses.push({
      key,
      problem: 'shared-parameter',
      parameters: [functionParameters[index]?.name ?? ''],
    });
  });

  if (ambiguous) return { kind: 'ambiguous', misses };
  if (misses.length > 0) return { kind: 'positional', misses };
  return { kind: 'named', parameterIndexes: indexes };
}

/** A sentence per miss, for error messages: `user_id (no parameter user_id or p_user_id)`. */
export function describeBindingMisses(misses: readonly BindingMiss[]): string {
  return misses
    .map((miss) => {
      switch (miss.problem) {
        case 'no-parameter':
          return `${miss.key} (no parameter named ${miss.key} or p_${miss.key})`;
        case 'not-identifier':
          return `${miss.key} (parameter ${JSON.stringify(miss.parameters[0] ?? '')} is not a plain identifier)`;
        case 'two-parameters':
          return `${miss.key} (both ${miss.parameters.join(' and ')} exist)`;
        case 'shared-parameter':
          return `${miss.key} (parameter ${miss.parameters[0] ?? ''} is already taken by another key)`;
      }
    })
    .join('; ');
}
