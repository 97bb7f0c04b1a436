import type { ResolvedAuthOptions } from './auth-options.ts';
import { authFailure } from './auth-failure.ts';
import { isJwsAlgorithm, keyKindOf, type JwsAlgorithm } from './jws-algorithms.ts';

/** The header facts verification goes on with. */
export interface CheckedHeader {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
}

/** Header parameters that point at a key chosen by the token itself (RFC 8725 §3.10). */
const KEY_REFERENCES = ['jku', 'x5u', 'jwk', 'x5c'] as const;

/** What the header check needs to know about the configured keys. */
export interface HeaderCheckContext {
  readonly options: ResolvedAuthOptions;
  /** The global allow-list. */
  readonly allowed: ReadonlySet<JwsAlgorithm>;
  /** True when some configured key (or the remote key set) can verify `alg`. */
  readonly canVerify: (alg: JwsAlgorithm) => boolean;
}

/**
 * Checks the unverified JOSE header before any key is touched, refusing:
 * - a missing, unsigned (`none`), unsupported or disallowed `alg`, or one no configured key
 *   type verifies: this is where an HS256 token meant for an RSA public key (algorithm
 *   confusion) stops (RFC 8725 §2.1, §3.1);
 * - `jku`, `x5u`, `jwk` and `x5c`: a token may not name the key it is checked with;
 * - `crit` and `b64`: extensions this server does not implement (RFC 7515 §4.1.11);
 * - a `typ` naming another kind of JWT (RFC 8725 §3.11);
 * - a `kid` that is not a string.
 */
export function checkTokenHeader(
  header: Readonly<Record<string, unknown>>,
  context: HeaderCheckContext,
): CheckedHeader {
  const alg = header['alg'];
  // Named in every refusal's log line, so an operator can tell which key the issuer meant.
  const kidShown = typeof header['kid'] === 'string' ? { kid: header['kid'] } : {};
  if (typeof alg !== 'string' || alg === '') {
    throw authFailure('MALFORMED_TOKEN', 'the header has no "alg"');
  }
  if (alg.toLowerCase() === 'none') {
    throw authFailure(
      'ALGORITHM_NOT_ALLOWED',
      'the token is unsigned (alg "none"), which is never accepted',
      { alg, ...kidShown },
    );
  }
  if (!isJwsAlgorithm(alg)) {
    throw authFailure(
      'ALGORITHM_NOT_ALLOWED',
      `alg "${alg}" is not a supported signature algorithm`,
      { alg, ...kidShown },
    );
  }
  if (!context.allowed.has(alg)) {
    throw authFailure(
      'ALGORITHM_NOT_ALLOWED',
      `alg ${alg} is not in the configured allow-list (${[...context.allowed].join(', ')})`,
      { alg, ...kidShown },
    );
  }

  for (const name of KEY_REFERENCES) {
    if (header[name] !== undefined) {
      throw authFailure(
        'UNTRUSTED_KEY_REFERENCE',
        `the header carries "${name}", pointing at a key of its own choosing; such references ` +
          'are never followed and the token is refused',
        { alg, ...kidShown, header: name },
      );
    }
  }
  for (const name of ['crit', 'b64']) {
    if (header[name] !== undefined) {
      throw authFailure(
        'MALFORMED_TOKEN',
        `the header uses "${name}", an extension this server does not implement`,
        { alg, ...kidShown, header: name },
      );
    }
  }

  const typ = header['typ'];
  if (typ !== undefined) {
    const accepted = context.options.acceptedTokenTypes.map(normaliseType);
    if (typeof typ !== 'string' || !accepted.includes(normaliseType(typ))) {
      throw authFailure(
        'UNSUPPORTED_TOKEN_TYPE',
        `the header typ ${JSON.stringify(typ)} is not an access token type ` +
          `(accepted: ${context.options.acceptedTokenTypes.join(', ')})`,
        { alg, ...kidShown, typ },
      );
    }
  }

  const kid = header['kid'];
  if (kid !== undefined && typeof kid !== 'string') {
    throw authFailure('MALFORMED_TOKEN', 'the header "kid" is not a string', { alg });
  }

  if (!context.canVerify(alg)) {
    throw authFailure(
      'ALGORITHM_NOT_ALLOWED',
      `alg ${alg} needs a ${keyKindOf(alg)} key and none is configured; a token signed with ` +
        'another kind of key than the server holds is refused (algorithm confusion)',
      { alg, kid },
    );
  }
  return { alg, kid };
}

/** `application/at+JWT` and `at+jwt` name the same type (RFC 7515 §4.1.9). */
function normaliseType(type: string): string {
  const lower = type.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}
