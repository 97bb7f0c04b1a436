import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { AuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator, type Authenticator } from '../../src/auth/authenticate-request.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { mintWithPyJwt } from './support/python-jwt.ts';
import { recordingLogger } from './support/recording-logger.ts';

/** Secret rotation without mass logout, and the verified-token cache. */
const T0 = 1_900_000_000;
const OLD = 'old-secret-old-secret-old-secret-old!';
const NEW = 'new-secret-new-secret-new-secret-new!';
const RETIRE_AT = new Date((T0 + 3600) * 1000);

const [oldToken, newToken, oldWithKid, newWithKid, shortLived] = mintWithPyJwt([
  { payload: { sub: 'a', exp: T0 + 86_400 }, key: OLD, algorithm: 'HS256' },
  { payload: { sub: 'b', exp: T0 + 86_400 }, key: NEW, algorithm: 'HS256' },
  { payload: { sub: 'c', exp: T0 + 86_400 }, key: OLD, algorithm: 'HS256', headers: { kid: 'v1' } },
  { payload: { sub: 'd', exp: T0 + 86_400 }, key: NEW, algorithm: 'HS256', headers: { kid: 'v2' } },
  { payload: { sub: 'e', exp: T0 + 60 }, key: NEW, algorithm: 'HS256' },
]).map((token) => `Bearer ${token}`);

function setup(options: AuthOptions) {
  let now = T0 * 1000;
  const logger = recordingLogger();
  const authenticator = createAuthenticator(options, logger, { now: () => now });
  return {
    authenticator,
    logger,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

async function outcome(authenticator: Authenticator, authorization: string | undefined) {
  try {
    const caller = await authenticator.authenticate({ authorization });
    return caller.kind === 'authenticated' ? caller.principal.subject : 'anonymous';
  } catch (error) {
    assert.ok(error instanceof PublicError);
    return error.reason;
  }
}

const rotation: AuthOptions = {
  secret: { secret: NEW },
  previousSecrets: [{ secret: OLD, acceptUntil: RETIRE_AT }],
};

test('a previous secret is accepted until its time, then refused with the reason logged', async () => {
  const { authenticator, advance, logger } = setup(rotation);
  assert.equal(await outcome(authenticator, oldToken), 'a');
  assert.equal(await outcome(authenticator, newToken), 'b');

  advance(3600);
  // The cached verdict for the old token ends when its secret retires.
  assert.equal(await outcome(authenticator, oldToken), 'INVALID_SIGNATURE');
  assert.equal(await outcome(authenticator, newToken), 'b');
  assert.match(logger.text(), /signed with previous secret #1, which is no longer accepted since/);
});

test('with kids, each token is checked with its own key only', async () => {
  const { authenticator } = setup({
    secret: { secret: NEW, kid: 'v2' },
    previousSecrets: [{ secret: OLD, kid: 'v1', acceptUntil: RETIRE_AT }],
  });
  assert.equal(await outcome(authenticator, oldWithKid), 'c');
  assert.equal(await outcome(authenticator, newWithKid), 'd');
  // A token without kid may come from either secret.
  assert.equal(await outcome(authenticator, oldToken), 'a');
});

test('verified tokens are served from the cache until exp, and verified again afterwards', async () => {
  const { authenticator, advance, logger } = setup({
    secret: { secret: NEW },
    leewaySeconds: 0,
  });
  const accepted = () => logger.lines.filter((line) => line.message === 'Token accepted').length;
  assert.equal(await outcome(authenticator, shortLived), 'e');
  assert.equal(await outcome(authenticator, shortLived), 'e');
  assert.equal(await outcome(authenticator, shortLived), 'e');
  assert.equal(accepted(), 1, 'verified once, then served from the cache');

  advance(60);
  assert.equal(await outcome(authenticator, shortLived), 'TOKEN_EXPIRED');
});

test('the cache never outlives its maximum TTL, and can be turned off', async () => {
  const capped = setup({ secret: { secret: NEW }, tokenCache: { maxTtlSeconds: 10 } });
  const count = () =>
    capped.logger.lines.filter((line) => line.message === 'Token accepted').length;
  await outcome(capped.authenticator, newToken);
  capped.advance(11);
  await outcome(capped.authenticator, newToken);
  assert.equal(count(), 2);

  const off = setup({ secret: { secret: NEW }, tokenCache: { maxEntries: 0 } });
  await outcome(off.authenticator, newToken);
  await outcome(off.authenticator, newToken);
  assert.equal(off.logger.lines.filter((line) => line.message === 'Token accepted').length, 2);
});

test('flush forgets verified tokens', async () => {
  const { authenticator, logger } = setup({ secret: { secret: NEW } });
  await outcome(authenticator, newToken);
  authenticator.flush();
  await outcome(authenticator, newToken);
  assert.equal(logger.lines.filter((line) => line.message === 'Token accepted').length, 2);
});

test('a failed verification is never cached as a success', async () => {
  const { authenticator } = setup({ secret: { secret: NEW } });
  assert.equal(await outcome(authenticator, oldToken), 'INVALID_SIGNATURE');
  assert.equal(await outcome(authenticator, oldToken), 'INVALID_SIGNATURE');
});

test('principals are frozen, and claims cannot be changed by a later layer', async () => {
  const { authenticator } = setup({ secret: { secret: NEW } });
  const caller = await authenticator.authenticate({ authorization: newToken });
  assert.equal(caller.kind, 'authenticated');
  if (caller.kind !== 'authenticated') return;
  assert.ok(Object.isFrozen(caller.principal));
  assert.ok(Object.isFrozen(caller.principal.claims));
  assert.throws(() => {
    (caller.principal.claims as Record<string, unknown>)['sub'] = 'admin';
  }, TypeError);
  const scopes = caller.principal.scopes as Set<string>;
  assert.throws(() => scopes.add('admin'), TypeError);
  assert.throws(() => scopes.clear(), TypeError);
  assert.equal(caller.principal.scopes.has('admin'), false);
});
