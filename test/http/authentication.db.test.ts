/**
 * Authentication through the real server, with the spec page's messages: missing header, wrong
 * scheme, bad signature, expiry, audience, scopes, and injected claims. The refused tokens are
 * minted by PyJWT, an implementation independent of the one the server verifies with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Writable } from 'node:stream';

import { inspectToken } from '../../src/auth/token-inspection.ts';
import {
  authSetupFromConfig,
  tokenIdRuleFromConfig,
} from '../../src/config/auth-options-from-config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/log/logger.ts';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/test-server.ts';
import {
  errorCodes,
  exchange,
  graphqlUrl,
  headerOf,
  postGraphQL,
  type ExchangeReply,
} from './http-exchange.ts';
import { blogVariant, type ProjectVariant } from './project-variant.ts';
import { epochSeconds, mintWithPython } from './python-jwt.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const AUDIENCE = 'fraiseql-api';
const PROTECTED = '{ posts { title } }';
const PUBLIC = '{ public_posts { title } }';
const PUBLISHED_TITLES = ['Hello from Alice', 'Bob on databases', "Carol's notes"];
const BAD_SCHEME_MESSAGE = 'Invalid Authorization header format. Expected: Bearer <token>';

let server: TestServer;
/** Tokens minted by PyJWT, by name. */
let python: Record<string, string>;

before(async () => {
  // The server starts first: the tokens' times (one expired 5 s ago, inside the leeway) are
  // taken after the slow part, so a loaded machine cannot push them past the leeway.
  server = await startTestServer({ projectDir: 'examples/blog' });
  const now = epochSeconds();
  const claims = { sub: ALICE, aud: AUDIENCE, scopes: ['read:posts'], iat: now, exp: now + 3600 };
  const requests = {
    valid: { payload: claims, secret: TEST_JWT_SECRET },
    userIdOnly: {
      payload: { user_id: ALICE, aud: AUDIENCE, scope: 'read:posts', iat: now, exp: now + 3600 },
      secret: TEST_JWT_SECRET,
    },
    otherSecret: { payload: claims, secret: 'another-secret-that-is-also-long-enough-0123456789' },
    expired: { payload: { ...claims, iat: now - 7200, exp: now - 3600 }, secret: TEST_JWT_SECRET },
    notYetValid: { payload: { ...claims, nbf: now + 3600 }, secret: TEST_JWT_SECRET },
    wrongAudience: { payload: { ...claims, aud: 'another-app' }, secret: TEST_JWT_SECRET },
    noAudience: {
      payload: { sub: ALICE, scopes: ['read:posts'], iat: now, exp: now + 3600 },
      secret: TEST_JWT_SECRET,
    },
    algNone: { payload: claims, secret: null, algorithm: 'none' },
    hs512: { payload: claims, secret: TEST_JWT_SECRET, algorithm: 'HS512' },
    keyUrl: {
      payload: claims,
      secret: TEST_JWT_SECRET,
      headers: { jku: 'https://keys.example.com/jwks.json' },
    },
    noSubject: {
      payload: { aud: AUDIENCE, scopes: ['read:posts'], iat: now, exp: now + 3600 },
      secret: TEST_JWT_SECRET,
    },
    emptySubject: { payload: { ...claims, sub: '' }, secret: TEST_JWT_SECRET },
    noScopes: {
      payload: { sub: ALICE, aud: AUDIENCE, iat: now, exp: now + 3600 },
      secret: TEST_JWT_SECRET,
    },
  };
  const names = Object.keys(requests);
  // Each gets a jti: revocation is on by default and refuses tokens without one (the refusal
  // itself is tested in test/sessions/logout.db.test.ts).
  const tokens = mintWithPython(
    Object.values(requests).map((request, index) => ({
      ...request,
      payload: { jti: `pyjwt-${index}`, ...request.payload },
    })),
  );
  python = Object.fromEntries(names.map((name, index) => [name, tokens[index] ?? '']));
});
after(async () => {
  await server?.close();
});

