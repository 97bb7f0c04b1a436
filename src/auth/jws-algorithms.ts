/**
 * The JWS algorithms the server can verify (RFC 7518 §3, RFC 8037, RFC 9864), and the one kind
 * of key each may be checked with. Binding every algorithm to a key kind is what makes algorithm
 * confusion impossible: an `HS256` token is only ever checked with an HMAC secret, never with the
 * bytes of an RSA public key (RFC 8725 §2.1 and §3.1).
 */

/** Every JWS `alg` accepted by some key kind. `none` is deliberately absent. */
export const JWS_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** A JWS algorithm identifier the server can verify. */
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/**
 * The kinds of verification key. EC keys are split by curve because each ES algorithm names
 * exactly one curve (RFC 7518 §3.4).
 */
export type VerificationKeyKind = 'hmac' | 'rsa' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519';

/** The key kind each algorithm needs. */
const KEY_KIND_OF: Readonly<Record<JwsAlgorithm, VerificationKeyKind>> = {
  HS256: 'hmac',
  HS384: 'hmac',
  HS512: 'hmac',
  RS256: 'rsa',
  RS384: 'rsa',
  RS512: 'rsa',
  PS256: 'rsa',
  PS384: 'rsa',
  PS512: 'rsa',
  ES256: 'ec-p256',
  ES384: 'ec-p384',
  ES512: 'ec-p521',
  EdDSA: 'ed25519',
  Ed25519: 'ed25519',
};

/** True when `value` names an algorithm this server can verify. */
export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && (JWS_ALGORITHMS as readonly string[]).includes(value);
}

/** The key kind an algorithm must be verified with. */
export function keyKindOf(algorithm: JwsAlgorithm): VerificationKeyKind {
  return KEY_KIND_OF[algorithm];
}

/** The algorithms a key of `kind` can verify, in table order. */
export function algorithmsForKeyKind(kind: VerificationKeyKind): readonly JwsAlgorithm[] {
  return JWS_ALGORITHMS.filter((algorithm) => KEY_KIND_OF[algorithm] === kind);
}

/** True for the symmetric (shared-secret) algorithms. */
export function isHmacAlgorithm(algorithm: JwsAlgorithm): boolean {
  return KEY_KIND_OF[algorithm] === 'hmac';
}

/** The WebCrypto hash behind each HMAC algorithm. */
const HMAC_HASH: Partial<Record<JwsAlgorithm, string>> = {
  HS256: 'SHA-256',
  HS384: 'SHA-384',
  HS512: 'SHA-512',
};

/** The WebCrypto hash of an HMAC algorithm, or undefined for any other algorithm. */
export function hmacHashOf(algorithm: JwsAlgorithm): string | undefined {
  return HMAC_HASH[algorithm];
}
