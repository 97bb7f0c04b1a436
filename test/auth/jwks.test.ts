import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import type { AuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator, type Authenticator } from '../../src/auth/authenticate-request.ts';
import { inspectToken } from '../../src/auth/token-inspection.ts';
import type { ErrorReason } from '../../src/errors/catalogue.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { startJwksServer, type JwksServer } from './support/jwks-server.ts';
import { mintWithPyJwt } from './support/python-jwt.ts';
import { recordingLogger } from './support/recording-logger.ts';
import { ecKeyPair, ed25519KeyPair, rsaKeyPair } from './support/test-keys.ts';

/** A JWKS provider on loopback: rotation, unknown kid, outages, limits, OIDC discovery. */
const T0 = 1_900_000_000;
const k1 = rsaKeyPair();
const k2 = rsaKeyPair();
const ec = ecKeyPair();
const ed = ed25519KeyPair();
const jwk = (pair: { publicJwk: Record<string, unknown> }, kid: string) => ({
  ...pair.publicJwk,
  kid,
});

const claims = (extra: Record<string, unknown> = {}) => ({
  sub: 'u',
  exp: T0 + 86_400 * 30,
  ...extra,
});
const [tokenK1, tokenK2, tokenUnknown, tokenEc, tokenEd, tokenNoKid, tokenK1Rs384] = mintWithPyJwt(
  [
    { payload: claims(), key: k1.privatePem, algorithm: 'RS256', headers: { kid: 'k1' } },
    { payload: claims(), key: k2.privatePem, algorithm: 'RS256', headers: { kid: 'k2' } },
    { payload: claims(), key: k2.privatePem, algorithm: 'RS256', headers: { kid: 'nobody' } },
    { payload: claims(), key: ec.privatePem, algorithm: 'ES256', headers: { kid: 'ec' } },
    { payload: claims(), key: ed.privatePem, algorithm: 'EdDSA', headers: { kid: 'ed' } },
    { payload: claims(), key: k1.privatePem, algorithm: 'RS256' },
    { payload: claims(), key: k1.privatePem, algorithm: 'RS384', headers: { kid: 'k1' } },
  ],
).map((token) => `Bearer ${token}`);

let server: JwksServer;
before(async () => {
  server = await startJwksServer();
});
after(async () => {
  await server.close();
});

/** A fake clock the key set's refresh, cooldown and staleness read. */
function clock(): { now: () => number; advance: (seconds: number) => void } {
  let current = T0 * 1000;
  return { now: () => current, advance: (seconds) => (current += seconds * 1000) };
}

function build(extra: Partial<AuthOptions> = {}) {
  const time = clock();
  const logger = recordingLogger();
  const options: AuthOptions = {
    jwksUrl: server.jwksUrl,
    allowHttpLoopback: true,
    jwks: {
      refreshIntervalSeconds: 600,
      cooldownSeconds: 30,
      timeoutMs: 2000,
      maxStaleSeconds: 3600,
    },
    ...extra,
  };
  return { authenticator: createAuthenticator(options, logger, { now: time.now }), time, logger };
}

async function outcome(
  authenticator: Authenticator,
  authorization: string | undefined,
): Promise<string> {
  try {
    const caller = await authenticator.authenticate({ authorization });
    return caller.kind;
  } catch (error) {
    assert.ok(error instanceof PublicError);
    return error.reason;
  }
}

function reset(keys: Record<string, unknown>[]): void {
  server.keys = keys;
  server.behaviour = { kind: 'serve' };
  server.issuer = undefined;
  server.hits.clear();
}

test('keys are fetched once for many verifications, selected by kid, for RSA, EC and Ed25519', async () => {
  reset([jwk(k1, 'k1'), jwk(ec, 'ec'), jwk(ed, 'ed')]);
  const { authenticator } = build();
  for (const token of [tokenK1, tokenEc, tokenEd, tokenK1, tokenNoKid]) {
    assert.equal(await outcome(authenticator, token), 'authenticated');
  }
  assert.equal(server.hitsOf('/jwks.json'), 1);
  authenticator.close();
});