function send(query: string, authorization?: string): Promise<ExchangeReply> {
  return postGraphQL(server.app, { query }, authorization === undefined ? {} : { authorization });
}

/** Asserts a 401 with this message, code UNAUTHENTICATED, a Bearer challenge, and no data. */
function assertUnauthenticated(reply: ExchangeReply, message: string, challenge: RegExp): void {
  assert.equal(reply.status, 401, reply.text);
  assert.deepEqual(errorCodes(reply), ['UNAUTHENTICATED']);
  assert.equal(reply.json?.errors?.[0]?.message, message);
  assert.match(headerOf(reply, 'www-authenticate') ?? '', challenge);
  assert.equal(reply.json?.data, undefined, 'a refused request carries no data');
}

describe('no credentials', () => {
  test('a protected query without a header is 401 Missing Authorization header', async () => {
    const reply = await send(PROTECTED);
    assertUnauthenticated(reply, 'Missing Authorization header', /^Bearer$/);
    assert.equal(reply.json?.errors?.[0]?.extensions?.reason, 'MISSING_TOKEN');
  });

  test('a protected mutation and a protected GET without a header are refused the same way', async () => {
    const mutation = await send('mutation { create_post(title: "x", body: "y") { id } }');
    assertUnauthenticated(mutation, 'Missing Authorization header', /^Bearer$/);

    const get = await exchange(server.app, {
      method: 'GET',
      url: graphqlUrl({ query: PROTECTED }),
    });
    assertUnauthenticated(get, 'Missing Authorization header', /^Bearer$/);
  });

  test('a token in the query string is not a credential', async () => {
    const get = await exchange(server.app, {
      method: 'GET',
      url: `${graphqlUrl({ query: PROTECTED })}&access_token=${python.valid}`,
    });
    assertUnauthenticated(get, 'Missing Authorization header', /^Bearer$/);
  });

  test('a public query works without a token', async () => {
    const reply = await send(PUBLIC);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(
      (reply.json?.data?.public_posts as { title: string }[]).map((post) => post.title),
      PUBLISHED_TITLES,
    );
  });

  test('one protected field among public ones refuses the whole operation', async () => {
    const reply = await send('{ public_posts { title } posts { title } }');
    assertUnauthenticated(reply, 'Missing Authorization header', /^Bearer$/);
  });
});

describe('malformed Authorization headers', () => {
  const token = (): string => python.valid ?? '';
  const cases: readonly [string, () => string][] = [
    ['the Token scheme', () => `Token ${token()}`],
    ['a bare token', () => token()],
    ['Basic credentials', () => 'Basic YWxpY2U6c2VjcmV0'],
    ['an empty Bearer', () => 'Bearer '],
    ['Bearer alone', () => 'Bearer'],
    ['two words after Bearer', () => `Bearer ${token()} extra`],
    ['an empty header', () => ''],
  ];
  for (const [name, header] of cases) {
    test(`${name} is 401 with the Bearer format message`, async () => {
      const reply = await send(PROTECTED, header());
      assertUnauthenticated(reply, BAD_SCHEME_MESSAGE, /^Bearer error="invalid_request"/);
      assert.equal(reply.json?.errors?.[0]?.extensions?.reason, 'BAD_AUTH_SCHEME');
    });
  }

  test('the scheme name is case-insensitive (RFC 9110)', async () => {
    const reply = await send(PROTECTED, `bearer ${python.valid}`);
    assert.equal(reply.status, 200, reply.text);
  });

  test('two Authorization headers are refused, not half-read', async () => {
    const reply = await exchange(server.app, {
      method: 'POST',
      url: '/graphql',
      headers: {
        'content-type': 'application/json',
        authorization: [`Bearer ${python.valid}`, 'Bearer x.y.z'],
      },
      body: { query: PROTECTED },
    });
    assertUnauthenticated(reply, BAD_SCHEME_MESSAGE, /^Bearer error="invalid_request"/);
  });
});

