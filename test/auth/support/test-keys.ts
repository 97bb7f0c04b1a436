import { generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A key pair in the forms the tests need: PEM for PyJWT and the config, JWK for a JWKS. */
export interface TestKeyPair {
  readonly privatePem: string;
  readonly publicPem: string;
  readonly publicJwk: Record<string, unknown>;
}

function pairOf(keys: { publicKey: KeyObject; privateKey: KeyObject }): TestKeyPair {
  return {
    privatePem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: { ...keys.publicKey.export({ format: 'jwk' }) },
  };
}

/** A fresh RSA 2048 key pair. */
export function rsaKeyPair(): TestKeyPair {
  return pairOf(generateKeyPairSync('rsa', { modulusLength: 2048 }));
}

/** A fresh EC P-256 key pair. */
export function ecKeyPair(): TestKeyPair {
  return pairOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
}

/** A fresh Ed25519 key pair. */
export function ed25519KeyPair(): TestKeyPair {
  return pairOf(generateKeyPairSync('ed25519'));
}

/** A 48-byte secret, long enough for production. */
export const SECRET = 'test-secret-0123456789-abcdefghij-0123456789-abc';
