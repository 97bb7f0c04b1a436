import type { ErrorReason } from '../errors/catalogue.ts';
import { PublicError } from '../errors/public-error.ts';
import { explanationOf } from './auth-failure.ts';
import { SILENT_AUTH_LOGGER, type AuthLogger } from './auth-logger.ts';
import { resolveAuthOptions, type AuthOptions, type ResolvedAuthOptions } from './auth-options.ts';
import { readBearerToken } from './bearer-token-header.ts';
import {
  checkTokenHeader,
  type CheckedHeader,
  type HeaderCheckContext,
} from './check-token-header.ts';
import { decodeCompactToken, type DecodedToken } from './decode-compact-token.ts';
import { describeInstant } from './describe-instant.ts';
import {
  evaluateTokenClaims,
  type CheckedClaim,
  type ClaimFinding,
} from './evaluate-token-claims.ts';
import type { FetchFunction } from './fetch-key-document.ts';
import {
  failedCheck as fail,
  infoCheck as info,
  passedCheck as ok,
  skippedCheck as skip,
  type InspectionCheck,
  type InspectionCheckName,
} from './inspection-check.ts';
import { readTokenIdentity, type IdentityProblem } from './read-token-identity.ts';
import { tokenFingerprint } from './token-fingerprint.ts';
import { checkTokenId, NO_REVOCATION, type TokenIdRule } from './token-id-rule.ts';
import { createTokenVerifier } from './token-verifier.ts';
import { validateAuthOptions } from './validate-auth-options.ts';
import { verifyTokenSignature, type SignatureKeys } from './verify-token-signature.ts';

export type { InspectionCheck, InspectionCheckName, InspectionStatus } from './inspection-check.ts';

/** What `inspectToken` found. */
export interface TokenInspection {
  /** True only when the server, with this configuration, would accept the token now. */
  readonly accepted: boolean;
  /** Why the server refuses it: the `extensions.reason` a client would see. */
  readonly reason?: ErrorReason;
  /** The message a client would see. */
  readonly message?: string;
  /** The cause in one sentence, as the server logs it at debug level. */
  readonly explanation?: string;
  /** Matches the `fingerprint` of the server's log lines about this token. */
  readonly fingerprint: string;
  /** The decoded, unverified header and claims (absent when the token cannot be decoded). */
  readonly header?: Readonly<Record<string, unknown>>;
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly checks: readonly InspectionCheck[];
}

/** Test seams and a logger for the key fetches inspection may do. */
export interface InspectionDependencies {
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  readonly fetch?: FetchFunction;
  readonly logger?: AuthLogger;
  /**
   * What the server's revocation check demands of `jti` (`[revocation] enabled` and
   * `require_jti`), so the verdict matches a request's. Default `NO_REVOCATION`.
   */
  readonly tokenIdRule?: TokenIdRule;
}

/**
 * Decodes `token` without trusting it, then checks it against the configuration the way the
 * server would, reporting every check rather than stopping at the first failure: format,
 * header, signature (which key matched, or that none did and the secret may have changed),
 * `exp` as local time ("expired 12 minutes ago"), `nbf`, `iat`, `iss` and `aud` against the
 * expected values, subject, scopes, roles, and the `jti` the revocation check needs. The
 * verdict comes from the server's own verifier, then the `jti` rule, so `accepted` cannot
 * disagree with what a request would get; only a revocation recorded in the server's database
 * (logout, `token revoke`) is beyond what can be seen offline. A whole header value is
 * accepted too: `Bearer <token>` is read as the server reads it, and `Token <token>` is refused
 * for its scheme.
 */
export async function inspectToken(
  rawToken: string,
  options: AuthOptions,
  dependencies: InspectionDependencies = {},
): Promise<TokenInspection> {
  const now = dependencies.now ?? Date.now;
  const checks: InspectionCheck[] = [];

  // Text with a space is a whole header value (`Bearer x`, `Token x`): judge it as one. So is
  // a lone `Bearer`, which is what `Authorization: Bearer ` becomes once trimmed.
  let token = rawToken.trim();
  if (/\s/.test(token) || /^bearer$/i.test(token)) {
    try {
      token = readBearerToken({ authorization: token }) ?? '';
    } catch (error) {
      checks.push(failFrom('format', error));
      return refused(tokenFingerprint(token), checks, error);
    }
  }
  const fingerprint = tokenFingerprint(token);

  const problems = validateAuthOptions(options);
  if (problems.length > 0) {
    checks.push(fail('configuration', `the server would not start: ${problems.join('; ')}`));
  }
  const resolved = resolveAuthOptions(options);

  let decoded: DecodedToken;
  try {
    decoded = decodeCompactToken(token, resolved.maxTokenBytes);
  } catch (error) {
    checks.push(failFrom('format', error));
    return refused(fingerprint, checks, error);
  }
  const [h, p, s] = decoded.partLengths;
  checks.push(
    ok('format', `three base64url parts (${h}.${p}.${s} characters); JSON header and claims`),
  );

  if (problems.length > 0) {
    const explanation = 'the configuration is invalid, so no token is accepted';
    return { accepted: false, explanation, fingerprint, ...decodedParts(decoded), checks };
  }

  const verifier = createTokenVerifier(resolved, {
    logger: dependencies.logger ?? SILENT_AUTH_LOGGER,
    now,
    fetch: dependencies.fetch ?? ((url, init) => fetch(url, init)),
    onKeysChanged: () => undefined,
  });
  try {
    const nowMs = now();
    const header = inspectHeader(decoded, verifier.headerContext, checks);
    await inspectSignature(token, header, verifier.keys, nowMs, checks);
    const findings = evaluateTokenClaims(decoded.payload, resolved, nowMs / 1000);
    inspectClaims(decoded, findings, nowMs, checks);
    inspectIdentity(decoded, resolved, checks);
    const tokenId = checkTokenId(decoded.payload, dependencies.tokenIdRule ?? NO_REVOCATION);
    checks.push(
      tokenId.refusal === undefined
        ? info('jti', tokenId.summary)
        : failFrom('jti', tokenId.refusal),
    );

    try {
      await verifier.verify(token);
      // The revocation check runs only on a verified token, so it decides last.
      if (tokenId.refusal !== undefined) throw tokenId.refusal;
      return { accepted: true, fingerprint, ...decodedParts(decoded), checks };
    } catch (error) {
      return { ...refused(fingerprint, checks, error), ...decodedParts(decoded) };
    }
  } finally {
    verifier.close();
  }
}

