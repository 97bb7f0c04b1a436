/** One thing wrong with a schema: where it is and what to change. */
export interface SchemaProblem {
  /** A path into the source, e.g. `queries[posts].inject_params.user_id`. */
  readonly where: string;
  /** A sentence saying what is wrong and how to fix it. */
  readonly message: string;
}

/**
 * Thrown when a `schema.json`, a compiled schema or an authored schema cannot be used. It lists
 * every problem found, not only the first, so one run of `compile` shows all there is to fix.
 */
export class SchemaCompileError extends Error {
  readonly problems: readonly SchemaProblem[];

  constructor(summary: string, problems: readonly SchemaProblem[]) {
    super(formatProblems(summary, problems));
    this.name = 'SchemaCompileError';
    this.problems = problems;
  }
}

function formatProblems(summary: string, problems: readonly SchemaProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${problem.where}: ${problem.message}`);
  return [`${summary} (${count}):`, ...lines].join('\n');
}
