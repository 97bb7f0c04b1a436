/**
 * A failing claim always refuses the token: the finding type carries a reason whenever it fails,
 * and the verifier refuses on the first failure in reporting order, wherever it sits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SignJWT } from 'jose';

import { explanationOf } from '../../src/auth/auth-failure.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import {
  firstClaimFailure,
  type CheckedClaim,
  type ClaimFinding,
} from '../../src/auth/evaluate-token-claims.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { SECRET } from './support/test-keys.ts';

const CLAIMS: readonly CheckedClaim[] = ['iss', 'aud', 'exp', 'nbf', 'iat', 'lifetime'];
const NOW = 1_900_000_000;

function passing(claim: CheckedClaim, index: number): ClaimFinding {
  return { claim, status: index % 2 === 0 ? 'ok' : 'skipped', explanation: 'fine', detail: {} };
}

test('a failure at any position is the one the verifier refuses with', () => {
  CLAIMS.forEach((failing, position) => {
    const findings: ClaimFinding[] = CLAIMS.map((claim, index) =>
      index === position
        ? { claim, status: 'fail', reason: 'MALFORMED_TOKEN', explanation: 'bad', detail: {} }
        : passing(claim, index),
    );
    assert.equal(firstClaimFailure(findings)?.claim, failing);
  });
  assert.equal(firstClaimFailure(CLAIMS.map(passing)), undefined);
});

test('with several failing claims, the first in reporting order refuses', () => {
  const findings: ClaimFinding[] = [
    passing('iss', 0),
    { claim: 'exp', status: 'fail', reason: 'TOKEN_EXPIRED', explanation: 'old', detail: {} },
    { claim: 'lifetime', status: 'fail', reason: 'TOKEN_TOO_LONG_LIVED', explanation: 'x', detail: {} },
  ];
  assert.equal(firstClaimFailure(findings)?.reason, 'TOKEN_EXPIRED');
});

test('through the verifier, the last claim failing alone still refuses the token', async () => {
  const authenticator = createAuthenticator(
    { secret: { secret: SECRET }, issuer: 'https://issuer.test', maxTokenLifetimeSeconds: 60 },
    undefined,
    { now: () => NOW * 1000 },
  );
  const token = await new SignJWT({ sub: 's' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('https://issuer.test')
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 3600)
    .sign(new TextEncoder().encode(SECRET));
  await assert.rejects(
    authenticator.authenticate({ authorization: `Bearer ${token}` }),
    (error: unknown) => {
      assert.ok(error instanceof PublicError);
      assert.equal(error.reason, 'TOKEN_TOO_LONG_LIVED', explanationOf(error));
      return true;
    },
  );
});