describe('tokens the server refuses', () => {
  const refused: readonly [string, string, string][] = [
    ['signed with another secret', 'otherSecret', 'Invalid token'],
    ['expired', 'expired', 'Token has expired'],
    ['not valid yet (nbf)', 'notYetValid', 'Token is not yet valid'],
    ['for another audience', 'wrongAudience', 'Invalid token audience'],
    ['without an audience', 'noAudience', 'Invalid token audience'],
    ['unsigned (alg none)', 'algNone', 'Invalid token'],
    ['naming its own key URL (jku)', 'keyUrl', 'Invalid token'],
    ['without sub or user_id', 'noSubject', 'Invalid token'],
    ['with an empty sub', 'emptySubject', 'Invalid token'],
  ];
  for (const [name, key, message] of refused) {
    test(`a token ${name} is 401 ${message}`, async () => {
      const reply = await send(PROTECTED, `Bearer ${python[key]}`);
      assertUnauthenticated(reply, message, /^Bearer error="invalid_token"/);
    });
  }

  test('a malformed token is 401 Invalid token', async () => {
    for (const value of ['abc.def.ghi', 'abc', 'e30.e30.']) {
      const reply = await send(PROTECTED, `Bearer ${value}`);
      assertUnauthenticated(reply, 'Invalid token', /^Bearer error="invalid_token"/);
    }
  });

  test('a public query with a bad token is refused, never answered as anonymous', async () => {
    for (const [key, message] of [
      ['otherSecret', 'Invalid token'],
      ['expired', 'Token has expired'],
      ['wrongAudience', 'Invalid token audience'],
    ] as const) {
      const reply = await send(PUBLIC, `Bearer ${python[key]}`);
      assertUnauthenticated(reply, message, /^Bearer error="invalid_token"/);
    }
    const badScheme = await send(PUBLIC, 'Basic YWxpY2U6c2VjcmV0');
    assertUnauthenticated(badScheme, BAD_SCHEME_MESSAGE, /invalid_request/);
  });
});

describe('tokens the server accepts', () => {
  test('a PyJWT token with sub and a scopes list reads the caller posts', async () => {
    const reply = await send('{ user_posts { title } }', `Bearer ${python.valid}`);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json?.data, {
      user_posts: [{ title: 'Hello from Alice' }, { title: "Alice's private draft" }],
    });
  });

  test('user_id stands for sub, and a space-separated scope string grants scopes', async () => {
    const reply = await send('{ user_posts { title } }', `Bearer ${python.userIdOnly}`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal((reply.json?.data?.user_posts as unknown[]).length, 2);
  });

  test('an expiry within the clock leeway (30 s) is still accepted', async () => {
    // Minted here, not in before(): 5 s past expiry must still be inside the leeway when sent.
    const now = epochSeconds();
    const [withinLeeway] = mintWithPython([
      {
        payload: {
          ...{ jti: 'pyjwt-leeway', sub: ALICE, aud: AUDIENCE, scopes: ['read:posts'] },
          ...{ iat: now - 3600, exp: now - 5 },
        },
        secret: TEST_JWT_SECRET,
      },
    ]);
    const reply = await send(PROTECTED, `Bearer ${withinLeeway}`);
    assert.equal(reply.status, 200, reply.text);
  });
});

