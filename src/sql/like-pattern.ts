/**
 * Escapes LIKE's metacharacters so that a client's text matches only itself: `%` and `_` become
 * literal, and so does the escape character `\` (PostgreSQL's default LIKE escape). The result
 * is bound as a value, never spliced into SQL.
 */
export function escapeLikeText(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
