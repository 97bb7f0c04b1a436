import {
  MAX_LEEWAY_SECONDS,
  MIN_PRODUCTION_SECRET_BYTES,
  secretBytes,
  type AuthOptions,
} from './auth-options.ts';
import {
  isHmacAlgorithm,
  isJwsAlgorithm,
  keyKindOf,
  type VerificationKeyKind,
} from './jws-algorithms.ts';
import { keyUrlProblem } from './key-url-policy.ts';
import { readPublicKeyPem } from './public-key-pem.ts';

/**
 * The problems in `options` that must stop the server at start, each a sentence saying what
 * is wrong and how to fix it. Empty when the configuration can be served. Secrets are never
 * quoted, only their length.
 */
export function validateAuthOptions(options: AuthOptions): string[] {
  const problems: string[] = [];
  const production = options.production ?? false;
  const rules = { production, allowHttpLoopback: options.allowHttpLoopback ?? false };
  const kinds = new Set<VerificationKeyKind>();
  const kids = new Set<string>();

  const noteKid = (kid: string | undefined, what: string): void => {
    if (kid === undefined) return;
    if (kid === '') problems.push(`${what} has an empty kid; remove it or give it a value`);
    else if (kids.has(kid))
      problems.push(`${what} reuses kid "${kid}"; each key needs its own kid`);
    kids.add(kid);
  };

  if (options.secret !== undefined) {
    checkSecret(options.secret.secret, 'JWT_SECRET', production, problems);
    noteKid(options.secret.kid, 'JWT_SECRET');
    kinds.add('hmac');
  }
  (options.previousSecrets ?? []).forEach((previous, index) => {
    const what = `previous secret #${index + 1}`;
    checkSecret(previous.secret, what, production, problems);
    noteKid(previous.kid, what);
    if (!(previous.acceptUntil instanceof Date) || Number.isNaN(previous.acceptUntil.getTime())) {
      problems.push(`${what} needs a valid acceptUntil time (ISO 8601, e.g. 2030-01-31T00:00:00Z)`);
    }
    kinds.add('hmac');
  });

  (options.publicKeys ?? []).forEach((key, index) => {
    const what = `public key #${index + 1}${key.kid === undefined ? '' : ` (kid "${key.kid}")`}`;
    noteKid(key.kid, what);
    try {
      const read = readPublicKeyPem(key.pem);
      kinds.add(read.kind);
      for (const algorithm of key.algorithms ?? []) {
        if (!isJwsAlgorithm(algorithm)) {
          problems.push(`${what} lists algorithm "${algorithm}", which is not supported`);
        } else if (keyKindOf(algorithm) !== read.kind) {
          problems.push(`${what} is a ${read.kind} key and cannot verify ${algorithm}`);
        }
      }
    } catch (error) {
      problems.push(`${what} cannot be used: ${error instanceof Error ? error.message : error}`);
    }
  });

  const remote = options.jwksUrl ?? options.oidcIssuer;
  if (options.jwksUrl !== undefined) {
    const problem = keyUrlProblem(options.jwksUrl, 'JWKS URL', rules);
    if (problem !== undefined) problems.push(problem);
  }
  if (options.oidcIssuer !== undefined) {
    const problem = keyUrlProblem(options.oidcIssuer, 'OIDC issuer', rules);
    if (problem !== undefined) problems.push(problem);
    if (options.issuer !== undefined && options.issuer !== options.oidcIssuer) {
      problems.push(
        `JWT_ISSUER "${options.issuer}" differs from the OIDC issuer "${options.oidcIssuer}"; ` +
          'tokens from that provider carry its issuer, so set one value',
      );
    }
  }

  if (options.secret === undefined && kinds.size === 0 && remote === undefined) {
    problems.push(
      'no token verification key is configured: set JWT_SECRET (HS256), a PEM public key, ' +
        'a JWKS URL (JWT_JWKS_URL) or an OIDC issuer (OIDC_ISSUER)',
    );
  }

  for (const algorithm of options.algorithms ?? []) {
    if (algorithm.toLowerCase() === 'none') {
      problems.push('algorithm "none" (unsigned tokens) is never accepted; remove it');
    } else if (!isJwsAlgorithm(algorithm)) {
      problems.push(`algorithm "${algorithm}" is not supported`);
    } else if (!kinds.has(keyKindOf(algorithm))) {
      // A remote key set may hold any asymmetric key, never an HMAC secret.
      if (remote === undefined || isHmacAlgorithm(algorithm)) {
        problems.push(`algorithm ${algorithm} is allowed but no configured key can verify it`);
      }
    }
  }
  if (options.algorithms !== undefined && options.algorithms.length === 0) {
    problems.push('the algorithm allow-list is empty, so no token could be accepted');
  }

  checkNumbers(options, problems);

  if (production) {
    if (options.requireExp === false) {
      problems.push(
        'requireExp cannot be turned off in production: tokens without exp never expire',
      );
    }
    if (options.allowHttpLoopback === true) {
      problems.push('allowHttpLoopback is for development only; remove it in production');
    }
    const fromProvider = remote !== undefined || (options.publicKeys ?? []).length > 0;
    const audience = options.audience;
    const noAudience = audience === undefined || audience.length === 0;
    if (fromProvider && noAudience) {
      problems.push(
        'JWT_AUDIENCE is required in production when tokens come from an identity provider ' +
          '(public key, JWKS or OIDC): without it, a token the provider issued for another ' +
          'application would be accepted here',
      );
    }
  }
  return problems;
}

/** A secret must not be empty, and in production must have at least 32 bytes. */
function checkSecret(
  secret: string | Uint8Array,
  what: string,
  production: boolean,
  problems: string[],
): void {
  const length = secretBytes(secret).length;
  if (length === 0) {
    problems.push(`${what} is empty`);
  } else if (production && length < MIN_PRODUCTION_SECRET_BYTES) {
    problems.push(
      `${what} has ${length} bytes; production needs at least ${MIN_PRODUCTION_SECRET_BYTES} ` +
        '(generate one with: openssl rand -base64 48)',
    );
  }
}

/** Numeric options must be in range; nothing is silently clamped without saying so. */
function checkNumbers(options: AuthOptions, problems: string[]): void {
  const check = (value: number | undefined, name: string, min: number, max?: number): void => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < min || (max !== undefined && value > max)) {
      const range = max === undefined ? `at least ${min}` : `between ${min} and ${max}`;
      problems.push(`${name} is ${value}; it must be ${range}`);
    }
  };
  check(options.leewaySeconds, 'leewaySeconds', 0, MAX_LEEWAY_SECONDS);
  check(options.maxTokenLifetimeSeconds, 'maxTokenLifetimeSeconds', 1);
  check(options.maxTokenBytes, 'maxTokenBytes', 256);
  check(options.jwks?.refreshIntervalSeconds, 'jwks.refreshIntervalSeconds', 1);
  check(options.jwks?.cooldownSeconds, 'jwks.cooldownSeconds', 0);
  check(options.jwks?.timeoutMs, 'jwks.timeoutMs', 1, 60_000);
  check(options.jwks?.maxResponseBytes, 'jwks.maxResponseBytes', 1024);
  check(options.jwks?.maxStaleSeconds, 'jwks.maxStaleSeconds', 0);
  check(options.tokenCache?.maxEntries, 'tokenCache.maxEntries', 0);
  check(options.tokenCache?.maxTtlSeconds, 'tokenCache.maxTtlSeconds', 0);
  for (const path of [...(options.roleClaims ?? []), ...(options.scopeClaims ?? [])]) {
    if (path.trim() === '') problems.push('a role or scope claim path is empty');
  }
}