test('an unknown kid refetches at most once per cooldown, never in a storm', async () => {
  reset([jwk(k1, 'k1')]);
  const { authenticator, time, logger } = build();
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');
  // Within the cooldown of the first fetch: refused without any fetch, and the line says so.
  time.advance(12);
  assert.equal(await outcome(authenticator, tokenUnknown), 'UNKNOWN_KEY');
  assert.equal(server.hitsOf('/jwks.json'), 1);
  const skipped = logger.lines.find((line) => line.message.includes('(UNKNOWN_KEY)'));
  assert.match(
    skipped?.message ?? '',
    new RegExp(
      'kid "nobody" matches no configured key \\(known kids: "k1"\\); the key set was not ' +
        'fetched again for it: the last fetch was 12 s ago and jwks_cooldown_seconds is 30, so ' +
        `the next refetch may happen at ${new Date((T0 + 30) * 1000).toISOString()} \\(in 18 s\\)`,
    ),
  );

  time.advance(31);
  logger.lines.length = 0;
  const burst = await Promise.all(
    Array.from({ length: 20 }, () => outcome(authenticator, tokenUnknown)),
  );
  assert.deepEqual(new Set(burst), new Set<ErrorReason>(['UNKNOWN_KEY']));
  assert.equal(server.hitsOf('/jwks.json'), 2, 'one refetch for the whole burst');
  const refetched = logger.lines.filter((line) => line.message.includes('(UNKNOWN_KEY)'));
  assert.equal(refetched.length, 20);
  for (const line of refetched) {
    assert.match(line.message, /the key set was fetched from .* just now and does not hold it$/);
  }

  for (let i = 0; i < 5; i += 1) await outcome(authenticator, tokenUnknown);
  assert.equal(server.hitsOf('/jwks.json'), 2, 'no further fetch inside the cooldown');
  authenticator.close();
});

test('a token from the provider keeps working across a key rotation, and the cache is flushed', async () => {
  reset([jwk(k1, 'k1')]);
  const { authenticator, time, logger } = build();
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');

  // The provider publishes k2 beside k1, then signs with k2.
  server.keys = [jwk(k1, 'k1'), jwk(k2, 'k2')];
  time.advance(31);
  assert.equal(await outcome(authenticator, tokenK2), 'authenticated');
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');
  assert.ok(logger.lines.some((line) => line.message.includes('JWKS keys changed')));

  // k1 is withdrawn; the periodic refresh notices, and k1's cached verdict is dropped.
  server.keys = [jwk(k2, 'k2')];
  time.advance(601);
  assert.equal(await outcome(authenticator, tokenK2), 'authenticated');
  await authenticator.warmUp();
  assert.equal(await outcome(authenticator, tokenK1), 'UNKNOWN_KEY');
  assert.equal(await outcome(authenticator, tokenK2), 'authenticated');
  authenticator.close();
});

test('keys are kept while the provider is briefly down, and refused once too old', async () => {
  reset([jwk(k1, 'k1')]);
  const { authenticator, time, logger } = build({ tokenCache: { maxEntries: 0 } });
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');

  server.behaviour = { kind: 'fail', status: 503 };
  time.advance(700);
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');
  await authenticator.warmUp();
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');
  assert.ok(
    logger.lines.some((line) => line.level === 'warn' && /keeping the keys/.test(line.message)),
  );

  time.advance(3600);
  assert.equal(await outcome(authenticator, tokenK1), 'KEYS_UNAVAILABLE');

  server.behaviour = { kind: 'serve' };
  time.advance(31);
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');
  authenticator.close();
});

test('a provider down at start refuses tokens without hammering it, then recovers', async () => {
  reset([jwk(k1, 'k1')]);
  server.behaviour = { kind: 'fail', status: 500 };
  const { authenticator, time } = build();
  for (let i = 0; i < 5; i += 1) {
    assert.equal(await outcome(authenticator, tokenK1), 'KEYS_UNAVAILABLE');
  }
  assert.equal(server.hitsOf('/jwks.json'), 1);
  server.behaviour = { kind: 'serve' };
  time.advance(31);
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');
  authenticator.close();
});

test('with a local key too, a token the local key cannot verify waits for the key set', async () => {
  reset([jwk(k1, 'k1')]);
  server.behaviour = { kind: 'fail', status: 503 };
  const { authenticator } = build({ publicKeys: [{ pem: k2.publicPem }] });
  assert.equal(await outcome(authenticator, tokenK2), 'authenticated');
  // k1 is not local, and the key set that holds it cannot be fetched: not "forged".
  assert.equal(await outcome(authenticator, tokenK1), 'KEYS_UNAVAILABLE');
  authenticator.close();
});

test('size cap, redirects and timeouts make the key set unavailable', async (t) => {
  const cases = [
    { name: 'size cap', behaviour: { kind: 'huge', bytes: 4096 }, log: /more than 2048 bytes/ },
    { name: 'redirect', behaviour: { kind: 'redirect', location: '/elsewhere' }, log: /redirect/ },
    { name: 'timeout', behaviour: { kind: 'hang' }, log: /did not answer within 200 ms/ },
  ] as const;
  for (const item of cases) {
    await t.test(item.name, async () => {
      reset([jwk(k1, 'k1')]);
      server.behaviour = item.behaviour;
      const { authenticator, logger } = build({
        jwks: { timeoutMs: 200, maxResponseBytes: 2048 },
      });
      assert.equal(await outcome(authenticator, tokenK1), 'KEYS_UNAVAILABLE');
      assert.match(logger.text(), item.log);
      assert.equal(server.hitsOf('/elsewhere'), 0);
      authenticator.close();
    });
  }
});

