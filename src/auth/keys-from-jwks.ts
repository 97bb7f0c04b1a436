import type { JsonWebKey } from 'node:crypto';

import {
  isJwsAlgorithm,
  keyKindOf,
  type JwsAlgorithm,
  type VerificationKeyKind,
} from './jws-algorithms.ts';
import { keyAlgorithms } from './local-keys.ts';
import { ecKindOf, MIN_RSA_MODULUS_BITS } from './public-key-pem.ts';
import { createVerificationKey, type VerificationKey } from './verification-key.ts';

/** The usable keys of a JWKS, and why each other key was left out. */
export interface JwksKeys {
  readonly keys: VerificationKey[];
  readonly skipped: string[];
}

/**
 * Turns a JWKS document (RFC 7517 §5) into verification keys. A key is left out, with the
 * reason, when it is not for signatures (`use`, `key_ops`), when it is symmetric (`oct`: a
 * published shared secret would let anyone sign), when it holds private material, when its
 * type or curve is unsupported, when an RSA modulus is under 2048 bits, or when none of its
 * algorithms is allowed. Throws when the document has no `keys` array.
 */
export function keysFromJwks(
  document: Record<string, unknown>,
  allowed: ReadonlySet<JwsAlgorithm>,
): JwksKeys {
  const listed = document['keys'];
  if (!Array.isArray(listed)) throw new Error('the JWKS has no "keys" array');
  const list: readonly unknown[] = listed;
  const keys: VerificationKey[] = [];
  const skipped: string[] = [];

  list.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      skipped.push(`key #${index + 1} is not an object`);
      return;
    }
    const jwk = entry as Record<string, unknown>;
    const kid = typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined;
    const name = kid === undefined ? `key #${index + 1}` : `key "${kid}"`;
    const why = unusableBecause(jwk);
    if (why !== undefined) {
      skipped.push(`${name} ${why}`);
      return;
    }
    let kind: VerificationKeyKind;
    try {
      kind = kindOfJwk(jwk);
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const own = jwk['alg'];
    if (own !== undefined && (!isJwsAlgorithm(own) || keyKindOf(own) !== kind)) {
      skipped.push(`${name} declares alg ${JSON.stringify(own)}, which does not fit its key type`);
      return;
    }
    const algorithms = keyAlgorithms(kind, own === undefined ? undefined : [own], allowed);
    if (algorithms.length === 0) {
      skipped.push(`${name} can verify no allowed algorithm`);
      return;
    }
    keys.push(
      createVerificationKey({
        label: `JWKS ${name}`,
        origin: 'jwks',
        kid,
        kind,
        algorithms,
        material: { type: 'jwk', jwk: jwk as JsonWebKey },
      }),
    );
  });
  return { keys, skipped };
}

/** Why a JWK must not be used to verify signatures, or undefined when it may be. */
function unusableBecause(jwk: Record<string, unknown>): string | undefined {
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return 'is not a signature key (use)';
  const ops = jwk['key_ops'];
  if (Array.isArray(ops) && !ops.includes('verify')) return 'does not allow "verify" (key_ops)';
  if (jwk['kty'] === 'oct') return 'is a symmetric key, which a key set must never publish';
  if (jwk['d'] !== undefined)
    return 'holds private key material: the provider is publishing a private key';
  return undefined;
}

/** The key kind of a public JWK; throws for types and curves that cannot verify here. */
function kindOfJwk(jwk: Record<string, unknown>): VerificationKeyKind {
  switch (jwk['kty']) {
    case 'RSA': {
      const modulus = jwk['n'];
      if (typeof modulus !== 'string' || typeof jwk['e'] !== 'string') {
        throw new Error('an RSA key needs "n" and "e"');
      }
      const bits = modulusBits(modulus);
      if (bits < MIN_RSA_MODULUS_BITS) {
        throw new Error(`its RSA modulus has ${bits} bits; at least ${MIN_RSA_MODULUS_BITS}`);
      }
      return 'rsa';
    }
    case 'EC':
      return ecKindOf(typeof jwk['crv'] === 'string' ? jwk['crv'] : undefined);
    case 'OKP':
      if (jwk['crv'] === 'Ed25519') return 'ed25519';
      throw new Error(`OKP curve ${JSON.stringify(jwk['crv'])} is not supported; use Ed25519`);
    default:
      throw new Error(`key type ${JSON.stringify(jwk['kty'])} is not supported`);
  }
}

/** The bit length of a base64url big-endian modulus. */
function modulusBits(modulus: string): number {
  const bytes = Buffer.from(modulus, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  const first = bytes[start];
  if (first === undefined) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(first));
}
