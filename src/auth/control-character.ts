/** A C0 control character (U+0000 to U+001F). */
const C0_CONTROL = /[\u0000-\u001f]/u;

/**
 * Where the first C0 control character (U+0000 to U+001F) of `text` is, described for a log
 * line (`U+0000 at character 3`), or undefined when it has none. An identifier that names
 * someone (`sub`, `jti`) never needs one, and a NUL cannot be stored in PostgreSQL text at all:
 * the revocation lookup and the request settings bind these values as text.
 */
export function controlCharacterIn(text: string): string | undefined {
  const match = C0_CONTROL.exec(text);
  if (match === null) return undefined;
  const code = match[0].codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${match.index + 1}`;
}
