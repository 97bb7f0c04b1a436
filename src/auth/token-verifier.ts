import type { ResolvedAuthOptions } from './auth-options.ts';
import { authFailure } from './auth-failure.ts';
import type { AuthLogger } from './auth-logger.ts';
import { checkTokenHeader, type HeaderCheckContext } from './check-token-header.ts';
import { decodeCompactToken } from './decode-compact-token.ts';
import { evaluateTokenClaims, firstClaimFailure } from './evaluate-token-claims.ts';
import type { FetchFunction } from './fetch-key-document.ts';
import { frozenSet } from './frozen-set.ts';
import { isHmacAlgorithm } from './jws-algorithms.ts';
import { allowedAlgorithms, buildLocalKeys } from './local-keys.ts';
import type { Principal } from './principal.ts';
import { readTokenIdentity } from './read-token-identity.ts';
import { RemoteKeySet } from './remote-key-set.ts';
import { tokenFingerprint } from './token-fingerprint.ts';
import { tokenIdOf, tokenIdProblem } from './token-id-rule.ts';
import type { VerificationKey } from './verification-key.ts';
import { verifyTokenSignature, type SignatureKeys } from './verify-token-signature.ts';

/** What the verifier needs from its surroundings; injectable for tests. */
export interface TokenVerifierDependencies {
  readonly logger: AuthLogger;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly fetch: FetchFunction;
  /** Called when a remote key set rotated, so verified tokens are flushed. */
  readonly onKeysChanged: () => void;
}

/** A token that passed every check. */
export interface VerifiedToken {
  readonly principal: Principal;
  /** The key whose signature matched. */
  readonly key: VerificationKey;
  /** Epoch milliseconds from which this verdict no longer holds (`exp`, a secret's retirement). */
  readonly validUntilMs: number | undefined;
}

/** Verifies access tokens against one configuration. */
export interface TokenVerifier {
  /** Verifies `token` or throws the `PublicError` that names why it is refused. */
  verify(token: string): Promise<VerifiedToken>;
  /** The keys, for `token inspect`. */
  readonly keys: SignatureKeys;
  /** What the header check compares with, for `token inspect`. */
  readonly headerContext: HeaderCheckContext;
  /** Fetches a remote key set now, when one is configured. */
  warmUp(): Promise<void>;
  close(): void;
}

/**
 * Builds the verifier: local keys (secrets, PEM keys) are read now and imported on first use;
 * a JWKS URL or OIDC issuer gives a remote key set fetched on first use. `options` must have
 * passed `validateAuthOptions`.
 *
 * Checks run in this order, and the first failure is the one reported: format, header,
 * signature, then `iss`, `aud`, `exp`, `nbf`, `iat`, lifetime, identity. Nothing in an
 * unverified token is believed before its signature is.
 */
export function createTokenVerifier(
  options: ResolvedAuthOptions,
  dependencies: TokenVerifierDependencies,
): TokenVerifier {
  const allowed = allowedAlgorithms(options);
  const local = buildLocalKeys(options);
  const remoteSource =
    options.jwksUrl !== undefined
      ? ({ type: 'jwks-url', url: options.jwksUrl } as const)
      : options.oidcIssuer !== undefined
        ? ({ type: 'oidc-issuer', issuer: options.oidcIssuer } as const)
        : undefined;
  const remote =
    remoteSource === undefined
      ? undefined
      : new RemoteKeySet({
          source: remoteSource,
          jwks: options.jwks,
          rules: options,
          allowed,
          fetch: dependencies.fetch,
          now: dependencies.now,
          logger: dependencies.logger,
          onKeysChanged: dependencies.onKeysChanged,
        });
  const keys: SignatureKeys = { local, remote };
  const headerContext: HeaderCheckContext = {
    options,
    allowed,
    canVerify: (alg) =>
      local.some((key) => key.algorithms.has(alg)) ||
      (remote !== undefined && !isHmacAlgorithm(alg)),
  };

  async function verify(token: string): Promise<VerifiedToken> {
    const decoded = decodeCompactToken(token, options.maxTokenBytes);
    const header = checkTokenHeader(decoded.header, headerContext);
    const nowMs = dependencies.now();

    const signature = await verifyTokenSignature(token, header, keys, nowMs);
    if (!signature.ok) throw signature.error;
    const detail = { alg: header.alg, kid: header.kid, key: signature.key.label };

    const payload = decoded.payload;
    const failure = firstClaimFailure(evaluateTokenClaims(payload, options, nowMs / 1000));
    if (failure !== undefined) {
      throw authFailure(failure.reason, failure.explanation, { ...detail, ...failure.detail });
    }

    const identity = readTokenIdentity(payload, options);
    const [problem] = identity.problems;
    if (problem !== undefined) throw authFailure(problem.reason, problem.explanation, detail);
    if (identity.subject === undefined) {
      throw authFailure('MISSING_IDENTITY', 'the token names no subject', detail);
    }
    // Before any store is asked: a jti PostgreSQL cannot bind would read as a store outage.
    const jtiProblem = tokenIdProblem(payload);
    if (jtiProblem !== undefined) throw authFailure('MALFORMED_TOKEN', jtiProblem, detail);

    const exp = numberClaim(payload, 'exp');
    const iat = numberClaim(payload, 'iat');
    const jti = tokenIdOf(payload);
    const principal: Principal = Object.freeze({
      subject: identity.subject,
      scopes: frozenSet(identity.scopes),
      roles: frozenSet(identity.roles),
      claims: deepFreeze(structuredClone(payload)),
      ...(jti === undefined ? {} : { tokenId: jti }),
      ...(exp === undefined ? {} : { expiresAt: exp }),
      ...(iat === undefined ? {} : { issuedAt: iat }),
      tokenFingerprint: tokenFingerprint(token),
      method: 'jwt',
    });
    const limits = [exp === undefined ? undefined : exp * 1000, signature.key.acceptUntilMs];
    const validUntilMs = limits.reduce<number | undefined>(
      (earliest, limit) =>
        limit === undefined ? earliest : Math.min(earliest ?? Number.POSITIVE_INFINITY, limit),
      undefined,
    );
    return { principal, key: signature.key, validUntilMs };
  }

  return {
    verify,
    keys,
    headerContext,
    warmUp: () => remote?.warmUp() ?? Promise.resolve(),
    close: () => remote?.close(),
  };
}

function numberClaim(payload: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = payload[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Freezes a JSON value in depth, so no layer can alter the claims another layer reads. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