test('symmetric, private and broken keys published in a JWKS are ignored', async () => {
  reset([
    { kty: 'oct', k: 'c2VjcmV0', kid: 'shared' },
    { ...jwk(k1, 'k1'), d: 'AAAA' },
    { ...jwk(ec, 'broken'), x: 'AAAA' },
    jwk(k2, 'k2'),
  ]);
  const { authenticator, logger } = build();
  assert.equal(await outcome(authenticator, tokenK2), 'authenticated');
  assert.equal(await outcome(authenticator, tokenK1), 'UNKNOWN_KEY');
  const skipped = logger.lines.find((line) => line.message === 'Some JWKS keys are ignored');
  assert.match(JSON.stringify(skipped?.fields), /symmetric key/);
  assert.match(JSON.stringify(skipped?.fields), /private key material/);
  assert.match(JSON.stringify(skipped?.fields), /JWKS key \\"broken\\" cannot be imported/);
  authenticator.close();
});

test('OIDC discovery finds the JWKS from the issuer, and its issuer must match', async () => {
  reset([jwk(k1, 'k1')]);
  const [withIssuer] = mintWithPyJwt([
    {
      payload: claims({ iss: server.origin }),
      key: k1.privatePem,
      algorithm: 'RS256',
      headers: { kid: 'k1' },
    },
  ]);
  const { authenticator } = build({ jwksUrl: undefined, oidcIssuer: server.origin });
  assert.equal(await outcome(authenticator, `Bearer ${withIssuer}`), 'authenticated');
  assert.equal(await outcome(authenticator, tokenK1), 'INVALID_ISSUER');
  assert.equal(server.hitsOf('/.well-known/openid-configuration'), 1);
  authenticator.close();

  reset([jwk(k1, 'k1')]);
  server.issuer = 'https://someone-else.example';
  const mismatch = build({ jwksUrl: undefined, oidcIssuer: server.origin });
  assert.equal(await outcome(mismatch.authenticator, `Bearer ${withIssuer}`), 'KEYS_UNAVAILABLE');
  assert.match(mismatch.logger.text(), /names issuer "https:\/\/someone-else.example"/);
  assert.equal(server.hitsOf('/jwks.json'), 0);
  mismatch.authenticator.close();
});

test('an HS256 token is never checked against JWKS keys', async () => {
  reset([jwk(k1, 'k1')]);
  const [hs] = mintWithPyJwt([{ payload: claims(), key: 'x'.repeat(40), algorithm: 'HS256' }]);
  const { authenticator } = build();
  assert.equal(await outcome(authenticator, `Bearer ${hs}`), 'ALGORITHM_NOT_ALLOWED');
  assert.equal(server.hitsOf('/jwks.json'), 0);
  authenticator.close();
});

test('a kid naming a key that declares another alg is ALGORITHM_NOT_ALLOWED, and says which', async () => {
  reset([{ ...jwk(k1, 'k1'), alg: 'RS256' }, jwk(k2, 'k2')]);
  const { authenticator, logger, time } = build();
  assert.equal(await outcome(authenticator, tokenK1), 'authenticated');
  assert.equal(await outcome(authenticator, tokenK1Rs384 ?? ''), 'ALGORITHM_NOT_ALLOWED');
  const line = logger.lines.find((entry) => entry.message.includes('(ALGORITHM_NOT_ALLOWED)'));
  assert.ok(line, logger.text());
  assert.match(line.message, /kid "k1" names JWKS key "k1", which allows RS256, not RS384/);
  assert.doesNotMatch(line.message, /matches no configured key/);
  assert.equal(server.hitsOf('/jwks.json'), 1, 'a known kid makes no refetch');
  authenticator.close();

  const inspection = await inspectToken(
    tokenK1Rs384 ?? '',
    { jwksUrl: server.jwksUrl, allowHttpLoopback: true },
    { now: time.now },
  );
  assert.equal(inspection.reason, 'ALGORITHM_NOT_ALLOWED');
  const signature = inspection.checks.find((check) => check.name === 'signature');
  assert.match(signature?.summary ?? '', /JWKS key "k1", which allows RS256, not RS384/);
});
