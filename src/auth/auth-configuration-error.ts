/**
 * Thrown at start-up when the authentication configuration cannot be served safely. The
 * message lists every problem, one per line, so the operator can fix them in one go.
 */
export class AuthConfigurationError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const list = problems.map((problem) => `  - ${problem}`).join('\n');
    super(`The authentication configuration cannot be used:\n${list}`);
    this.name = 'AuthConfigurationError';
    this.problems = problems;
  }
}
