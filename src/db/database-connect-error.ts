/**
 * The database named by `DATABASE_URL` could not be reached or refused the login. Its message
 * names the server (never the password) and what to check; the CLI prints it without a stack
 * trace, since it is a setup problem, not a bug.
 */
export class DatabaseConnectError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseConnectError';
  }
}