describe('scopes', () => {
  test('a token without the required scope is 403 Insufficient scope, naming the scope', async () => {
    const reply = await send(PROTECTED, `Bearer ${python.noScopes}`);
    assert.equal(reply.status, 403, reply.text);
    assert.deepEqual(errorCodes(reply), ['FORBIDDEN']);
    const error = reply.json?.errors?.[0];
    assert.equal(error?.message, 'Insufficient scope for this operation');
    assert.deepEqual(error?.extensions?.requiredScopes, ['read:posts']);
    assert.match(headerOf(reply, 'www-authenticate') ?? '', /^Bearer error="insufficient_scope"/);
    assert.equal(reply.json?.data, undefined);
  });

  test('a reader cannot write: create_post is 403 and nothing is written', async () => {
    const reader = await server.token({ sub: ALICE, scopes: ['read:posts'] });
    const reply = await send(
      'mutation { create_post(title: "not allowed", body: "x") { id } }',
      `Bearer ${reader}`,
    );
    assert.equal(reply.status, 403, reply.text);
    assert.deepEqual(reply.json?.errors?.[0]?.extensions?.requiredScopes, ['write:posts']);

    const mine = await send(
      '{ user_posts(where: { title: { eq: "not allowed" } }) { id } }',
      `Bearer ${reader}`,
    );
    assert.deepEqual(mine.json?.data, { user_posts: [] });
  });

  test('a public query needs no scope, also with a valid token', async () => {
    const reply = await send(PUBLIC, `Bearer ${python.noScopes}`);
    assert.equal(reply.status, 200, reply.text);
  });
});

describe('a server with JWT_ALGORITHMS=HS256 and a query injecting a second claim', () => {
  let variant: ProjectVariant;
  let orgServer: TestServer;

  before(async () => {
    variant = blogVariant('', {
      editSchemaJson: (schema) => {
        // posts, with a second claim injected: app.org_id must come from the token's org.id.
        const posts = schema.queries.find((query) => query.name === 'posts');
        assert.ok(posts !== undefined);
        schema.queries.push({
          ...posts,
          name: 'org_posts',
          inject_params: { user_id: 'jwt:sub', org_id: 'jwt:org.id' },
        });
      },
    });
    orgServer = await startTestServer({
      projectDir: variant.dir,
      env: { JWT_ALGORITHMS: 'HS256' },
    });
  });
  after(async () => {
    await orgServer?.close();
    variant?.remove();
  });

  const query = '{ org_posts { title } }';
  const sendOrg = (token: string): Promise<ExchangeReply> =>
    postGraphQL(orgServer.app, { query }, { authorization: `Bearer ${token}` });

  test('a token without the injected claim is refused with a clear error, never NULL', async () => {
    const token = await orgServer.token({ sub: ALICE, scopes: ['read:posts'] });
    const reply = await sendOrg(token);
    assert.equal(reply.status, 403, reply.text);
    const error = reply.json?.errors?.[0];
    assert.equal(error?.extensions?.code, 'FORBIDDEN');
    assert.equal(error?.extensions?.reason, 'MISSING_INJECT_CLAIM');
    assert.equal(error?.extensions?.claim, 'org.id');
    assert.match(error?.message ?? '', /needs the token claim 'org\.id'.*does not carry it/);
    assert.equal(reply.json?.data, undefined);
  });

  test('an empty or null claim is refused the same way', async () => {
    for (const org of [{ id: '' }, { id: null }, 'flat']) {
      const token = await orgServer.token({ sub: ALICE, scopes: ['read:posts'], org });
      const reply = await sendOrg(token);
      assert.equal(reply.status, 403, `${JSON.stringify(org)}: ${reply.text}`);
      assert.equal(reply.json?.errors?.[0]?.extensions?.reason, 'MISSING_INJECT_CLAIM');
    }
  });

  test('with the claim present the query runs', async () => {
    const token = await orgServer.token({ sub: ALICE, scopes: ['read:posts'], org: { id: 42 } });
    const reply = await sendOrg(token);
    assert.equal(reply.status, 200, reply.text);
    const titles = (reply.json?.data?.org_posts as { title: string }[]).map((post) => post.title);
    assert.ok(titles.includes("Alice's private draft"));
    assert.ok(!titles.includes("Bob's private draft"));
  });

  test('the algorithm allow-list refuses an HS512 token the default configuration accepts', async () => {
    const byDefault = await send(PROTECTED, `Bearer ${python.hs512}`);
    assert.equal(byDefault.status, 200, byDefault.text);

    const reply = await postGraphQL(
      orgServer.app,
      { query: PROTECTED },
      { authorization: `Bearer ${python.hs512}` },
    );
    assertUnauthenticated(reply, 'Invalid token', /^Bearer error="invalid_token"/);
    const accepted = await postGraphQL(
      orgServer.app,
      { query: PROTECTED },
      { authorization: `Bearer ${python.valid}` },
    );
    assert.equal(accepted.status, 200, accepted.text);
  });

  test('anonymous callers of an injecting query get the missing-header 401', async () => {
    const reply = await postGraphQL(orgServer.app, { query });
    assertUnauthenticated(reply, 'Missing Authorization header', /^Bearer$/);
  });
});

