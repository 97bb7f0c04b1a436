/**
 * Sliding renewal (SESSION_SLIDING_RENEWAL, [sessions] sliding_renewal): a session token used
 * within its last five minutes gets a fresh token for the same session in the
 * X-Renewed-Access-Token response header; earlier in its life, from another issuer, or with
 * renewal off, it gets none. Also: ACCESS_TOKEN_TTL sets the lifetime of issued tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ALICE, claimsOf, graphql, login, post, refusal } from './support/auth-client.ts';

const QUERY = '{ posts { title } }';
const HEADER = 'x-renewed-access-token';

let sliding: TestServer;
let plain: TestServer;

before(async () => {
  sliding = await startTestServer({
    projectDir: 'examples/blog',
    env: { SESSION_SLIDING_RENEWAL: 'true', ACCESS_TOKEN_TTL: '600' },
  });
  plain = await startTestServer({ projectDir: 'examples/blog' });
});
after(async () => {
  await sliding?.close();
  await plain?.close();
});

/** A token of `server`'s own issuer for the session of a fresh login, expiring in `seconds`. */
async function nearExpiry(server: TestServer, seconds: number): Promise<{ token: string; sid: unknown }> {
  const tokens = await login(server.app, 'alice', ['read:posts']);
  const sid = claimsOf(tokens.access_token)['sid'];
  const token = await server.token(
    { sub: ALICE, scopes: ['read:posts'], sid, iss: 'fraiseql-ts' },
    { expiresInSeconds: seconds },
  );
  return { token, sid };
}

describe('sliding renewal', () => {
  test('ACCESS_TOKEN_TTL sets expires_in and exp', async () => {
    const tokens = await login(sliding.app, 'alice', ['read:posts']);
    assert.equal(tokens.expires_in, 600);
    const claims = claimsOf(tokens.access_token);
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 600);
  });

  test('a token used early in its life gets no renewal', async () => {
    const tokens = await login(sliding.app, 'alice', ['read:posts']);
    const reply = await graphql(sliding.app, QUERY, tokens.access_token);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.headers[HEADER], undefined);
  });

  test('a token used in its last five minutes gets a fresh one for the same session', async () => {
    const { token, sid } = await nearExpiry(sliding, 120);
    const reply = await graphql(sliding.app, QUERY, token);
    assert.equal(reply.status, 200, reply.text);
    const renewed = reply.headers[HEADER];
    assert.equal(typeof renewed, 'string', 'the renewed token is in the header');
    assert.match(String(reply.headers['access-control-expose-headers']), /X-Renewed-Access-Token/i);

    const [old, fresh] = [claimsOf(token), claimsOf(String(renewed))];
    assert.equal(fresh['sid'], sid);
    assert.equal(fresh['sub'], ALICE);
    assert.deepEqual(fresh['scopes'], ['read:posts']);
    assert.notEqual(fresh['jti'], old['jti']);
    assert.ok(Number(fresh['exp']) > Number(old['exp']) + 300, 'the renewed token lives a full lifetime');

    const again = await graphql(sliding.app, QUERY, token);
    assert.equal(again.headers[HEADER], renewed, 'parallel or repeated use gets the same renewal');
    const withRenewed = await graphql(sliding.app, QUERY, String(renewed));
    assert.equal(withRenewed.status, 200, withRenewed.text);
    assert.equal(withRenewed.headers[HEADER], undefined);
  });

  test('a logout ends the renewed token with the session', async () => {
    const { token } = await nearExpiry(sliding, 120);
    const renewed = String((await graphql(sliding.app, QUERY, token)).headers[HEADER]);
    const logout = await post(sliding.app, '/auth/logout', undefined, { token });
    assert.equal(logout.status, 200, logout.text);
    assert.equal(refusal(await graphql(sliding.app, QUERY, renewed)).reason, 'TOKEN_REVOKED');
  });

  test('a near-expiry token that is not one of its sessions gets no renewal', async () => {
    const foreign = await sliding.token({ sub: ALICE, scopes: ['read:posts'], iss: 'https://idp.example' }, { expiresInSeconds: 120 });
    const reply = await graphql(sliding.app, QUERY, foreign);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.headers[HEADER], undefined);
  });

  test('with sliding renewal off (the default) no header is sent', async () => {
    const { token } = await nearExpiry(plain, 120);
    const reply = await graphql(plain.app, QUERY, token);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.headers[HEADER], undefined);
  });
});
