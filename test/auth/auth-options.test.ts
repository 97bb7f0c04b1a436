import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';

import { AuthConfigurationError } from '../../src/auth/auth-configuration-error.ts';
import {
  resolveAuthOptions,
  validateAuthOptions,
  type AuthOptions,
} from '../../src/auth/auth-options.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import { rsaKeyPair, SECRET } from './support/test-keys.ts';

/** Start-up checks: each case is a configuration the server must refuse, and why. */
const rsa = rsaKeyPair();
const smallRsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

const refused: { name: string; options: AuthOptions; problem: RegExp }[] = [
  {
    name: 'production with a JWT_SECRET shorter than 32 bytes',
    options: { production: true, secret: { secret: 'only-31-bytes-long-secret-12345' } },
    problem: /JWT_SECRET has 31 bytes; production needs at least 32/,
  },
  {
    name: 'production with a short previous secret',
    options: {
      production: true,
      secret: { secret: SECRET },
      previousSecrets: [{ secret: 'short', acceptUntil: new Date('2030-01-01T00:00:00Z') }],
    },
    problem: /previous secret #1 has 5 bytes/,
  },
  { name: 'no key at all', options: {}, problem: /no token verification key is configured/ },
  { name: 'an empty secret', options: { secret: { secret: '' } }, problem: /JWT_SECRET is empty/ },
  {
    name: 'an http JWKS URL outside loopback',
    options: { jwksUrl: 'http://idp.example.com/jwks.json', allowHttpLoopback: true },
    problem: /must use https/,
  },
  {
    name: 'an http loopback JWKS URL without the development flag',
    options: { jwksUrl: 'http://127.0.0.1:9000/jwks.json' },
    problem: /allow http on loopback for development/,
  },
  {
    name: 'an http loopback JWKS URL in production',
    options: {
      production: true,
      jwksUrl: 'http://localhost:9000/jwks.json',
      audience: 'api',
      allowHttpLoopback: true,
    },
    problem: /refused in production/,
  },
  {
    name: 'credentials in a JWKS URL',
    options: { jwksUrl: 'https://user:pw@idp.example/jwks.json' },
    problem: /must not contain a user name or password/,
  },
  {
    name: 'an identity provider without audience in production',
    options: { production: true, jwksUrl: 'https://idp.example/jwks.json' },
    problem: /JWT_AUDIENCE is required in production/,
  },
  {
    name: 'alg none in the allow-list',
    options: { secret: { secret: SECRET }, algorithms: ['none'] },
    problem: /"none" .* is never accepted/,
  },
  {
    name: 'an algorithm no key verifies',
    options: { secret: { secret: SECRET }, algorithms: ['RS256'] },
    problem: /RS256 is allowed but no configured key can verify it/,
  },
  {
    name: 'an empty allow-list',
    options: { secret: { secret: SECRET }, algorithms: [] },
    problem: /allow-list is empty/,
  },
  {
    name: 'a leeway over the cap',
    options: { secret: { secret: SECRET }, leewaySeconds: 3600 },
    problem: /leewaySeconds is 3600; it must be between 0 and 300/,
  },
  {
    name: 'requireExp off in production',
    options: { production: true, secret: { secret: SECRET }, requireExp: false },
    problem: /requireExp cannot be turned off in production/,
  },
  {
    name: 'a private key given as public key',
    options: {
      publicKeys: [
        {
          pem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
            .privateKey.export({ type: 'pkcs8', format: 'pem' })
            .toString(),
        },
      ],
    },
    problem: /it is a private key; configure only the public key/,
  },
  {
    name: 'an RSA key under 2048 bits',
    options: { publicKeys: [{ pem: smallRsa }] },
    problem: /1024 bits; at least 2048/,
  },
  {
    name: 'a PEM key listed with an algorithm of another key type',
    options: { publicKeys: [{ pem: rsa.publicPem, algorithms: ['ES256'] }] },
    problem: /is a rsa key and cannot verify ES256/,
  },
  {
    name: 'two keys with the same kid',
    options: {
      secret: { secret: SECRET, kid: 'k' },
      previousSecrets: [{ secret: SECRET, kid: 'k', acceptUntil: new Date('2030-01-01') }],
    },
    problem: /reuses kid "k"/,
  },
  {
    name: 'a previous secret without a valid time',
    options: {
      secret: { secret: SECRET },
      previousSecrets: [{ secret: SECRET, acceptUntil: new Date('not a date') }],
    },
    problem: /needs a valid acceptUntil time/,
  },
  {
    name: 'an issuer different from the OIDC issuer',
    options: { oidcIssuer: 'https://idp.example', issuer: 'https://other.example' },
    problem: /differs from the OIDC issuer/,
  },
];

for (const item of refused) {
  test(`refuses to start: ${item.name}`, () => {
    const problems = validateAuthOptions(item.options);
    assert.ok(
      problems.some((problem) => item.problem.test(problem)),
      `expected ${item.problem} in ${JSON.stringify(problems)}`,
    );
    assert.throws(
      () => createAuthenticator(item.options),
      (error: unknown) =>
        error instanceof AuthConfigurationError && item.problem.test(error.message),
    );
  });
}

test('a problem message never quotes a secret', () => {
  const secret = 'short-secret-value';
  const problems = validateAuthOptions({ production: true, secret: { secret } });
  assert.equal(problems.length, 1);
  assert.ok(!problems.join(' ').includes(secret));
});

test('sound configurations have no problems', () => {
  const sound: AuthOptions[] = [
    { secret: { secret: 'dev' } },
    { production: true, secret: { secret: 'x'.repeat(32) } },
    { publicKeys: [{ pem: rsa.publicPem, kid: 'r1' }] },
    { jwksUrl: 'https://idp.example/jwks.json' },
    { jwksUrl: 'http://127.0.0.1:8080/jwks.json', allowHttpLoopback: true },
    { production: true, oidcIssuer: 'https://idp.example', audience: ['api'] },
  ];
  for (const options of sound)
    assert.deepEqual(validateAuthOptions(options), [], JSON.stringify(options));
});

test('defaults: leeway 30, exp required only in production, JWKS and cache limits', () => {
  const development = resolveAuthOptions({ secret: { secret: SECRET } });
  assert.equal(development.leewaySeconds, 30);
  assert.equal(development.requireExp, false);
  assert.deepEqual(development.roleClaims, ['roles', 'role']);
  assert.deepEqual(development.scopeClaims, ['scope', 'scopes', 'scp', 'permissions']);
  assert.equal(development.jwks.cooldownSeconds, 30);
  assert.equal(development.jwks.maxResponseBytes, 1_048_576);
  assert.equal(development.tokenCache.maxEntries, 10_000);

  const production = resolveAuthOptions({ production: true, oidcIssuer: 'https://idp.example' });
  assert.equal(production.requireExp, true);
  assert.equal(production.issuer, 'https://idp.example', 'the OIDC issuer is the expected iss');
  assert.equal(resolveAuthOptions({ leewaySeconds: 9999 }).leewaySeconds, 300, 'clamped too');
});
