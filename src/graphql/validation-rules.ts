import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, specifiedRules, type ValidationContext, type ValidationRule } from 'graphql';

/** Limits on one document, from `[limits]` in fraiseql.toml. */
export interface DocumentLimits {
  /** Deepest selection nesting. Default 10. */
  readonly maxDepth: number;
  /** Most aliases. Default 30. */
  readonly maxAliases: number;
  /** Most directives. Default 50. */
  readonly maxDirectives: number;
  /** Most lexical tokens (enforced by the parser). Default 5000. */
  readonly maxTokens: number;
  /** Highest armor cost score. Default 5000. */
  readonly maxCost: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = {
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 5000,
  maxCost: 5000,
};

/**
 * graphql-armor rules throw by default; report through the context instead, like any rule.
 * Their messages start with "Syntax Error: " although the document parsed: the limit is named
 * instead, with the setting that raises it.
 */
function reportThroughContext(setting?: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(limitMessage(error.message, setting))),
    ],
  };
}

/** `Syntax Error: Aliases limit of 30 exceeded, found 40.` -> a sentence naming the setting. */
function limitMessage(armorMessage: string, setting?: string): string {
  const reason = armorMessage.replace(/^Syntax Error:\s*/, '');
  const raise = setting === undefined ? '' : `, or raise [limits] ${setting} in fraiseql.toml`;
  return `Query refused: ${reason} Send a smaller query${raise}.`;
}

/**
 * GraphQL's own validation plus depth, alias, directive and cost limits. Fragments are
 * followed (armor flattens them), so limits cannot be dodged by hiding fields in fragments.
 * Every alias counts, `__typename` ones too. `__schema` is exempt from the depth and cost limits
 * (the standard introspection query nests type references deeper than any data query); its
 * cycles are bounded by graphql-js's own MaxIntrospectionDepthRule, and its size by max_tokens.
 */
export function validationRules(limits: DocumentLimits): readonly ValidationRule[] {
  const flatten = { flattenFragments: true, exposeLimits: true };
  return [
    ...specifiedRules,
    maxDepthRule({ n: limits.maxDepth, ...flatten, ...reportThroughContext('max_depth') }),
    maxAliasesRule({
      n: limits.maxAliases,
      allowList: [],
      exposeLimits: true,
      ...reportThroughContext('max_aliases'),
    }),
    maxDirectivesRule({
      n: limits.maxDirectives,
      exposeLimits: true,
      ...reportThroughContext('max_directives'),
    }),
    costLimitRule({ maxCost: limits.maxCost, ...flatten, ...reportThroughContext() }),
  ] as unknown as readonly ValidationRule[];
}
