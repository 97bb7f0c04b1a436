/**
 * The offline commands against the database a running server uses: `users add` creates a
 * user who can then log in, `users set-password` revokes what the user held, and `token
 * revoke <jti|token>` and `token revoke --user <sub>` are refused by the server within a
 * second (through the database's notification, not a call into the server).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { tokenRevoke } from '../../src/cli/commands/token-revoke.ts';
import { usersAdd, usersSetPassword, type UsersIo } from '../../src/cli/commands/users.ts';
import { CommandError } from '../../src/cli/run-command.ts';
import { RevocationStore } from '../../src/sessions/revocation-store.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { TokenRevoker } from '../../src/sessions/token-revoker.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ALICE, claimsOf, graphql, login, post, refusal } from './support/auth-client.ts';

const QUERY = '{ posts { title } }';
let server: TestServer;
/** What the CLI builds in sessions-database.ts: no cache of its own, no call into the server. */
let revoker: TokenRevoker;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
  revoker = new TokenRevoker({
    revocations: new RevocationStore(server.database.db),
    sessions: new SessionStore(server.database.db),
    onRevoked: () => undefined,
  });
});
after(async () => {
  await server?.close();
});

function io(password: string, output: string[] = []): UsersIo {
  return { stdout: (text) => void output.push(text), readPassword: async () => password };
}

async function untilRevoked(token: string): Promise<void> {
  const started = performance.now();
  for (;;) {
    const reply = await graphql(server.app, QUERY, token);
    if (reply.status === 401) {
      assert.equal(refusal(reply).message, 'Token has been revoked');
      return;
    }
    assert.equal(reply.status, 200, reply.text);
    assert.ok(performance.now() - started < 1000, 'still accepted a second after the command');
    await sleep(20);
  }
}

describe('users add and set-password', () => {
  test('a user added on the command line logs in with that password; a short one is refused', async () => {
    const output: string[] = [];
    assert.equal(await usersAdd(server.database.db, 'dave', { role: 'reader' }, io('dave-password-1', output)), 0);
    assert.match(output.join(''), /^Created user dave \(id \d+, token subject "[0-9a-f-]{36}"\)\.\n$/);
    const tokens = await login(server.app, 'dave', undefined, 'dave-password-1');
    assert.equal(tokens.scope, 'read:posts', 'the permissions of its role');
    const posts = await graphql(server.app, QUERY, tokens.access_token);
    assert.equal(posts.status, 200, posts.text);

    await assert.rejects(usersAdd(server.database.db, 'erin', {}, io('short')), (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.match(error.message, /at least 8 characters/);
      return true;
    });
    await assert.rejects(usersAdd(server.database.db, 'dave', {}, io('dave-password-2')), CommandError);
  });

  test('set-password revokes what the user held; the new password works', async () => {
    const tokens = await login(server.app, 'dave', undefined, 'dave-password-1');
    assert.equal(await usersSetPassword(server.database.db, revoker, 'dave', io('dave-password-2')), 0);
    await untilRevoked(tokens.access_token);
    const old = await post(server.app, '/auth/login', { username: 'dave', password: 'dave-password-1' });
    assert.equal(refusal(old).reason, 'INVALID_CREDENTIALS');
    await login(server.app, 'dave', undefined, 'dave-password-2');
  });
});

describe('token revoke', () => {
  test('by jti: the running server refuses that token within a second, and only that one', async () => {
    const [first, second] = [await login(server.app, 'alice'), await login(server.app, 'alice')];
    assert.equal((await graphql(server.app, QUERY, first.access_token)).status, 200);
    const output: string[] = [];
    const jti = String(claimsOf(first.access_token)['jti']);
    assert.equal(await tokenRevoke(revoker, { target: jti }, (text) => void output.push(text)), 0);
    // The example sets no [auth] max_token_lifetime_seconds: nothing bounds the unknown expiry.
    assert.match(output.join(''), new RegExp(`^Revoked token id \\(jti\\) ${jti}: any token carrying it is refused for good `));
    assert.doesNotMatch(output.join(''), /not a UUID/, "a jti of this server's form needs no note");
    await untilRevoked(first.access_token);
    assert.equal((await graphql(server.app, QUERY, second.access_token)).status, 200);
  });

  test('given the token itself, it reads jti and exp from it', async () => {
    const tokens = await login(server.app, 'alice');
    const output: string[] = [];
    await tokenRevoke(revoker, { target: `Bearer ${tokens.access_token}` }, (text) => void output.push(text));
    assert.match(
      output.join(''),
      /^Revoked the whole token given \(jti [0-9a-f-]{36}, subject "[0-9a-f-]{36}", it would have expired at .+Z\)\.\n$/,
    );
    await untilRevoked(tokens.access_token);
  });

  test('--user revokes every token of the subject within a second', async () => {
    const tokens = await login(server.app, 'bob');
    assert.equal((await graphql(server.app, QUERY, tokens.access_token)).status, 200);
    const sub = String(claimsOf(tokens.access_token)['sub']);
    await tokenRevoke(revoker, { user: sub }, () => undefined);
    await untilRevoked(tokens.access_token);
    const refresh = await post(server.app, '/auth/refresh', { refresh_token: tokens.refresh_token });
    assert.equal(refusal(refresh).reason, 'SESSION_REVOKED');
  });

  test('a truncated or mistyped token is refused (exit 2), not revoked as a jti; the real one stays valid', async () => {
    const tokens = await login(server.app, 'carol');
    const token = tokens.access_token;
    const [header = '', payload = ''] = token.split('.');
    const broken = [
      token.slice(0, 40),
      `${header}.${payload}`,
      `${header}.${payload.slice(0, 10)}.sig`,
      `x${token.slice(1)}`,
      `${header}.x`,
    ];
    for (const target of broken) {
      const output: string[] = [];
      await assert.rejects(tokenRevoke(revoker, { target }, (text) => void output.push(text)), (error: unknown) => {
        assert.ok(error instanceof CommandError, String(error));
        assert.equal(error.exitCode, 2);
        assert.match(error.message, /looks like a JWT \(.+\) but is not a whole token .*nothing was revoked/);
        return true;
      });
      assert.deepEqual(output, [], target);
    }
    const rows = await server.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM fraiseql_auth.revoked_tokens WHERE token_id = ANY($1)',
      [broken],
    );
    assert.equal(rows.rows[0]?.n, 0, 'nothing was written');
    assert.equal((await graphql(server.app, QUERY, token)).status, 200);
  });

  test("another issuer's jti is revoked as given, with a note that it is not this server's form", async () => {
    for (const jti of ['not-a-jti-nor-token', 'AT.cDnDT9Sd1w6F0mS9YzCRDvlNrBe-xDzn0sIr5ccb6mk']) {
      const output: string[] = [];
      assert.equal(await tokenRevoke(revoker, { target: jti }, (text) => void output.push(text)), 0);
      assert.match(output.join(''), new RegExp(`^Revoked token id \\(jti\\) ${jti.replace('.', '\\.')}: `));
      assert.match(output.join(''), /is not a UUID, the form of every jti this server issues/);
      const token = await server.token({ sub: ALICE, scopes: ['read:posts'], jti });
      await untilRevoked(token);
    }
  });

  test('needs exactly one of a jti, a token or --user', async () => {
    await assert.rejects(tokenRevoke(revoker, {}, () => undefined), CommandError);
    await assert.rejects(tokenRevoke(revoker, { target: 'x', user: 'y' }, () => undefined), CommandError);
  });
});
