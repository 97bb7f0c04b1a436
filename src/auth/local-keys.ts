import { secretBytes, type ResolvedAuthOptions } from './auth-options.ts';
import {
  algorithmsForKeyKind,
  isJwsAlgorithm,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
  type VerificationKeyKind,
} from './jws-algorithms.ts';
import { readPublicKeyPem } from './public-key-pem.ts';
import { createVerificationKey, type VerificationKey } from './verification-key.ts';

/** The global allow-list: the configured one, or every algorithm a key kind can verify. */
export function allowedAlgorithms(options: ResolvedAuthOptions): ReadonlySet<JwsAlgorithm> {
  if (options.algorithms === undefined) return new Set(JWS_ALGORITHMS);
  return new Set(options.algorithms.filter(isJwsAlgorithm));
}

/** What a key of `kind` may verify: its own list (else its kind's), within the global list. */
export function keyAlgorithms(
  kind: VerificationKeyKind,
  own: readonly string[] | undefined,
  allowed: ReadonlySet<JwsAlgorithm>,
): JwsAlgorithm[] {
  const forKind = algorithmsForKeyKind(kind);
  const chosen = own === undefined ? forKind : forKind.filter((alg) => own.includes(alg));
  return chosen.filter((alg) => allowed.has(alg));
}

/**
 * The keys configured locally: the current `JWT_SECRET`, previous secrets (each refused from
 * its `acceptUntil` on) and PEM public keys. Options must have passed `validateAuthOptions`;
 * a PEM that cannot be read throws here rather than being skipped.
 */
export function buildLocalKeys(options: ResolvedAuthOptions): VerificationKey[] {
  const allowed = allowedAlgorithms(options);
  const keys: VerificationKey[] = [];

  if (options.secret !== undefined) {
    const kid = options.secret.kid;
    keys.push(
      createVerificationKey({
        label: `${options.secret.label ?? 'JWT_SECRET'}${kid === undefined ? '' : ` (kid "${kid}")`}`,
        origin: 'secret',
        kid,
        kind: 'hmac',
        algorithms: keyAlgorithms('hmac', undefined, allowed),
        material: { type: 'secret', bytes: secretBytes(options.secret.secret) },
      }),
    );
  }

  options.previousSecrets.forEach((previous, index) => {
    const kid = previous.kid;
    keys.push(
      createVerificationKey({
        label: `previous secret #${index + 1}${kid === undefined ? '' : ` (kid "${kid}")`}`,
        origin: 'previous-secret',
        kid,
        kind: 'hmac',
        algorithms: keyAlgorithms('hmac', undefined, allowed),
        acceptUntilMs: previous.acceptUntil.getTime(),
        material: { type: 'secret', bytes: secretBytes(previous.secret) },
      }),
    );
  });

  options.publicKeys.forEach((publicKey, index) => {
    const kid = publicKey.kid;
    const read = readPublicKeyPem(publicKey.pem);
    keys.push(
      createVerificationKey({
        label: `public key #${index + 1}${kid === undefined ? '' : ` (kid "${kid}")`}`,
        origin: 'public-key',
        kid,
        kind: read.kind,
        algorithms: keyAlgorithms(read.kind, publicKey.algorithms, allowed),
        material: { type: 'jwk', jwk: read.jwk },
      }),
    );
  });

  return keys;
}
