import {
  GraphQLError,
  Kind,
  parse,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';

/**
 * A parsed and validated document, with the one operation a request runs. Plans are cached
 * by document text (src/graphql/plan-cache.ts): validation costs far more than parsing, and both
 * are done once per distinct document. The SQL of its root fields is cached beside it, keyed by
 * the plan object (src/graphql/root-field-statement-cache.ts).
 */
export interface OperationPlan {
  readonly kind: 'query' | 'mutation';
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  /** False when `@skip`/`@include` take a variable: the selection is resolved per request. */
  readonly selectionIsStatic: boolean;
}

/** Why a document cannot run. Errors carry GraphQL locations. */
export type PlanFailure =
  | { readonly kind: 'parse'; readonly errors: readonly GraphQLError[] }
  | { readonly kind: 'validation'; readonly errors: readonly GraphQLError[] }
  | { readonly kind: 'operation'; readonly message: string };

export type PlanResult =
  | { readonly ok: true; readonly plan: OperationPlan }
  | { readonly ok: false; readonly failure: PlanFailure };

export interface PlanOptions {
  readonly schema: GraphQLSchema;
  readonly rules: readonly ValidationRule[];
  /** Parser token limit. */
  readonly maxTokens: number;
}

/** Parses, validates and picks the operation. Pure: the same inputs give the same result. */
export function planOperation(
  source: string,
  operationName: string | undefined,
  options: PlanOptions,
): PlanResult {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: options.maxTokens, noLocation: false });
  } catch (error) {
    const parseError =
      error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : 'Syntax error');
    return { ok: false, failure: { kind: 'parse', errors: [withoutNodes(parseError)] } };
  }

  const errors = validate(options.schema, document, options.rules, { maxErrors: 50 });
  if (errors.length > 0) {
    return { ok: false, failure: { kind: 'validation', errors: errors.map(withoutNodes) } };
  }

  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = pickOperation(operations, operationName);
  if (typeof operation === 'string') return { ok: false, failure: { kind: 'operation', message: operation } };
  if (operation.operation === 'subscription') {
    return {
      ok: false,
      failure: { kind: 'operation', message: 'Subscriptions are not supported by this server.' },
    };
  }

  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }

  return {
    ok: true,
    plan: {
      kind: operation.operation,
      document,
      operation,
      fragments,
      selectionIsStatic: !hasVariableDirective(document),
    },
  };
}

/**
 * The error as clients see it (message, locations, extensions) without the AST nodes it points
 * at: a refused document is cached with its errors, and the nodes would keep every token of
 * the document alive with it. So would an unformatted stack trace, whose frames hold the
 * parser or the validation context, so the copy's stack is formatted at once.
 */
function withoutNodes(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, {
    ...(error.source === undefined ? {} : { source: error.source }),
    ...(error.positions === undefined ? {} : { positions: error.positions }),
    ...(error.path === undefined ? {} : { path: error.path }),
    extensions: error.extensions,
  });
  void copy.stack;
  return copy;
}

function pickOperation(
  operations: readonly OperationDefinitionNode[],
  operationName: string | undefined,
): OperationDefinitionNode | string {
  if (operationName !== undefined) {
    const named = operations.find((operation) => operation.name?.value === operationName);
    if (named !== undefined) return named;
    const known = operations.flatMap((operation) => (operation.name ? [operation.name.value] : []));
    return `Unknown operation named "${operationName}". The document defines: ${known.join(', ') || 'no named operations'}.`;
  }
  const [only, ...rest] = operations;
  if (only === undefined) return 'The document contains no operation.';
  if (rest.length > 0) return 'The document contains several operations; send operationName to choose one.';
  return only;
}

/** True when any `@skip`/`@include` in the document takes a variable. */
function hasVariableDirective(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (
        (node.name.value === 'skip' || node.name.value === 'include') &&
        node.arguments?.some((argument) => argument.value.kind === Kind.VARIABLE)
      ) {
        found = true;
      }
    },
  });
  return found;
}
