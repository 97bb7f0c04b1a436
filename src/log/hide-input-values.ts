/**
 * PostgreSQL quotes the offending input in the text of data errors (`invalid input syntax for
 * type uuid: "..."`, class 22) and of integrity errors (`Key (email)=(...) already exists.`,
 * class 23). That input is whatever a client sent: a token pasted into a filter, an e-mail
 * address, a password. These helpers keep the sentence, which says what went wrong, and drop the
 * value, so a log line never holds what the client bound.
 */

export const HIDDEN_VALUE = '[value hidden]';

/** SQLSTATE classes whose messages and details quote client input. */
const QUOTING_CLASSES = ['22', '23'];

/** True when a database error of this SQLSTATE may quote bound values in its text. */
export function quotesInputValues(sqlstate: string | undefined): boolean {
  return sqlstate !== undefined && QUOTING_CLASSES.some((prefix) => sqlstate.startsWith(prefix));
}

/**
 * `text` with every quoted value (`: "..."`) and every key value (`=(...)`) replaced by
 * `[value hidden]`. Column names in `Key (email)` stay: they are schema, not data.
 */
export function hideInputValues(text: string): string {
  return text
    .replace(/: "(?:[^"]|"")*"/g, `: "${HIDDEN_VALUE}"`)
    .replace(/\)=\((?:.*?)\)( already exists| is not present| conflicts|$)/gm, `)=(${HIDDEN_VALUE})$1`);
}
