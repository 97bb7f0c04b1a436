import { compactVerify } from 'jose';

import type { PublicError } from '../errors/public-error.ts';
import { authFailure } from './auth-failure.ts';
import type { CheckedHeader } from './check-token-header.ts';
import { isHmacAlgorithm } from './jws-algorithms.ts';
import type { RemoteKeySet } from './remote-key-set.ts';
import type { VerificationKey } from './verification-key.ts';

/** The most keys tried for one token; more candidates means the issuer must set `kid`. */
const MAX_CANDIDATES = 8;

/** The keys a signature is checked against. */
export interface SignatureKeys {
  readonly local: readonly VerificationKey[];
  readonly remote: RemoteKeySet | undefined;
}

/** The outcome of a signature check, rich enough for `token inspect` to explain. */
export type SignatureOutcome =
  | { readonly ok: true; readonly key: VerificationKey }
  | {
      readonly ok: false;
      readonly error: PublicError;
      /** Labels of the keys tried. */
      readonly tried: readonly string[];
      /** A key no longer accepted (a retired previous secret) that does match the signature. */
      readonly retiredMatch: VerificationKey | undefined;
    };

/**
 * Verifies the signature of `token` with the configured keys that may have made it: the key
 * kind of `alg` only, selected by `kid` (local keys without a kid are tried when no key has the
 * token's kid), previous secrets only until their `acceptUntil`. jose checks each candidate
 * with an allow-list of exactly `alg`, and every WebCrypto key is bound to one algorithm.
 *
 * When nothing matches and a retired previous secret does, the outcome says so: that is the
 * "secret changed recently" case the spec page describes. A `kid` that names keys none of
 * which allows `alg` is ALGORITHM_NOT_ALLOWED (naming what they allow), not UNKNOWN_KEY.
 */
export async function verifyTokenSignature(
  token: string,
  header: CheckedHeader,
  keys: SignatureKeys,
  nowMs: number,
): Promise<SignatureOutcome> {
  const { alg, kid } = header;
  const usable = keys.local.filter((key) => key.algorithms.has(alg));
  const active = selectByKid(
    usable.filter((key) => key.acceptUntilMs === undefined || nowMs < key.acceptUntilMs),
    kid,
  );
  const retired = selectByKid(
    usable.filter((key) => key.acceptUntilMs !== undefined && nowMs >= key.acceptUntilMs),
    kid,
  );

  let candidates = active;
  let unavailable: string | undefined;
  let refetch: string | undefined;
  if (keys.remote !== undefined && !isHmacAlgorithm(alg)) {
    const lookup = await keys.remote.keysFor(kid);
    if (lookup.kind === 'unavailable') unavailable = lookup.explanation;
    else {
      candidates = [...candidates, ...lookup.keys.filter((key) => key.algorithms.has(alg))];
      refetch = lookup.refetch;
    }
  }

  const detail = { alg, kid };
  const fail = (error: PublicError, tried: readonly string[], retiredMatch?: VerificationKey) =>
    ({ ok: false, error, tried, retiredMatch }) as const;

  if (candidates.length === 0) {
    const retiredMatch = await firstMatching(token, alg, retired);
    if (retiredMatch !== undefined) {
      return fail(retiredFailure(retiredMatch, detail), [], retiredMatch);
    }
    if (unavailable !== undefined) {
      return fail(authFailure('KEYS_UNAVAILABLE', unavailable, detail), []);
    }
    const named = keysNamedBy(keys, kid);
    if (named.length > 0 && named.every((key) => !key.algorithms.has(alg))) {
      return fail(algorithmMismatch(named, header), []);
    }
    const unknown = unknownKeyExplanation(keys, header);
    const explanation = refetch === undefined ? unknown : `${unknown}; ${refetch}`;
    return fail(authFailure('UNKNOWN_KEY', explanation, detail), []);
  }
  if (candidates.length > MAX_CANDIDATES) {
    return fail(
      authFailure(
        'UNKNOWN_KEY',
        `the token has no kid and ${candidates.length} keys could have signed it; the issuer ` +
          'must set kid so that one key can be chosen',
        detail,
      ),
      [],
    );
  }

  const matched = await firstMatching(token, alg, candidates);
  const tried = candidates.map((key) => key.label);
  if (matched !== undefined) return { ok: true, key: matched };

  const retiredMatch = await firstMatching(token, alg, retired);
  if (retiredMatch !== undefined) {
    return fail(retiredFailure(retiredMatch, detail), tried, retiredMatch);
  }
  if (unavailable !== undefined) {
    // The right key may be in the key set that could not be fetched: say that, not "forged".
    return fail(authFailure('KEYS_UNAVAILABLE', unavailable, { ...detail, tried }), tried);
  }
  return fail(
    authFailure(
      'INVALID_SIGNATURE',
      `the signature matches none of the keys that could have made it (${tried.join(', ')}): ` +
        'the token was altered, or signed with another secret or key. If JWT_SECRET changed ' +
        'recently, re-issue the token or keep the old secret as a previous secret for a while',
      { ...detail, tried },
    ),
    tried,
  );
}

