import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { specifiedRules, type GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

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

/** graphql-armor rules throw by default; report through the context instead, like any rule. */
const reportThroughContext = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/**
 * GraphQL's own validation plus depth, alias, directive and cost limits. Fragments are
 * followed (armor flattens them), so limits cannot be dodged by hiding fields in fragments.
 */
export function validationRules(limits: DocumentLimits): readonly ValidationRule[] {
  return [
    ...specifiedRules,
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, exposeLimits: true, ...reportThroughContext }),
    maxAliasesRule({ n: limits.maxAliases, exposeLimits: true, ...reportThroughContext }),
    maxDirectivesRule({ n: limits.maxDirectives, exposeLimits: true, ...reportThroughContext }),
    costLimitRule({ maxCost: limits.maxCost, flattenFragments: true, exposeLimits: true, ...reportThroughContext }),
  ] as unknown as readonly ValidationRule[];
}
