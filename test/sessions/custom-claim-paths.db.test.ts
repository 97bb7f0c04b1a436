/**
 * With `[auth] scopes_claim` and `roles_claim` set to nested paths (a Keycloak-style
 * `realm_access`), every token the server issues carries its grants there, so the same server
 * accepts it: login, POST /auth/refresh, the refreshToken mutation, sliding renewal and
 * `token issue`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { issueDevelopmentToken } from '../../src/auth/token-issue.ts';
import { authSetupFromConfig } from '../../src/config/auth-options-from-config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/test-server.ts';
import { ALICE, claimsOf, graphql, login, post, type Tokens } from './support/auth-client.ts';
import { blogWith, type BlogProject } from './support/blog-with.ts';

const QUERY = '{ posts { title } }';
const HEADER = 'x-renewed-access-token';

let project: BlogProject;
let server: TestServer;

before(async () => {
  project = blogWith(
    [
      'scopes_claim = "realm_access.scopes"',
      'roles_claim = "realm_access.roles"',
      '[security.roles]',
      'reader = ["read:posts"]',
    ].join('\n'),
  );
  // A 60 s token is always inside the 300 s sliding window: every use is renewed.
  server = await startTestServer({
    projectDir: project.dir,
    env: { SESSION_SLIDING_RENEWAL: 'true', ACCESS_TOKEN_TTL: '60' },
  });
});
after(async () => {
  await server?.close();
  project?.remove();
});

/** Asserts the token carries its scopes under realm_access only, and opens the query. */
async function assertAccepted(token: string, scopes: readonly string[]): Promise<void> {
  const claims = claimsOf(token);
  assert.deepEqual(claims['realm_access'], { scopes });
  assert.equal(claims['scopes'], undefined, 'no scopes claim the server does not read');
  const reply = await graphql(server.app, QUERY, token);
  assert.equal(reply.status, 200, reply.text);
  assert.ok(Array.isArray(reply.json.data?.['posts']), reply.text);
}

describe('tokens the server issues, with custom scope and role claim paths', () => {
  test('a login token carries realm_access.scopes and opens the scoped query', async () => {
    const tokens = await login(server.app, 'alice', ['read:posts']);
    await assertAccepted(tokens.access_token, ['read:posts']);
  });

  test('POST /auth/refresh and the refreshToken mutation issue accepted tokens', async () => {
    const first = await login(server.app, 'alice', ['read:posts']);
    const refreshed = await post(server.app, '/auth/refresh', {
      refresh_token: first.refresh_token,
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    const second = refreshed.json as unknown as Tokens;
    await assertAccepted(second.access_token, ['read:posts']);

    const mutation = await graphql(
      server.app,
      'mutation Renew($t: String!) { refreshToken(refresh_token: $t) { access_token } }',
      undefined,
      { t: second.refresh_token },
    );
    assert.equal(mutation.status, 200, mutation.text);
    const renewed = mutation.json.data?.['refreshToken'] as { access_token: string } | undefined;
    assert.ok(renewed !== undefined, mutation.text);
    await assertAccepted(renewed.access_token, ['read:posts']);
  });

  test('the sliding renewal token is accepted too', async () => {
    const tokens = await login(server.app, 'alice', ['read:posts']);
    const reply = await graphql(server.app, QUERY, tokens.access_token);
    assert.equal(reply.status, 200, reply.text);
    const renewed = reply.headers[HEADER];
    assert.equal(typeof renewed, 'string', 'a renewed token in the response header');
    await assertAccepted(String(renewed), ['read:posts']);
  });

  test('token issue writes scopes and roles there; a role grants by [security.roles]', async () => {
    const env = { ...process.env, JWT_SECRET: TEST_JWT_SECRET };
    const options = authSetupFromConfig(loadConfig({ dir: project.dir, env })).options;

    const scoped = await issueDevelopmentToken({ subject: ALICE, scopes: ['read:posts'] }, options);
    await assertAccepted(scoped.token, ['read:posts']);

    const byRole = await issueDevelopmentToken({ subject: ALICE, roles: ['reader'] }, options);
    assert.deepEqual(claimsOf(byRole.token)['realm_access'], { roles: ['reader'] });
    assert.equal(claimsOf(byRole.token)['roles'], undefined);
    const reply = await graphql(server.app, QUERY, byRole.token);
    assert.equal(reply.status, 200, reply.text);
    assert.ok(Array.isArray(reply.json.data?.['posts']), reply.text);
  });
});
