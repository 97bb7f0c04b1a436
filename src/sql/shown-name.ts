const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const MAX_SHOWN = 64;

/**
 * A client-supplied key as it may appear in an error message: a plain GraphQL name as is,
 * anything else JSON-quoted (so control characters show as escapes) and cut to 64 characters.
 */
export function showName(key: string): string {
  if (GRAPHQL_NAME.test(key) && key.length <= MAX_SHOWN) return key;
  const cut = key.length > MAX_SHOWN ? `${key.slice(0, MAX_SHOWN)}...` : key;
  return JSON.stringify(cut);
}
