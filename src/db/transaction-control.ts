/**
 * Recognises statements that open or end a transaction. The database layer owns transaction
 * boundaries: a stray BEGIN left open on a pooled connection (or on PGlite's single one) would
 * carry the next request's role and settings past its end.
 */

const TRANSACTION_CONTROL =
  /^(?:begin|start\s+transaction|commit|end|rollback|abort|savepoint|release|prepare\s+transaction)\b/i;

/** Leading whitespace and comments, which PostgreSQL skips before the first keyword. */
const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** True when the statement text starts (after comments) with a transaction-control keyword. */
export function startsWithTransactionControl(text: string): boolean {
  return TRANSACTION_CONTROL.test(text.replace(LEADING_NOISE, ''));
}

/** Throws when `text` is a transaction-control statement (see `startsWithTransactionControl`). */
export function refuseTransactionControl(text: string): void {
  if (startsWithTransactionControl(text)) {
    throw new Error(
      'Transaction-control statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT ...) cannot be sent ' +
        'through query() or a request transaction: the database layer opens and ends ' +
        'transactions itself. Use exec() for a script that manages its own transaction.',
    );
  }
}

/**
 * The first line of a script that is a transaction-control statement on its own
 * (`COMMIT;`, `BEGIN;`, `ROLLBACK;` ...), or undefined. Used to refuse migration files that
 * would end the transaction each file runs in. PL/pgSQL block `BEGIN`s are not followed by a
 * semicolon, so they are not matched; `END;` is left out because it closes PL/pgSQL blocks.
 */
export function findTransactionControlLine(
  script: string,
): { line: number; text: string } | undefined {
  const lines = script.split('\n');
  const statement =
    /^\s*(?:begin|start\s+transaction|commit|rollback|abort)(?:\s+(?:work|transaction))?\s*;/i;
  for (const [index, text] of lines.entries()) {
    if (statement.test(text)) return { line: index + 1, text: text.trim() };
  }
  return undefined;
}
