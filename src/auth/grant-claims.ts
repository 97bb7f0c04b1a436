import type { ResolvedAuthOptions } from './auth-options.ts';
import { readClaimPath } from './read-token-identity.ts';

/** Where tokens this server issues carry scopes and roles. */
export interface GrantClaimPaths {
  readonly scopes: string;
  readonly roles: string;
}

/** What a token issued by this server grants. */
export interface Grants {
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/**
 * The claim paths this server writes scopes and roles at: `scopes` and `roles` (the spec
 * page's form) while they are among the paths read, else the configured `[auth] scopes_claim`
 * and `roles_claim`. A token the server issues must be one it accepts, so the paths written are
 * always paths it reads.
 */
export function grantClaimPaths(
  options: Pick<ResolvedAuthOptions, 'scopeClaims' | 'roleClaims'>,
): GrantClaimPaths {
  return {
    scopes: preferred(options.scopeClaims, 'scopes'),
    roles: preferred(options.roleClaims, 'roles'),
  };
}

/**
 * Claims with `grants` added at `paths`, for every token this server signs (login, refresh,
 * sliding renewal, `token issue`). A dotted path nests (`realm_access.scopes` gives
 * `{ realm_access: { scopes: [...] } }`, inside any object `claims` already holds there); a
 * claim name that is a URI (RFC 7519 §4.2, `https://example.com/roles`) is written whole, as
 * issuers write it. Scopes are an array, except at a path ending in `scope`, which RFC 8693
 * §4.2 defines as one space-separated string. An empty list writes nothing.
 *
 * Throws when `claims` already holds a value where a grant goes (the caller must not set it
 * twice), or when scopes and roles would share one claim, which would mix them up.
 */
export function withGrantClaims(
  claims: Readonly<Record<string, unknown>>,
  grants: Grants,
  paths: GrantClaimPaths,
): Record<string, unknown> {
  const out = structuredClone(claims) as Record<string, unknown>;
  const writes: [string, unknown][] = [];
  if (grants.scopes.length > 0) {
    const asText = lastSegment(paths.scopes) === 'scope';
    writes.push([paths.scopes, asText ? grants.scopes.join(' ') : [...grants.scopes]]);
  }
  if (grants.roles.length > 0) writes.push([paths.roles, [...grants.roles]]);
  const [first, second] = writes;
  if (first !== undefined && second !== undefined && overlaps(first[0], second[0])) {
    throw new Error(
      `scopes (claim ${first[0]}) and roles (claim ${second[0]}) would share one claim, so a ` +
        'token could not keep them apart; give [auth] scopes_claim and roles_claim separate paths',
    );
  }
  for (const [path, value] of writes) setClaim(out, path, value);
  return out;
}

function preferred(paths: readonly string[], usual: string): string {
  return paths.includes(usual) ? usual : (paths[0] ?? usual);
}

/** The segments a claim path is written with: a URI whole, anything else split on dots. */
function segmentsOf(path: string): string[] {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) ? [path] : path.split('.');
}

function lastSegment(path: string): string {
  const segments = segmentsOf(path);
  return segments[segments.length - 1] ?? path;
}

/** True when one path is the other or lies inside it. */
function overlaps(a: string, b: string): boolean {
  const [x, y] = [segmentsOf(a), segmentsOf(b)];
  const shorter = x.length <= y.length ? x : y;
  const longer = shorter === x ? y : x;
  return shorter.every((segment, index) => longer[index] === segment);
}

function setClaim(claims: Record<string, unknown>, path: string, value: unknown): void {
  if (readClaimPath(claims, path) !== undefined) {
    throw new Error(`claim ${path} is already set; it holds what the token grants`);
  }
  const segments = segmentsOf(path);
  if (segments.includes('__proto__')) throw new Error(`claim ${path} cannot be written`);
  let target = claims;
  for (const segment of segments.slice(0, -1)) {
    const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
    if (next === undefined) {
      const child: Record<string, unknown> = {};
      target[segment] = child;
      target = child;
    } else if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      target = next as Record<string, unknown>;
    } else {
      throw new Error(`claim ${path} cannot be written: ${segment} already holds a value`);
    }
  }
  target[segments[segments.length - 1] ?? path] = value;
}
