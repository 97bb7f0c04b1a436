import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

import type { VerificationKeyKind } from './jws-algorithms.ts';

/** A configured PEM public key, read and classified. */
export interface ReadPublicKey {
  readonly kind: VerificationKeyKind;
  /** The public key as a JWK, ready for a one-time import per algorithm. */
  readonly jwk: JsonWebKey;
}

/** The smallest RSA modulus accepted (RFC 7518 §3.3). */
export const MIN_RSA_MODULUS_BITS = 2048;

/**
 * Reads a PEM public key (SPKI, PKCS#1 RSA or an X.509 certificate) and tells which kind of
 * key it is. Throws an `Error` whose message says what is wrong and what to configure instead.
 *
 * A private key is refused even though its public half could be derived: a private key in the
 * verification configuration means it is stored where it should not be.
 */
export function readPublicKeyPem(pem: string): ReadPublicKey {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new Error(
      'it is a private key; configure only the public key (openssl pkey -pubout) and keep the ' +
        'private key with the token issuer',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`it is not a readable PEM public key or certificate (${why})`);
  }
  return { kind: keyKindOfObject(key), jwk: key.export({ format: 'jwk' }) };
}

/** Classifies a public KeyObject; throws for key types no JWS algorithm here can use. */
function keyKindOfObject(key: KeyObject): VerificationKeyKind {
  const type = key.asymmetricKeyType;
  switch (type) {
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_MODULUS_BITS) {
        throw new Error(`its RSA modulus has ${bits} bits; at least ${MIN_RSA_MODULUS_BITS}`);
      }
      return 'rsa';
    }
    case 'ec':
      return ecKindOf(key.asymmetricKeyDetails?.namedCurve);
    case 'ed25519':
      return 'ed25519';
    case 'rsa-pss':
      throw new Error(
        'it is an RSASSA-PSS-only (id-RSASSA-PSS) key, which WebCrypto cannot import; export ' +
          'the same key with the rsaEncryption OID, it still verifies PS256/384/512',
      );
    default:
      throw new Error(
        `its key type "${type ?? 'unknown'}" is not supported; ` +
          'use RSA, EC P-256/384/521 or Ed25519',
      );
  }
}

/** The key kind of an EC curve, by its OpenSSL or JOSE name. */
export function ecKindOf(curve: string | undefined): VerificationKeyKind {
  switch (curve) {
    case 'prime256v1':
    case 'P-256':
      return 'ec-p256';
    case 'secp384r1':
    case 'P-384':
      return 'ec-p384';
    case 'secp521r1':
    case 'P-521':
      return 'ec-p521';
    default:
      throw new Error(
        `its EC curve "${curve ?? 'unknown'}" is not supported; use P-256, P-384 or P-521`,
      );
  }
}
