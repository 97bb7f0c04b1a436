import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { AuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { mintWithPyJwt } from './support/python-jwt.ts';
import { ecKeyPair, ed25519KeyPair, rsaKeyPair, SECRET } from './support/test-keys.ts';

/** Every algorithm of issue 3, each token minted by PyJWT and checked by the server. */
const NOW = 1_900_000_000;
const clock = { now: () => NOW * 1000 };
const claims = { sub: 'user-7', exp: NOW + 600, iat: NOW, scope: 'read:posts write:posts' };
const rsa = rsaKeyPair();
const ec = ecKeyPair();
const ed = ed25519KeyPair();
const otherRsa = rsaKeyPair();

const cases = [
  { alg: 'HS256', key: SECRET },
  { alg: 'HS384', key: SECRET },
  { alg: 'HS512', key: SECRET },
  { alg: 'RS256', key: rsa.privatePem },
  { alg: 'PS256', key: rsa.privatePem },
  { alg: 'ES256', key: ec.privatePem },
  { alg: 'EdDSA', key: ed.privatePem },
] as const;

const tokens = mintWithPyJwt([
  ...cases.map((item) => ({ payload: claims, key: item.key, algorithm: item.alg })),
  { payload: claims, key: otherRsa.privatePem, algorithm: 'RS256' },
]);
const foreignRsa = tokens.pop() ?? '';

const keyOptions: AuthOptions = {
  secret: { secret: SECRET },
  publicKeys: [{ pem: rsa.publicPem }, { pem: ec.publicPem }, { pem: ed.publicPem }],
};

cases.forEach((item, index) => {
  test(`accepts ${item.alg} minted by PyJWT`, async () => {
    const authenticator = createAuthenticator(keyOptions, undefined, clock);
    const caller = await authenticator.authenticate({ authorization: `Bearer ${tokens[index]}` });
    assert.equal(caller.kind, 'authenticated');
    if (caller.kind !== 'authenticated') return;
    assert.equal(caller.principal.subject, 'user-7');
    assert.deepEqual([...caller.principal.scopes], ['read:posts', 'write:posts']);
    assert.equal(caller.principal.expiresAt, NOW + 600);
    assert.equal(caller.principal.method, 'jwt');
  });
});

async function reasonOf(options: AuthOptions, token: string): Promise<string> {
  const authenticator = createAuthenticator(options, undefined, clock);
  try {
    await authenticator.authenticate({ authorization: `Bearer ${token}` });
    return 'accepted';
  } catch (error) {
    assert.ok(error instanceof PublicError);
    return error.reason;
  }
}

test('an RSA token signed by another key fails the signature', async () => {
  assert.equal(await reasonOf(keyOptions, foreignRsa), 'INVALID_SIGNATURE');
});

test('algorithm confusion: an HS256 token keyed with the RSA public key is refused', async () => {
  // The classic attack: sign HS256 with the bytes of the server's public key. PyJWT refuses
  // a PEM as an HMAC secret, so Python's hmac module signs it.
  const { execFileSync } = await import('node:child_process');
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = execFileSync('/usr/bin/python3', [
    '-c',
    'import hmac,hashlib,base64,sys; k=sys.argv[1].encode(); m=sys.argv[2].encode();' +
      'print(base64.urlsafe_b64encode(hmac.new(k,m,hashlib.sha256).digest()).decode().rstrip("="))',
    rsa.publicPem,
    `${header}.${body}`,
  ])
    .toString()
    .trim();
  const forged = `${header}.${body}.${signature}`;
  const rsaOnly: AuthOptions = { publicKeys: [{ pem: rsa.publicPem }] };
  assert.equal(await reasonOf(rsaOnly, forged), 'ALGORITHM_NOT_ALLOWED');
  // With a secret configured too, the forged token is checked against the secret only.
  assert.equal(await reasonOf(keyOptions, forged), 'INVALID_SIGNATURE');
  // And a genuine HS256 token is refused by an RSA-only server.
  assert.equal(await reasonOf(rsaOnly, tokens[0] ?? ''), 'ALGORITHM_NOT_ALLOWED');
});

test('a per-key algorithm list narrows what a PEM key verifies', async () => {
  const rs256Only: AuthOptions = { publicKeys: [{ pem: rsa.publicPem, algorithms: ['RS256'] }] };
  const rsIndex = cases.findIndex((item) => item.alg === 'RS256');
  const psIndex = cases.findIndex((item) => item.alg === 'PS256');
  assert.equal(await reasonOf(rs256Only, tokens[rsIndex] ?? ''), 'accepted');
  assert.equal(await reasonOf(rs256Only, tokens[psIndex] ?? ''), 'ALGORITHM_NOT_ALLOWED');
});

test('jku, x5u, jwk and x5c headers are never followed', async () => {
  const [jku, x5u, jwk, x5c] = mintWithPyJwt(
    [
      { jku: 'https://attacker.example/jwks.json' },
      { x5u: 'https://attacker.example/cert.pem' },
      { jwk: { kty: 'oct', k: 'AAAA' } },
      { x5c: ['MIIB'] },
    ].map((headers) => ({ payload: claims, key: SECRET, algorithm: 'HS256', headers })),
  );
  for (const token of [jku, x5u, jwk, x5c]) {
    assert.equal(await reasonOf(keyOptions, token ?? ''), 'UNTRUSTED_KEY_REFERENCE');
  }
});

test('crit and other token types are refused', async () => {
  const [crit, dpop, atJwt] = mintWithPyJwt([
    { payload: claims, key: SECRET, algorithm: 'HS256', headers: { crit: ['exp'] } },
    { payload: claims, key: SECRET, algorithm: 'HS256', headers: { typ: 'dpop+jwt' } },
    { payload: claims, key: SECRET, algorithm: 'HS256', headers: { typ: 'application/at+jwt' } },
  ]);
  assert.equal(await reasonOf(keyOptions, crit ?? ''), 'MALFORMED_TOKEN');
  assert.equal(await reasonOf(keyOptions, dpop ?? ''), 'UNSUPPORTED_TOKEN_TYPE');
  assert.equal(await reasonOf(keyOptions, atJwt ?? ''), 'accepted');
});

test('a token whose algorithm no configured key type verifies is refused before any key', async () => {
  const esIndex = cases.findIndex((item) => item.alg === 'ES256');
  assert.equal(
    await reasonOf({ secret: { secret: SECRET } }, tokens[esIndex] ?? ''),
    'ALGORITHM_NOT_ALLOWED',
  );
});
