/**
 * A token's `sid` must name a session of the token's own subject: a token of Bob carrying
 * Alice's live session id is refused (TOKEN_REVOKED), so it cannot lean on her session to be
 * judged by it instead of by Bob's own revocations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Principal } from '../../src/auth/principal.ts';
import { isRevoked } from '../../src/sessions/cached-revocation-check.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ALICE, BOB, claimsOf, graphql, login, refusal } from './support/auth-client.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
});
after(async () => {
  await server?.close();
});

function principal(subject: string, sid: string): Principal {
  return { subject, scopes: new Set(), roles: new Set(), claims: { sub: subject, sid }, issuedAt: 100, method: 'jwt' };
}

describe('sid of another subject', () => {
  test('isRevoked: a live session refuses a token of another subject', () => {
    const live = { tokenRevoked: false, sessionRevoked: false, sessionSubject: ALICE, revokedBefore: null };
    assert.equal(isRevoked(live, principal(ALICE, 'x')), false);
    assert.equal(isRevoked(live, principal(BOB, 'x')), true);
  });

  test("Bob's token with Alice's sid is refused; Alice's own token is accepted", async () => {
    const alice = await login(server.app, 'alice', ['read:posts']);
    const sid = claimsOf(alice.access_token)['sid'];
    assert.equal(typeof sid, 'string');
    assert.equal((await graphql(server.app, '{ posts { title } }', alice.access_token)).status, 200);

    const borrowed = await server.token({ sub: BOB, scopes: ['read:posts'], sid });
    assert.equal(refusal(await graphql(server.app, '{ posts { title } }', borrowed)).reason, 'TOKEN_REVOKED');

    // Even when Bob has revoked all of his tokens, borrowing a live session does not help.
    const bobToken = await server.token({ sub: BOB, scopes: [] });
    assert.equal((await server.app.inject({
      method: 'POST', url: '/auth/revoke-all', headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'application/json' }, payload: '{}',
    })).statusCode, 200);
    assert.equal(refusal(await graphql(server.app, '{ posts { title } }', borrowed)).reason, 'TOKEN_REVOKED');
  });
});
