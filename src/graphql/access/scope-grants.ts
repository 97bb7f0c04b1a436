/**
 * A test of whether a set of grants covers a scope: a grant covers the scope equal to it, and
 * a `prefix:*` grant covers every longer scope starting with `prefix:` (not `prefix:` itself).
 * Used for role grants (`[security.roles]`) and for an API key owner's database permissions.
 */
export function scopeGrantsMatcher(grants: Iterable<string>): (scope: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const grant of grants) {
    if (grant.endsWith(':*')) prefixes.push(grant.slice(0, -1));
    else exact.add(grant);
  }
  return (scope) =>
    exact.has(scope) || prefixes.some((prefix) => scope.startsWith(prefix) && scope.length > prefix.length);
}