/** Keys with the token's kid; without such a key, the keys that have no kid. */
function selectByKid(keys: readonly VerificationKey[], kid: string | undefined): VerificationKey[] {
  if (kid === undefined) return [...keys];
  const exact = keys.filter((key) => key.kid === kid);
  return exact.length > 0 ? exact : keys.filter((key) => key.kid === undefined);
}

/** The first key whose check of the signature succeeds. */
async function firstMatching(
  token: string,
  alg: CheckedHeader['alg'],
  keys: readonly VerificationKey[],
): Promise<VerificationKey | undefined> {
  for (const key of keys) {
    try {
      await compactVerify(token, await key.cryptoKey(alg), { algorithms: [alg] });
      return key;
    } catch {
      // A mismatch moves on to the next key; so does a key that cannot be used for this alg
      // (jose refuses e.g. a short RSA modulus): it cannot have signed the token. Whatever
      // fails here can only lead to a refusal, never to acceptance.
      continue;
    }
  }
  return undefined;
}

function retiredFailure(key: VerificationKey, detail: Record<string, unknown>): PublicError {
  const since = new Date(key.acceptUntilMs ?? 0).toISOString();
  return authFailure(
    'INVALID_SIGNATURE',
    `the token is signed with ${key.label}, which is no longer accepted since ${since}; ` +
      're-issue the token with the current JWT_SECRET',
    { ...detail, key: key.label, retiredAt: since },
  );
}

/** Every key, local or fetched, whose kid is `kid`, whatever algorithms it allows. */
function keysNamedBy(keys: SignatureKeys, kid: string | undefined): VerificationKey[] {
  if (kid === undefined) return [];
  return [
    ...keys.local.filter((key) => key.kid === kid),
    ...(keys.remote?.keysInMemory(kid) ?? []),
  ];
}

/**
 * The kid names a key, but that key does not verify the token's `alg` (a JWKS key's declared
 * `alg`, or its key type): the algorithm is refused, never tried with another key, since a
 * key must be used with its own algorithm only (RFC 8725 §3.1, RFC 7517 §4.4).
 */
function algorithmMismatch(named: readonly VerificationKey[], header: CheckedHeader): PublicError {
  const described = named.map(
    (key) => `${key.label}, which allows ${[...key.algorithms].join(', ') || 'no algorithm'}`,
  );
  return authFailure(
    'ALGORITHM_NOT_ALLOWED',
    `kid "${header.kid ?? ''}" names ${described.join('; and ')}, not ${header.alg}: the ` +
      'token must be signed with the algorithm its key allows. Check the alg the issuer signs ' +
      'with against the key (a JWKS key\'s "alg", or [[auth.public_keys]] algorithm)',
    {
      alg: header.alg,
      kid: header.kid,
      keys: named.map((key) => ({ key: key.label, algorithms: [...key.algorithms] })),
    },
  );
}

function unknownKeyExplanation(keys: SignatureKeys, header: CheckedHeader): string {
  const known = [
    ...keys.local.flatMap((key) => (key.kid === undefined ? [] : [key.kid])),
    ...(keys.remote?.knownKids() ?? []),
  ];
  const listed = known.length === 0 ? 'none' : known.map((kid) => `"${kid}"`).join(', ');
  if (header.kid === undefined) {
    return `no configured key verifies ${header.alg} tokens without kid (known kids: ${listed})`;
  }
  return `kid "${header.kid}" matches no configured key (known kids: ${listed})`;
}
