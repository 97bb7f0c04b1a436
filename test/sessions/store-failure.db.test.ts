/**
 * The revocation store failing: requests with a token are refused with 503 and an error log
 * by default ([revocation] fail_open = false), and accepted with an error log when fail_open is
 * set. The store is made to fail by renaming fraiseql_auth.revoked_tokens away, which breaks
 * the lookup on both engines while login and the blog's own views keep working.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { graphql, login, refusal } from './support/auth-client.ts';
import { createCapturingLogger, type CapturingLogger } from './support/log-capture.ts';

const QUERY = '{ posts { title } }';

interface Instance {
  readonly server: TestServer;
  readonly log: CapturingLogger;
}

async function start(env: Record<string, string>): Promise<Instance> {
  const log = createCapturingLogger();
  return { server: await startTestServer({ projectDir: 'examples/blog', env, logger: log.logger }), log };
}

/** Runs `body` while the revocation lookup cannot succeed, then puts the table back. */
async function withStoreDown(server: TestServer, body: () => Promise<void>): Promise<void> {
  await server.database.db.query('ALTER TABLE fraiseql_auth.revoked_tokens RENAME TO revoked_tokens_away');
  try {
    await body();
  } finally {
    await server.database.db.query('ALTER TABLE fraiseql_auth.revoked_tokens_away RENAME TO revoked_tokens');
  }
}

function storeErrors(log: CapturingLogger) {
  return log.lines.filter((line) => line.level === 'error' && /revocation store cannot be reached/.test(line.msg ?? ''));
}

let closed: Instance;
let open: Instance;

before(async () => {
  closed = await start({});
  open = await start({ REVOCATION_FAIL_OPEN: 'true' });
});
after(async () => {
  await closed?.server.close();
  await open?.server.close();
});

describe('the revocation store is down', () => {
  test('by default a request with a token is refused with 503, a clear message and an error log', async () => {
    const { server, log } = closed;
    const tokens = await login(server.app, 'alice', ['read:posts']);
    await withStoreDown(server, async () => {
      const reply = await graphql(server.app, QUERY, tokens.access_token);
      assert.deepEqual(refusal(reply), {
        status: 503,
        message:
          'Revocation store unavailable: the server cannot tell whether this token has been revoked. Try again shortly.',
        reason: 'REVOCATION_UNAVAILABLE',
      });
      assert.equal(reply.json.data, undefined, 'nothing was executed');
      assert.doesNotMatch(reply.text, /revoked_tokens|relation|does not exist/, 'no internal cause in the response');
    });

    const errors = storeErrors(log);
    assert.equal(errors.length, 1, JSON.stringify(log.lines));
    assert.match(errors[0]?.msg ?? '', /requests are refused until it answers.*fail_open = true/);
    assert.ok(!JSON.stringify(log.lines).includes(tokens.access_token), 'the token is not logged');

    const recovered = await graphql(server.app, QUERY, tokens.access_token);
    assert.equal(recovered.status, 200, `accepted again once the store answers: ${recovered.text}`);
  });

  test('anonymous requests do not need the store', async () => {
    await withStoreDown(closed.server, async () => {
      const reply = await graphql(closed.server.app, QUERY);
      assert.notEqual(reply.status, 503, reply.text);
    });
  });

  test('with fail_open = true the token is accepted unchecked, and that is logged as an error', async () => {
    const { server, log } = open;
    const tokens = await login(server.app, 'alice', ['read:posts']);
    await withStoreDown(server, async () => {
      const reply = await graphql(server.app, QUERY, tokens.access_token);
      assert.equal(reply.status, 200, reply.text);
    });
    const errors = storeErrors(log);
    assert.equal(errors.length, 1, JSON.stringify(log.lines));
    assert.match(errors[0]?.msg ?? '', /ACCEPTED unchecked/);
  });
});
