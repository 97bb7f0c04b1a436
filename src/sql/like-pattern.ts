/**
 * Escapes LIKE's metacharacters so that a client's text matches only itself: `%` and `_` become
 * literal, and so does the escape character `\` (PostgreSQL's default LIKE escape). The result
 * is bound as a value, never spliced into SQL.
 */
export function escapeLikeText(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * How many backslashes `text` ends with, counted from the end: one look at each of them and
 * none at the rest. A regular expression such as `/\\*$/` would try every start position and
 * rescan the run from each, quadratic in its length, on the request's own thread.
 */
export function trailingBackslashes(text: string): number {
  let index = text.length;
  while (index > 0 && text.charCodeAt(index - 1) === 0x5c) index -= 1;
  return text.length - index;
}

/**
 * Whether `text` holds more than `limit` characters (Unicode code points, as PostgreSQL counts
 * them). Stops counting at the first character over the limit.
 */
export function longerThan(text: string, limit: number): boolean {
  // UTF-16 units are never fewer than code points, so a short text needs no count.
  if (text.length <= limit) return false;
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    // A surrogate pair is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) index += 1;
    count += 1;
    if (count > limit) return true;
  }
  return false;
}

/** How many characters `text` holds (Unicode code points, as PostgreSQL counts them). */
export function characterCount(text: string): number {
  let count = text.length;
  for (let index = 0; index < text.length - 1; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = text.charCodeAt(index + 1);
    // A surrogate pair is one character.
    if (next >= 0xdc00 && next <= 0xdfff) {
      count -= 1;
      index += 1;
    }
  }
  return count;
}
