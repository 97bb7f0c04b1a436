import type { ErrorReason } from '../errors/catalogue.ts';
import type { ResolvedAuthOptions } from './auth-options.ts';

/** The registered claims checked, in the order a refusal reports them. */
export type CheckedClaim = 'iss' | 'aud' | 'exp' | 'nbf' | 'iat' | 'lifetime';

/** What every verdict on a claim carries. */
interface ClaimFindingBase {
  readonly claim: CheckedClaim;
  /** A sentence for the log and `token inspect`; never holds the token or a secret. */
  readonly explanation: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A claim that refuses the token; it always says why, as the reason a client sees. */
export interface FailingClaimFinding extends ClaimFindingBase {
  readonly status: 'fail';
  readonly reason: ErrorReason;
}

/**
 * The verdict on one registered claim. `ok`: checked and fine; `skipped`: absent or not
 * configured, and allowed; `fail`: refused, with the reason (the union makes a failure without
 * one unrepresentable).
 */
export type ClaimFinding =
  | (ClaimFindingBase & { readonly status: 'ok' | 'skipped' })
  | FailingClaimFinding;

/**
 * The first failing finding, in reporting order: the one a verifier refuses the token with.
 * Undefined only when no claim failed.
 */
export function firstClaimFailure(
  findings: readonly ClaimFinding[],
): FailingClaimFinding | undefined {
  return findings.find((finding): finding is FailingClaimFinding => finding.status === 'fail');
}

/**
 * Checks the registered claims of a verified token (RFC 7519 §4.1) against the configuration
 * at `nowSeconds`, with one leeway for every time check (RFC 7519 §4.1.4-6, RFC 8725 §3.8):
 * `iss` exactly, `aud` containing an expected audience (a token with an `aud` is refused when
 * none is configured, §4.1.3), `exp` (required in production), `nbf`, `iat` not in the future,
 * and the optional maximum lifetime. Returns one finding per claim, in reporting order.
 */
export function evaluateTokenClaims(
  payload: Readonly<Record<string, unknown>>,
  options: ResolvedAuthOptions,
  nowSeconds: number,
): ClaimFinding[] {
  const leeway = options.leewaySeconds;
  const findings: ClaimFinding[] = [checkIssuer(payload, options), checkAudience(payload, options)];

  const exp = numericDate(payload, 'exp');
  const nbf = numericDate(payload, 'nbf');
  const iat = numericDate(payload, 'iat');

  if (exp === 'invalid') {
    findings.push(notNumeric('exp'));
  } else if (exp === undefined) {
    const required = options.requireExp || options.maxTokenLifetimeSeconds !== undefined;
    findings.push(
      required
        ? fail('exp', 'MISSING_EXPIRY', 'the token has no exp, and tokens must expire here', {})
        : skip('exp', 'the token has no exp (accepted: expiry is not required in development)'),
    );
  } else if (nowSeconds >= exp + leeway) {
    const ago = Math.floor(nowSeconds - exp);
    findings.push(
      fail('exp', 'TOKEN_EXPIRED', `the token expired ${ago} s ago (leeway ${leeway} s)`, {
        exp,
        secondsSinceExpiry: ago,
        leewaySeconds: leeway,
      }),
    );
  } else {
    findings.push(ok('exp', `the token expires in ${Math.ceil(exp - nowSeconds)} s`, { exp }));
  }

  if (nbf === 'invalid') findings.push(notNumeric('nbf'));
  else if (nbf === undefined) findings.push(skip('nbf', 'no nbf'));
  else if (nowSeconds + leeway < nbf) {
    const until = Math.ceil(nbf - nowSeconds);
    findings.push(
      fail('nbf', 'TOKEN_NOT_YET_VALID', `the token is valid only in ${until} s (nbf)`, {
        nbf,
        secondsUntilValid: until,
        leewaySeconds: leeway,
      }),
    );
  } else findings.push(ok('nbf', 'the token is already valid', { nbf }));

  if (iat === 'invalid') findings.push(notNumeric('iat'));
  else if (iat === undefined) findings.push(skip('iat', 'no iat'));
  else if (iat > nowSeconds + leeway) {
    const ahead = Math.ceil(iat - nowSeconds);
    findings.push(
      fail(
        'iat',
        'TOKEN_NOT_YET_VALID',
        `the token claims to be issued ${ahead} s in the future; the issuer's clock or this ` +
          "server's is wrong",
        { iat, secondsAhead: ahead, leewaySeconds: leeway },
      ),
    );
  } else findings.push(ok('iat', `issued ${Math.floor(nowSeconds - iat)} s ago`, { iat }));

  findings.push(checkLifetime(options, nowSeconds, exp, iat));
  return findings;
}

function checkIssuer(payload: Readonly<Record<string, unknown>>, options: ResolvedAuthOptions) {
  const expected = options.issuer;
  const actual = payload['iss'];
  if (expected === undefined) {
    return skip('iss', 'not checked: no issuer is configured (JWT_ISSUER)', { actual });
  }
  if (actual === expected) return ok('iss', `issuer is "${expected}"`, { expected, actual });
  const shown = actual === undefined ? 'the token has no iss' : `iss is ${JSON.stringify(actual)}`;
  return fail('iss', 'INVALID_ISSUER', `${shown}; expected "${expected}"`, { expected, actual });
}

function checkAudience(payload: Readonly<Record<string, unknown>>, options: ResolvedAuthOptions) {
  const expected = options.audiences;
  const actual = payload['aud'];
  const list = audienceList(actual);
  if (actual !== undefined && list === undefined) {
    return fail('aud', 'INVALID_AUDIENCE', 'aud is neither a string nor an array of strings', {
      expected,
    });
  }
  if (expected.length === 0) {
    if (actual === undefined) return skip('aud', 'not checked: no audience is configured');
    return fail(
      'aud',
      'INVALID_AUDIENCE',
      `the token is meant for ${JSON.stringify(actual)} but this server has no audience ` +
        'configured; if it is that audience, set JWT_AUDIENCE (RFC 7519 §4.1.3)',
      { expected, actual },
    );
  }
  if (list === undefined) {
    return fail('aud', 'INVALID_AUDIENCE', `the token has no aud; expected ${quoteAll(expected)}`, {
      expected,
    });
  }
  if (list.some((audience) => expected.includes(audience))) {
    return ok('aud', `audience ${JSON.stringify(actual)} is expected`, { expected, actual });
  }
  return fail(
    'aud',
    'INVALID_AUDIENCE',
    `aud is ${JSON.stringify(actual)}; expected ${quoteAll(expected)}`,
    { expected, actual },
  );
}

/** `aud` as a list of strings (RFC 7519 §4.1.3), or undefined if absent or of another type. */
function audienceList(aud: unknown): string[] | undefined {
  if (typeof aud === 'string') return [aud];
  if (!Array.isArray(aud)) return undefined;
  const items: readonly unknown[] = aud;
  const texts = items.filter((item): item is string => typeof item === 'string');
  return texts.length === items.length ? texts : undefined;
}

function checkLifetime(
  options: ResolvedAuthOptions,
  nowSeconds: number,
  exp: number | 'invalid' | undefined,
  iat: number | 'invalid' | undefined,
): ClaimFinding {
  const max = options.maxTokenLifetimeSeconds;
  if (max === undefined) return skip('lifetime', 'no maximum lifetime is configured');
  if (typeof exp !== 'number') return skip('lifetime', 'no usable exp to measure');
  // Without iat, what is left of the token's life is what can be measured.
  const lifetime = typeof iat === 'number' ? exp - iat : exp - nowSeconds - options.leewaySeconds;
  if (lifetime > max) {
    return fail(
      'lifetime',
      'TOKEN_TOO_LONG_LIVED',
      `the token is valid for ${Math.round(lifetime)} s; the configured maximum is ${max} s`,
      { lifetimeSeconds: lifetime, maxTokenLifetimeSeconds: max },
    );
  }
  return ok('lifetime', `valid for ${Math.round(lifetime)} s, within ${max} s`, {});
}

/** A NumericDate claim (RFC 7519 §2): a finite number, absent, or invalid. */
function numericDate(payload: Readonly<Record<string, unknown>>, claim: string) {
  const value = payload[claim];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : 'invalid';
}

function notNumeric(claim: 'exp' | 'nbf' | 'iat'): ClaimFinding {
  return fail(claim, 'MALFORMED_TOKEN', `${claim} is not a number of seconds (NumericDate)`, {});
}

function quoteAll(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(' or ');
}

function ok(claim: CheckedClaim, explanation: string, detail: Record<string, unknown>) {
  return { claim, status: 'ok', explanation, detail } as const;
}

function skip(claim: CheckedClaim, explanation: string, detail: Record<string, unknown> = {}) {
  return { claim, status: 'skipped', explanation, detail } as const;
}

function fail(
  claim: CheckedClaim,
  reason: ErrorReason,
  explanation: string,
  detail: Record<string, unknown>,
): FailingClaimFinding {
  return { claim, status: 'fail', reason, explanation, detail };
}
