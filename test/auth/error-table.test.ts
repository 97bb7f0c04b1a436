import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { AuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import { ANONYMOUS } from '../../src/auth/principal.ts';
import { wwwAuthenticateFor } from '../../src/auth/www-authenticate.ts';
import type { ErrorReason } from '../../src/errors/catalogue.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { mintWithPyJwt, type PyJwtRequest } from './support/python-jwt.ts';
import { recordingLogger } from './support/recording-logger.ts';
import { SECRET } from './support/test-keys.ts';

/** Issue 3's error table, one case per row and per variant of a row. */
const NOW = 1_900_000_000;
const ISSUER = 'https://issuer.example';
const AUDIENCE = 'fraiseql-api';
const OPTIONS: AuthOptions = { secret: { secret: SECRET }, issuer: ISSUER, audience: AUDIENCE };
const GOOD = { sub: 'user-1', iss: ISSUER, aud: AUDIENCE, iat: NOW - 10, exp: NOW + 3600 };

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Tokens minted by PyJWT, by name. */
const minted: Record<string, PyJwtRequest> = {
  valid: { payload: GOOD, key: SECRET, algorithm: 'HS256' },
  wrongSecret: { payload: GOOD, key: 'another-secret-another-secret-another', algorithm: 'HS256' },
  hs384: { payload: GOOD, key: SECRET, algorithm: 'HS384' },
  otherKid: { payload: GOOD, key: SECRET, algorithm: 'HS256', headers: { kid: 'retired-2019' } },
  expired: { payload: { ...GOOD, exp: NOW - 31 }, key: SECRET, algorithm: 'HS256' },
  notBefore: { payload: { ...GOOD, nbf: NOW + 60 }, key: SECRET, algorithm: 'HS256' },
  issuedInFuture: { payload: { ...GOOD, iat: NOW + 120 }, key: SECRET, algorithm: 'HS256' },
  wrongIssuer: {
    payload: { ...GOOD, iss: 'https://evil.example' },
    key: SECRET,
    algorithm: 'HS256',
  },
  noIssuer: { payload: { ...GOOD, iss: undefined }, key: SECRET, algorithm: 'HS256' },
  wrongAudience: { payload: { ...GOOD, aud: 'app-b' }, key: SECRET, algorithm: 'HS256' },
  audienceList: { payload: { ...GOOD, aud: ['app-a', 'app-b'] }, key: SECRET, algorithm: 'HS256' },
  noAudience: { payload: { ...GOOD, aud: undefined }, key: SECRET, algorithm: 'HS256' },
};
const names = Object.keys(minted);
const tokens = Object.fromEntries(
  mintWithPyJwt(
    names.map((name) => {
      const request = minted[name];
      assert.ok(request);
      // JSON drops undefined members, which is how a claim is left out.
      return { ...request, payload: JSON.parse(JSON.stringify(request.payload)) };
    }),
  ).map((token, index) => [names[index], token]),
) as Record<string, string>;

const valid = tokens['valid'] ?? '';
const [validHeader = '', validPayload = '', validSignature = ''] = valid.split('.');
const tampered = `${validHeader}.${b64({ ...GOOD, sub: 'admin' })}.${validSignature}`;
const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${validPayload}.`;

/** The message and WWW-Authenticate value a client must see for each reason (issue 3). */
const EXPECTED: Partial<Record<ErrorReason, { message: string; challenge: string }>> = {
  BAD_AUTH_SCHEME: {
    message: 'Invalid Authorization header format. Expected: Bearer <token>',
    challenge:
      'Bearer error="invalid_request", error_description="Invalid Authorization header ' +
      'format. Expected: Bearer <token>"',
  },
  ...Object.fromEntries(
    (['MALFORMED_TOKEN', 'INVALID_SIGNATURE', 'UNKNOWN_KEY', 'ALGORITHM_NOT_ALLOWED'] as const).map(
      (reason) => [
        reason,
        {
          message: 'Invalid token',
          challenge: 'Bearer error="invalid_token", error_description="Invalid token"',
        },
      ],
    ),
  ),
  TOKEN_EXPIRED: {
    message: 'Token has expired',
    challenge: 'Bearer error="invalid_token", error_description="Token has expired"',
  },
  TOKEN_NOT_YET_VALID: {
    message: 'Token is not yet valid',
    challenge: 'Bearer error="invalid_token", error_description="Token is not yet valid"',
  },
  INVALID_ISSUER: {
    message: 'Invalid token issuer',
    challenge: 'Bearer error="invalid_token", error_description="Invalid token issuer"',
  },
  INVALID_AUDIENCE: {
    message: 'Invalid token audience',
    challenge: 'Bearer error="invalid_token", error_description="Invalid token audience"',
  },
};

type Row = [
  name: string,
  authorization: string | string[],
  reason: ErrorReason,
  options?: Partial<AuthOptions>,
];

const bearer = (name: string): string => `Bearer ${tokens[name] ?? ''}`;
const badJson = `${Buffer.from('{"alg":').toString('base64url')}.${validPayload}.${validSignature}`;

const rows: Row[] = [
  ['Token prefix', `Token ${valid}`, 'BAD_AUTH_SCHEME'],
  ['bare token', valid, 'BAD_AUTH_SCHEME'],
  ['Basic', 'Basic dXNlcjpwYXNz', 'BAD_AUTH_SCHEME'],
  ['empty bearer', 'Bearer', 'BAD_AUTH_SCHEME'],
  ['bearer and spaces', 'Bearer    ', 'BAD_AUTH_SCHEME'],
  ['two headers', [`Bearer ${valid}`, `Bearer ${valid}`], 'BAD_AUTH_SCHEME'],
  ['two tokens', `Bearer ${valid} ${valid}`, 'BAD_AUTH_SCHEME'],
  ['one part', 'Bearer abc', 'MALFORMED_TOKEN'],
  ['two parts', `Bearer ${validHeader}.${validPayload}`, 'MALFORMED_TOKEN'],
  ['bad JSON', `Bearer ${badJson}`, 'MALFORMED_TOKEN'],
  [
    'payload not an object',
    `Bearer ${validHeader}.${b64([1, 2])}.${validSignature}`,
    'MALFORMED_TOKEN',
  ],
  ['five parts (JWE)', 'Bearer a.b.c.d.e', 'MALFORMED_TOKEN'],
  ['other secret', bearer('wrongSecret'), 'INVALID_SIGNATURE'],
  ['tampered payload', `Bearer ${tampered}`, 'INVALID_SIGNATURE'],
  [
    'unknown kid',
    bearer('otherKid'),
    'UNKNOWN_KEY',
    { secret: { secret: SECRET, kid: 'current' } },
  ],
  ['alg none', `Bearer ${unsigned}`, 'ALGORITHM_NOT_ALLOWED'],
  ['alg outside allow-list', bearer('hs384'), 'ALGORITHM_NOT_ALLOWED', { algorithms: ['HS256'] }],
  ['expired', bearer('expired'), 'TOKEN_EXPIRED'],
  ['nbf in the future', bearer('notBefore'), 'TOKEN_NOT_YET_VALID'],
  ['iat in the future', bearer('issuedInFuture'), 'TOKEN_NOT_YET_VALID'],
  ['wrong iss', bearer('wrongIssuer'), 'INVALID_ISSUER'],
  ['no iss', bearer('noIssuer'), 'INVALID_ISSUER'],
  ['wrong aud', bearer('wrongAudience'), 'INVALID_AUDIENCE'],
  ['aud list without ours', bearer('audienceList'), 'INVALID_AUDIENCE'],
  ['no aud', bearer('noAudience'), 'INVALID_AUDIENCE'],
];

for (const [name, authorization, reason, options] of rows) {
  test(`refuses ${name} with ${reason}`, async () => {
    const expected = EXPECTED[reason];
    assert.ok(expected, `the table lists ${reason}`);
    const logger = recordingLogger();
    const authenticator = createAuthenticator({ ...OPTIONS, ...options }, logger, {
      now: () => NOW * 1000,
    });
    const error = await authenticator.authenticate({ authorization }).then(
      () => assert.fail('the request was accepted'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof PublicError);
    assert.equal(error.reason, reason);
    assert.equal(error.message, expected.message);
    assert.equal(error.code, 'UNAUTHENTICATED');
    assert.equal(error.status, 401);
    assert.deepEqual(error.extensions, { reason });
    assert.equal(wwwAuthenticateFor(error), expected.challenge);

    // The debug line names the cause and never holds the token or the secret.
    const line = logger.lines.find((entry) => entry.message.startsWith('Authentication refused'));
    assert.ok(line, 'a refusal is logged');
    assert.equal(line.level, 'debug');
    assert.match(line.message, new RegExp(reason));
    const written = logger.text();
    assert.ok(!written.includes(SECRET), 'the secret is not logged');
    if (valid !== '') assert.ok(!written.includes(validSignature), 'the token is not logged');
    authenticator.close();
  });
}

test('no Authorization header: anonymous, and MISSING_TOKEN challenges with plain Bearer', async () => {
  const authenticator = createAuthenticator(OPTIONS, undefined, { now: () => NOW * 1000 });
  assert.equal(await authenticator.authenticate({}), ANONYMOUS);
  assert.equal(await authenticator.authenticate({ 'content-type': 'application/json' }), ANONYMOUS);
  const missing = new PublicError('MISSING_TOKEN');
  assert.equal(missing.message, 'Missing Authorization header');
  assert.equal(missing.status, 401);
  assert.equal(wwwAuthenticateFor(missing), 'Bearer');
});

test('the valid token of the table is accepted, scheme case-insensitively', async () => {
  const authenticator = createAuthenticator(OPTIONS, undefined, { now: () => NOW * 1000 });
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const caller = await authenticator.authenticate({ Authorization: `${scheme} ${valid}` });
    assert.equal(caller.kind, 'authenticated');
    assert.equal(caller.kind === 'authenticated' && caller.principal.subject, 'user-1');
  }
});

test('expected vs actual issuer and audience, and seconds since expiry, reach the debug log', async () => {
  const logger = recordingLogger();
  const authenticator = createAuthenticator(OPTIONS, logger, { now: () => NOW * 1000 });
  for (const name of ['wrongIssuer', 'wrongAudience', 'expired']) {
    await authenticator
      .authenticate({ authorization: `Bearer ${tokens[name]}` })
      .catch(() => undefined);
  }
  const [issuer, audience, expired] = logger.lines;
  assert.equal(issuer?.fields['expected'], ISSUER);
  assert.equal(issuer?.fields['actual'], 'https://evil.example');
  assert.deepEqual(audience?.fields['expected'], [AUDIENCE]);
  assert.equal(audience?.fields['actual'], 'app-b');
  assert.equal(expired?.fields['secondsSinceExpiry'], 31);
  assert.match(expired?.message ?? '', /expired 31 s ago \(leeway 30 s\)/);
  assert.equal(typeof expired?.fields['fingerprint'], 'string');
});

test('a refused header still names its kid in the debug log (alg outside the allow-list, jku)', async () => {
  const [disallowed = '', keyUrl = ''] = mintWithPyJwt([
    { payload: GOOD, key: SECRET, algorithm: 'HS384', headers: { kid: 'signing-2024' } },
    {
      payload: GOOD,
      key: SECRET,
      algorithm: 'HS256',
      headers: { kid: 'signing-2024', jku: 'https://keys.example/jwks.json' },
    },
  ]);
  const logger = recordingLogger();
  const authenticator = createAuthenticator({ ...OPTIONS, algorithms: ['HS256'] }, logger, {
    now: () => NOW * 1000,
  });
  for (const token of [disallowed, keyUrl]) {
    await authenticator.authenticate({ authorization: `Bearer ${token}` }).catch(() => undefined);
  }
  const [algorithm, reference] = logger.lines;
  assert.equal(algorithm?.fields['reason'], 'ALGORITHM_NOT_ALLOWED');
  assert.equal(algorithm?.fields['kid'], 'signing-2024');
  assert.equal(algorithm?.fields['alg'], 'HS384');
  assert.equal(reference?.fields['reason'], 'UNTRUSTED_KEY_REFERENCE');
  assert.equal(reference?.fields['kid'], 'signing-2024');
  authenticator.close();
});