function inspectHeader(
  decoded: DecodedToken,
  context: HeaderCheckContext,
  checks: InspectionCheck[],
): CheckedHeader | undefined {
  const { alg, kid, typ } = decoded.header;
  const facts = [
    `alg ${JSON.stringify(alg)}`,
    kid === undefined ? 'no kid' : `kid ${JSON.stringify(kid)}`,
    ...(typ === undefined ? [] : [`typ ${JSON.stringify(typ)}`]),
  ].join(', ');
  try {
    const header = checkTokenHeader(decoded.header, context);
    checks.push(ok('header', facts));
    return header;
  } catch (error) {
    checks.push(failFrom('header', error, `${facts}: `));
    return undefined;
  }
}

async function inspectSignature(
  token: string,
  header: CheckedHeader | undefined,
  keys: SignatureKeys,
  nowMs: number,
  checks: InspectionCheck[],
): Promise<void> {
  if (header === undefined) {
    checks.push(skip('signature', 'not checked: the header is refused'));
    return;
  }
  const outcome = await verifyTokenSignature(token, header, keys, nowMs);
  if (outcome.ok) {
    checks.push(ok('signature', `verified with ${outcome.key.label}`));
    return;
  }
  checks.push(failFrom('signature', outcome.error));
}

/** Claims are shown even after a signature failure: an expired token is worth knowing about. */
function inspectClaims(
  decoded: DecodedToken,
  findings: readonly ClaimFinding[],
  nowMs: number,
  checks: InspectionCheck[],
): void {
  const byClaim = new Map<CheckedClaim, ClaimFinding>(findings.map((f) => [f.claim, f]));
  const nowSeconds = nowMs / 1000;
  for (const claim of ['exp', 'nbf', 'iat', 'iss', 'aud', 'lifetime'] as const) {
    const finding = byClaim.get(claim);
    if (finding === undefined) continue;
    let summary = finding.explanation;
    if (claim === 'exp' || claim === 'nbf' || claim === 'iat') {
      const value = decoded.payload[claim];
      if (typeof value === 'number' && Number.isFinite(value)) {
        summary = describeInstant(value, nowSeconds, claim);
        if (finding.status === 'fail') summary += `: ${finding.explanation}`;
      }
    }
    checks.push({
      name: claim,
      status: finding.status,
      summary,
      ...(finding.status === 'fail' ? { reason: finding.reason } : {}),
    });
  }
}

function inspectIdentity(
  decoded: DecodedToken,
  options: ResolvedAuthOptions,
  checks: InspectionCheck[],
): void {
  const identity = readTokenIdentity(decoded.payload, options);
  const problemOf = (part: IdentityProblem['part']): IdentityProblem | undefined =>
    identity.problems.find((problem) => problem.part === part);
  const fromProblem = (name: InspectionCheckName, problem: IdentityProblem): InspectionCheck => ({
    name,
    status: 'fail',
    summary: problem.explanation,
    reason: problem.reason,
  });
  const list = (items: readonly string[], from: readonly string[]): string =>
    `${items.length === 0 ? '(none)' : items.join(' ')} (read from ${from.join(', ')})`;

  const subjectProblem = problemOf('subject');
  checks.push(
    subjectProblem !== undefined
      ? fromProblem('subject', subjectProblem)
      : ok('subject', `"${identity.subject ?? ''}" (from ${identity.subjectClaim ?? 'sub'})`),
  );
  const scopesProblem = problemOf('scopes');
  checks.push(
    scopesProblem !== undefined
      ? fromProblem('scopes', scopesProblem)
      : info('scopes', list(identity.scopes, options.scopeClaims)),
  );
  const rolesProblem = problemOf('roles');
  checks.push(
    rolesProblem !== undefined
      ? fromProblem('roles', rolesProblem)
      : info('roles', list(identity.roles, options.roleClaims)),
  );
}

function decodedParts(decoded: DecodedToken): Pick<TokenInspection, 'header' | 'claims'> {
  return { header: decoded.header, claims: decoded.payload };
}

function refused(fingerprint: string, checks: InspectionCheck[], error: unknown): TokenInspection {
  if (error instanceof PublicError) {
    return {
      accepted: false,
      reason: error.reason,
      message: error.message,
      explanation: explanationOf(error),
      fingerprint,
      checks,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { accepted: false, message, explanation: message, fingerprint, checks };
}

function failFrom(name: InspectionCheckName, error: unknown, prefix = ''): InspectionCheck {
  if (error instanceof PublicError) {
    return {
      name,
      status: 'fail',
      summary: `${prefix}${explanationOf(error)}`,
      reason: error.reason,
    };
  }
  return fail(name, `${prefix}${error instanceof Error ? error.message : String(error)}`);
}
