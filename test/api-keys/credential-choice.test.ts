/**
 * Which credential the auth seam uses when a request carries an API key: the key alone
 * (X-API-Key or Authorization: Bearer sk_...), and never a guess when it carries a JWT as
 * well, including a second Authorization header that Node's `request.headers` would drop.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Authenticator } from '../../src/auth/authenticate-request.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { createRequestAuthenticator } from '../../src/auth/request-authenticator.ts';
import { generateApiKey } from '../../src/api-keys/api-key-format.ts';
import { PublicError } from '../../src/errors/public-error.ts';

const KEY = generateApiKey().key;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

const keyPrincipal: Principal = {
  subject: 'key-owner',
  scopes: new Set(['read:posts']),
  roles: new Set(),
  claims: { sub: 'key-owner' },
  method: 'api_key',
};

const jwt: Authenticator = {
  authenticate: async () => ({
    kind: 'authenticated',
    principal: { subject: 'token-user', scopes: new Set(), roles: new Set(), claims: { sub: 'token-user' }, method: 'jwt' },
  }),
  warmUp: async () => undefined,
  flush: () => undefined,
  close: () => undefined,
};

const seam = createRequestAuthenticator({
  jwt,
  apiKeys: { authenticate: async (key) => (key === KEY ? keyPrincipal : Promise.reject(new Error('unexpected key'))) },
});

async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PublicError, String(error));
    return error.extensions['reason'];
  }
  return 'accepted';
}

describe('credential choice', () => {
  test('X-API-Key or Authorization: Bearer sk_... authenticates as the key owner', async () => {
    for (const headers of [{ 'x-api-key': KEY }, { authorization: `Bearer ${KEY}` }]) {
      const caller = await seam.authenticate(headers);
      assert.equal(caller.kind === 'authenticated' ? caller.principal.subject : undefined, 'key-owner');
    }
  });

  test('a JWT and an X-API-Key together are refused as ambiguous', async () => {
    assert.equal(await reasonOf(seam.authenticate({ authorization: `Bearer ${JWT}`, 'x-api-key': KEY })), 'AMBIGUOUS_CREDENTIALS');
  });

  test('a key in one Authorization header and a JWT in a second one are refused as ambiguous', async () => {
    for (const raw of [
      ['Authorization', `Bearer ${KEY}`, 'Authorization', `Bearer ${JWT}`],
      ['authorization', `Bearer ${JWT}`, 'Authorization', `Bearer ${KEY}`],
    ]) {
      const first = raw[1] ?? '';
      assert.equal(await reasonOf(seam.authenticate({ authorization: first }, raw)), 'AMBIGUOUS_CREDENTIALS', first.slice(0, 12));
    }
  });

  test('X-API-Key sent twice is refused', async () => {
    assert.equal(await reasonOf(seam.authenticate({ 'x-api-key': [KEY, KEY] })), 'INVALID_API_KEY');
  });
});