/**
 * Issue 3's error table, one row per cause, through the real server configured as a newcomer
 * would (JWT_ISSUER, a kid on JWT_SECRET, JWT_ALGORITHMS=HS256): each row's status, message,
 * `extensions.reason` and RFC 6750 challenge; the debug line naming the cause without the
 * token or the secret; and `token inspect`, run on the same project configuration, giving the
 * same reason.
 */
describe('the error table, row by row, on a server with an issuer, a kid and an allow-list', () => {
  const ISSUER = 'https://auth.example.com';
  const log: string[] = [];
  let variant: ProjectVariant;
  let tableServer: TestServer;
  let tokens: Record<string, string>;

  before(async () => {
    const now = epochSeconds();
    const good = { sub: ALICE, iss: ISSUER, aud: AUDIENCE, scopes: ['read:posts'], iat: now };
    const signed = { secret: TEST_JWT_SECRET, headers: { kid: 'current' } };
    const requests: Record<string, Parameters<typeof mintWithPython>[0][number]> = {
      valid: { ...signed, payload: { ...good, exp: now + 3600 } },
      otherSecret: {
        ...signed,
        secret: 'a-secret-this-server-has-never-seen-0123456789',
        payload: { ...good, exp: now + 3600 },
      },
      unknownKid: { ...signed, headers: { kid: 'retired-2019' }, payload: { ...good, exp: now + 3600 } },
      hs512: { ...signed, algorithm: 'HS512', payload: { ...good, exp: now + 3600 } },
      expired: { ...signed, payload: { ...good, iat: now - 7200, exp: now - 720 } },
      notBefore: { ...signed, payload: { ...good, nbf: now + 600, exp: now + 3600 } },
      issuedAhead: { ...signed, payload: { ...good, iat: now + 600, exp: now + 3600 } },
      wrongIssuer: { ...signed, payload: { ...good, iss: 'https://evil.example', exp: now + 3600 } },
      wrongAudience: { ...signed, payload: { ...good, aud: 'another-app', exp: now + 3600 } },
    };
    const names = Object.keys(requests);
    const minted = mintWithPython(
      Object.values(requests).map((request, index) => ({
        ...request,
        payload: { jti: `table-${index}`, ...request.payload },
      })),
    );
    tokens = Object.fromEntries(names.map((name, index) => [name, minted[index] ?? '']));

    variant = blogVariant(
      `issuer = "${ISSUER}"\njwt_secret_kid = "current"\nalgorithms = ["HS256"]\n`,
    );
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log.push(chunk.toString('utf8'));
        done();
      },
    });
    tableServer = await startTestServer({
      projectDir: variant.dir,
      logger: createLogger({ level: 'debug', destination }),
    });
  });
  after(async () => {
    await tableServer?.close();
    variant?.remove();
  });

  const b64 = (text: string): string => Buffer.from(text).toString('base64url');
  const valid = (): string => tokens['valid'] ?? '';
  const part = (index: number): string => valid().split('.')[index] ?? '';
  const challenge = (message: string): string =>
    `Bearer error="invalid_token", error_description="${message}"`;
  const BAD_SCHEME = `Bearer error="invalid_request", error_description="${BAD_SCHEME_MESSAGE}"`;

  /** name, Authorization value (undefined: none), message, reason, WWW-Authenticate. */
  const rows: readonly [string, () => string | undefined, string, string, string][] = [
    ['no header', () => undefined, 'Missing Authorization header', 'MISSING_TOKEN', 'Bearer'],
    ['Token x', () => `Token ${valid()}`, BAD_SCHEME_MESSAGE, 'BAD_AUTH_SCHEME', BAD_SCHEME],
    ['a bare token', () => valid(), BAD_SCHEME_MESSAGE, 'BAD_AUTH_SCHEME', BAD_SCHEME],
    ['Basic', () => 'Basic YWxpY2U6c2VjcmV0', BAD_SCHEME_MESSAGE, 'BAD_AUTH_SCHEME', BAD_SCHEME],
    ['an empty bearer', () => 'Bearer ', BAD_SCHEME_MESSAGE, 'BAD_AUTH_SCHEME', BAD_SCHEME],
    ['one part', () => 'Bearer abc', 'Invalid token', 'MALFORMED_TOKEN', challenge('Invalid token')],
    [
      'bad JSON',
      () => `Bearer ${b64('{"alg":')}.${part(1)}.${part(2)}`,
      'Invalid token',
      'MALFORMED_TOKEN',
      challenge('Invalid token'),
    ],
    [
      'another secret',
      () => `Bearer ${tokens['otherSecret']}`,
      'Invalid token',
      'INVALID_SIGNATURE',
      challenge('Invalid token'),
    ],
    [
      'an unknown kid',
      () => `Bearer ${tokens['unknownKid']}`,
      'Invalid token',
      'UNKNOWN_KEY',
      challenge('Invalid token'),
    ],
    [
      'HS512 outside the allow-list',
      () => `Bearer ${tokens['hs512']}`,
      'Invalid token',
      'ALGORITHM_NOT_ALLOWED',
      challenge('Invalid token'),
    ],
    [
      'alg none',
      () => `Bearer ${b64('{"alg":"none"}')}.${part(1)}.`,
      'Invalid token',
      'ALGORITHM_NOT_ALLOWED',
      challenge('Invalid token'),
    ],
    [
      'exp passed',
      () => `Bearer ${tokens['expired']}`,
      'Token has expired',
      'TOKEN_EXPIRED',
      challenge('Token has expired'),
    ],
    [
      'nbf in the future',
      () => `Bearer ${tokens['notBefore']}`,
      'Token is not yet valid',
      'TOKEN_NOT_YET_VALID',
      challenge('Token is not yet valid'),
    ],
    [
      'iat in the future',
      () => `Bearer ${tokens['issuedAhead']}`,
      'Token is not yet valid',
      'TOKEN_NOT_YET_VALID',
      challenge('Token is not yet valid'),
    ],
    [
      'a wrong iss',
      () => `Bearer ${tokens['wrongIssuer']}`,
      'Invalid token issuer',
      'INVALID_ISSUER',
      challenge('Invalid token issuer'),
    ],
    [
      'a wrong aud',
      () => `Bearer ${tokens['wrongAudience']}`,
      'Invalid token audience',
      'INVALID_AUDIENCE',
      challenge('Invalid token audience'),
    ],
  ];

  test('the valid token of the table is accepted', async () => {
    const reply = await postGraphQL(
      tableServer.app,
      { query: PROTECTED },
      { authorization: `Bearer ${valid()}` },
    );
    assert.equal(reply.status, 200, reply.text);
  });

  for (const [name, header, message, reason, wwwAuthenticate] of rows) {
    test(`${name}: 401 "${message}", reason ${reason}, and token inspect agrees`, async () => {
      const authorization = header();
      const reply = await postGraphQL(
        tableServer.app,
        { query: PROTECTED },
        authorization === undefined ? {} : { authorization },
      );
      assert.equal(reply.status, 401, reply.text);
      const error = reply.json?.errors?.[0];
      assert.equal(error?.message, message);
      assert.equal(error?.extensions?.code, 'UNAUTHENTICATED');
      assert.equal(error?.extensions?.reason, reason);
      assert.equal(headerOf(reply, 'www-authenticate'), wwwAuthenticate);
      assert.equal(reply.json?.data, undefined);

      if (reason !== 'MISSING_TOKEN') {
        const line = log.find((entry) => entry.includes(`"Authentication refused (${reason})`));
        assert.ok(line, `a debug line names ${reason}`);
        assert.match(line, /"level":"debug"/);
      }
      const written = log.join('');
      assert.ok(!written.includes(TEST_JWT_SECRET), 'the secret is never logged');
      assert.ok(!written.includes(part(2)), 'the token is never logged');

      // A bare token is a fine token once the header is gone: inspect can only judge the token.
      if (authorization === undefined || name === 'a bare token') return;
      const config = loadConfig({
        dir: variant.dir,
        env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET },
      });
      const inspection = await inspectToken(authorization, authSetupFromConfig(config).options, {
        tokenIdRule: tokenIdRuleFromConfig(config),
      });
      assert.equal(inspection.accepted, false);
      assert.equal(inspection.reason, reason);
      assert.equal(inspection.message, message);
    });
  }

  test('the debug lines give the exact cause: expected vs actual, seconds since expiry, kid', () => {
    const lines = log.filter((entry) => entry.includes('Authentication refused'));
    const about = (reason: string): Record<string, unknown> => {
      const line = lines.find((entry) => entry.includes(`(${reason})`));
      assert.ok(line, reason);
      return JSON.parse(line) as Record<string, unknown>;
    };
    assert.equal(about('INVALID_ISSUER')['expected'], ISSUER);
    assert.equal(about('INVALID_ISSUER')['actual'], 'https://evil.example');
    assert.deepEqual(about('INVALID_AUDIENCE')['expected'], [AUDIENCE]);
    assert.equal(about('INVALID_AUDIENCE')['actual'], 'another-app');
    const expired = about('TOKEN_EXPIRED')['secondsSinceExpiry'];
    assert.ok(typeof expired === 'number' && expired >= 720 && expired < 760, String(expired));
    assert.equal(about('UNKNOWN_KEY')['kid'], 'retired-2019');
    assert.equal(about('ALGORITHM_NOT_ALLOWED')['alg'], 'HS512');
    assert.equal(about('ALGORITHM_NOT_ALLOWED')['kid'], 'current');
  });
});

describe('token inspect and the revocation check agree about jti', () => {
  test('a PyJWT token without jti, as on the spec page, is refused by both with JTI_REQUIRED', async () => {
    const now = epochSeconds();
    const [noJti = ''] = mintWithPython([
      {
        payload: { user_id: ALICE, aud: AUDIENCE, scopes: ['read:posts'], exp: now + 3600 },
        secret: TEST_JWT_SECRET,
      },
    ]);
    const reply = await send(PROTECTED, `Bearer ${noJti}`);
    assert.equal(reply.status, 401, reply.text);
    assert.equal(reply.json?.errors?.[0]?.extensions?.reason, 'JTI_REQUIRED');

    const config = loadConfig({
      dir: 'examples/blog',
      env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET },
    });
    const inspection = await inspectToken(noJti, authSetupFromConfig(config).options, {
      tokenIdRule: tokenIdRuleFromConfig(config),
    });
    assert.equal(inspection.reason, 'JTI_REQUIRED');
    assert.equal(inspection.message, reply.json?.errors?.[0]?.message);
  });
});
