import { webcrypto, type JsonWebKey } from 'node:crypto';

import { importJWK, type CryptoKey } from 'jose';

import { hmacHashOf, type JwsAlgorithm, type VerificationKeyKind } from './jws-algorithms.ts';

/** Where a verification key was configured. */
export type KeyOrigin = 'secret' | 'previous-secret' | 'public-key' | 'jwks';

/**
 * One key the server trusts, with the algorithms it may verify. The WebCrypto key is imported
 * once per algorithm, on first use, and reused for every later token.
 */
export interface VerificationKey {
  /** A description for logs and `token inspect`, e.g. `JWT_SECRET (kid "v2")`. No secret. */
  readonly label: string;
  readonly origin: KeyOrigin;
  readonly kid: string | undefined;
  readonly kind: VerificationKeyKind;
  readonly algorithms: ReadonlySet<JwsAlgorithm>;
  /** Epoch milliseconds from which tokens signed with this key are refused, if any. */
  readonly acceptUntilMs: number | undefined;
  /** The imported key for `algorithm`; rejects if the key cannot be used with it. */
  cryptoKey(algorithm: JwsAlgorithm): Promise<CryptoKey>;
}

/** How a key's material is held until imported. */
export type KeyMaterial =
  | { readonly type: 'secret'; readonly bytes: Uint8Array }
  | { readonly type: 'jwk'; readonly jwk: JsonWebKey };

/** Describes one key before its import. */
export interface VerificationKeyInit {
  readonly label: string;
  readonly origin: KeyOrigin;
  readonly kid: string | undefined;
  readonly kind: VerificationKeyKind;
  readonly algorithms: readonly JwsAlgorithm[];
  readonly acceptUntilMs?: number;
  readonly material: KeyMaterial;
}

/** Builds a key whose WebCrypto imports are done once per algorithm and then memoised. */
export function createVerificationKey(init: VerificationKeyInit): VerificationKey {
  const imported = new Map<JwsAlgorithm, Promise<CryptoKey>>();
  const algorithms: ReadonlySet<JwsAlgorithm> = new Set(init.algorithms);
  const material = init.material;

  return Object.freeze({
    label: init.label,
    origin: init.origin,
    kid: init.kid,
    kind: init.kind,
    algorithms,
    acceptUntilMs: init.acceptUntilMs,
    cryptoKey(algorithm: JwsAlgorithm): Promise<CryptoKey> {
      if (!algorithms.has(algorithm)) {
        return Promise.reject(new Error(`${init.label} is not allowed to verify ${algorithm}`));
      }
      let key = imported.get(algorithm);
      if (key === undefined) {
        key = importFor(material, algorithm);
        // A failed import is not cached, so a transient failure does not stick.
        key.catch(() => imported.delete(algorithm));
        imported.set(algorithm, key);
      }
      return key;
    },
  });
}

async function importFor(material: KeyMaterial, algorithm: JwsAlgorithm): Promise<CryptoKey> {
  switch (material.type) {
    case 'secret': {
      const hash = hmacHashOf(algorithm);
      if (hash === undefined) throw new Error(`a secret cannot verify ${algorithm}`);
      return webcrypto.subtle.importKey('raw', material.bytes, { name: 'HMAC', hash }, false, [
        'verify',
      ]);
    }
    case 'jwk': {
      const key = await importJWK(publicMembersOf(material.jwk), algorithm);
      if (key instanceof Uint8Array) throw new Error('a JWK of type "oct" is never trusted');
      return key;
    }
  }
}

/**
 * Only the public members of a JWK: `key_ops`, `ext`, `use` or a stray private `d` must not
 * change what is imported.
 */
function publicMembersOf(jwk: JsonWebKey): { kty: string } & Record<string, string> {
  const out: { kty: string } & Record<string, string> = { kty: jwk.kty ?? '' };
  for (const member of ['crv', 'x', 'y', 'n', 'e'] as const) {
    const value = jwk[member];
    if (typeof value === 'string') out[member] = value;
  }
  return out;
}
