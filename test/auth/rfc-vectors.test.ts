import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { test } from 'node:test';

import { resolveAuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import { buildLocalKeys } from '../../src/auth/local-keys.ts';
import { inspectToken } from '../../src/auth/token-inspection.ts';
import { verifyTokenSignature } from '../../src/auth/verify-token-signature.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { mintWithPyJwt } from './support/python-jwt.ts';

/** RFC 7515 appendix A.1: the HS256 example (key, token, and its claims). */
const A1_KEY =
  'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow';
const A1_TOKEN =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.' +
  'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.' +
  'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const A1_EXP = 1_300_819_380;

/** RFC 8037 appendix A.1/A.4: the Ed25519 key and the signed example. */
const ED_JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
};
const A4_TOKEN =
  'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.' +
  'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';
const ED_PUBLIC_PEM = createPublicKey({
  key: { kty: 'OKP', crv: 'Ed25519', x: ED_JWK.x },
  format: 'jwk',
})
  .export({ type: 'spki', format: 'pem' })
  .toString();
const ED_PRIVATE_PEM = createPrivateKey({ key: ED_JWK, format: 'jwk' })
  .export({ type: 'pkcs8', format: 'pem' })
  .toString();

const a1Options = {
  secret: { secret: Buffer.from(A1_KEY, 'base64url') },
  issuer: 'joe',
};

async function refusal(promise: Promise<unknown>): Promise<PublicError> {
  const error = await promise.then(
    () => assert.fail('accepted'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof PublicError);
  return error;
}

test('RFC 7515 A.1: the signature verifies, and a token without subject is refused, not anonymous', async () => {
  const authenticator = createAuthenticator(a1Options, undefined, {
    now: () => (A1_EXP - 80) * 1000,
  });
  const error = await refusal(authenticator.authenticate({ authorization: `Bearer ${A1_TOKEN}` }));
  assert.equal(error.reason, 'MISSING_IDENTITY');
  assert.equal(error.message, 'Invalid token');

  const inspection = await inspectToken(A1_TOKEN, a1Options, { now: () => (A1_EXP - 80) * 1000 });
  const status = Object.fromEntries(inspection.checks.map((check) => [check.name, check.status]));
  assert.equal(status['signature'], 'ok');
  assert.equal(status['iss'], 'ok');
  assert.equal(status['exp'], 'ok');
  assert.equal(status['subject'], 'fail');
  assert.equal(inspection.accepted, false);
  assert.equal(inspection.reason, 'MISSING_IDENTITY');
});

test('RFC 7515 A.1: an altered or respelled signature, and today (long past exp)', async () => {
  const authenticator = createAuthenticator(a1Options, undefined, {
    now: () => (A1_EXP - 80) * 1000,
  });
  // `dBjf...` -> `dCjf...`: a different signature byte.
  const flipped = A1_TOKEN.replace('.dBjf', '.dCjf');
  const bad = await refusal(authenticator.authenticate({ authorization: `Bearer ${flipped}` }));
  assert.equal(bad.reason, 'INVALID_SIGNATURE');

  // `...Xk` -> `...Xl` changes only the unused low bits: the same bytes, spelled otherwise.
  const respelled = `${A1_TOKEN.slice(0, -1)}l`;
  const malformed = await refusal(
    authenticator.authenticate({ authorization: `Bearer ${respelled}` }),
  );
  assert.equal(malformed.reason, 'MALFORMED_TOKEN');

  const today = createAuthenticator(a1Options);
  const expired = await refusal(today.authenticate({ authorization: `Bearer ${A1_TOKEN}` }));
  assert.equal(expired.reason, 'TOKEN_EXPIRED');
  assert.equal(expired.message, 'Token has expired');
});

test('RFC 7515 A.1 key: a PyJWT token with a subject is accepted', async () => {
  const [token] = mintWithPyJwt([
    {
      payload: { sub: 'joe', iss: 'joe', exp: A1_EXP },
      key: A1_KEY,
      keyEncoding: 'base64url',
      algorithm: 'HS256',
    },
  ]);
  const authenticator = createAuthenticator(a1Options, undefined, {
    now: () => (A1_EXP - 80) * 1000,
  });
  const caller = await authenticator.authenticate({ authorization: `Bearer ${token}` });
  assert.equal(caller.kind === 'authenticated' && caller.principal.subject, 'joe');
});

test('RFC 8037 A.4: the Ed25519 example signature verifies with the A.1 public key', async () => {
  const keys = buildLocalKeys(resolveAuthOptions({ publicKeys: [{ pem: ED_PUBLIC_PEM }] }));
  const header = { alg: 'EdDSA', kid: undefined } as const;
  const outcome = await verifyTokenSignature(
    A4_TOKEN,
    header,
    { local: keys, remote: undefined },
    0,
  );
  assert.equal(outcome.ok, true);

  const altered = A4_TOKEN.replace(
    'RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc',
    'RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmd',
  );
  const refused = await verifyTokenSignature(
    altered,
    header,
    { local: keys, remote: undefined },
    0,
  );
  assert.equal(refused.ok, false);

  // Its payload is text, not a claims set, so the full path calls it malformed.
  const authenticator = createAuthenticator({ publicKeys: [{ pem: ED_PUBLIC_PEM }] });
  const error = await refusal(authenticator.authenticate({ authorization: `Bearer ${A4_TOKEN}` }));
  assert.equal(error.reason, 'MALFORMED_TOKEN');
});

test('RFC 8037 key: a PyJWT EdDSA token is accepted with the example public key', async () => {
  const now = 1_900_000_000;
  const [token] = mintWithPyJwt([
    { payload: { sub: 'ed-user', exp: now + 60 }, key: ED_PRIVATE_PEM, algorithm: 'EdDSA' },
  ]);
  const authenticator = createAuthenticator({ publicKeys: [{ pem: ED_PUBLIC_PEM }] }, undefined, {
    now: () => now * 1000,
  });
  const caller = await authenticator.authenticate({ authorization: `Bearer ${token}` });
  assert.equal(caller.kind === 'authenticated' && caller.principal.subject, 'ed-user');
});
