/**
 * The server's log, as an operator reads it: JSON lines at the level LOG_LEVEL names, each line
 * written while serving a request labelled with that request's id (the same id the response
 * carries), and no token, signature, secret or bound value on any line, at debug level too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { loadConfig } from '../../src/config/load-config.ts';
import { CapturedLog } from '../support/captured-log.ts';
import {
  startTestServer,
  TEST_JWT_SECRET,
  type GraphQLResponse,
  type TestServer,
} from '../support/test-server.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const HOSTILE_EMAIL = "nobody-7f3a@example.com' OR '1'='1";

const log = new CapturedLog();

let server: TestServer;
let token: string;
before(async () => {
  server = await startTestServer({
    projectDir: 'examples/blog',
    logger: log.logger,
  });
  token = await server.token({
    sub: ALICE,
    scopes: ['read:posts', 'write:posts', 'read:users'],
  });
});
after(async () => {
  await server?.close();
});

/** Sends one request and returns it with the log lines written while it was served. */
async function logged(
  send: () => Promise<GraphQLResponse>,
): Promise<{ response: GraphQLResponse; entries: Record<string, unknown>[]; raw: string[] }> {
  log.clear();
  const response = await send();
  await log.settled();
  return { response, entries: log.entries(), raw: log.lines };
}

describe('request log lines', () => {
  const secretsIn = (text: string, sent: string): string[] => {
    const [, , signature] = sent.split('.');
    const found: string[] = [];
    if (text.includes(sent)) found.push('the token');
    if (signature !== undefined && text.includes(signature)) found.push('the token signature');
    if (text.includes(TEST_JWT_SECRET)) found.push('JWT_SECRET');
    return found;
  };

  test('each line of a request carries the id the response carries', async () => {
    const cases: [string, () => Promise<GraphQLResponse>][] = [
      ['an authenticated query', () => server.graphql('{ posts { title } }', { token })],
      ['a missing header', () => server.graphql('{ posts { title } }')],
      [
        'a tampered token',
        () => server.graphql('{ posts { title } }', { token: `${token.slice(0, -2)}xx` }),
      ],
      ['a validation error', () => server.graphql('{ posts { nope } }', { token })],
      [
        'a database error',
        () =>
          server.graphql(
            `mutation { create_post(title: "${'x'.repeat(300)}", body: "b") { id } }`,
            { token },
          ),
      ],
    ];
    for (const [name, send] of cases) {
      const { response, entries, raw } = await logged(send);
      for (const line of raw)
        assert.equal(line.split('"requestId":').length, 2, `${name}: one requestId key: ${line}`);
      const requestId = response.headers['x-request-id'];
      assert.equal(typeof requestId, 'string', name);
      assert.ok(entries.length > 0, `${name}: no log line at debug level`);
      for (const entry of entries) {
        assert.equal(
          entry.requestId,
          requestId,
          `${name}: a line without the request id: ${JSON.stringify(entry)}`,
        );
        assert.equal(typeof entry.level, 'string', name);
        assert.equal(typeof entry.msg, 'string', name);
      }
      assert.ok(
        entries.some((entry) => entry.msg === 'request finished'),
        `${name}: no request line`,
      );
    }
  });

  test('no token, signature, secret or bound value is ever written', async () => {
    const requests: (() => Promise<GraphQLResponse>)[] = [
      () => server.graphql('{ posts { title } }', { token }),
      () => server.graphql('{ posts { title } }', { token: `${token.slice(0, -2)}xx` }),
      () => server.graphql('{ posts { title } }', { headers: { authorization: `Token ${token}` } }),
      () =>
        server.graphql('query ($email: String!) { user_by_email(email: $email) { name } }', {
          token,
          variables: { email: HOSTILE_EMAIL },
        }),
      () =>
        server.graphql(
          `mutation { create_post(title: "${HOSTILE_EMAIL.repeat(20)}", body: "b") { id } }`,
          { token },
        ),
    ];
    for (const send of requests) {
      const { response, entries } = await logged(send);
      const text = entries.map((entry) => JSON.stringify(entry)).join('\n');
      assert.deepEqual(secretsIn(text, token), [], text);
      assert.deepEqual(secretsIn(response.text, token), [], response.text);
      assert.ok(!text.includes(HOSTILE_EMAIL), `a bound value reached the log: ${text}`);
    }
  });

  test('a value PostgreSQL quotes in its error (a token pasted into a uuid filter) is not logged', async () => {
    const byId = 'query ($id: ID) { posts(where: {id: {eq: $id}}) { title } }';
    const cases: [string, string][] = [
      ['the token', token],
      ['an ordinary bad value', 'value-7f3a-not-a-uuid'],
    ];
    for (const [name, value] of cases) {
      const { response, entries } = await logged(() =>
        server.graphql(byId, { token, variables: { id: value } }),
      );
      assert.equal(response.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', response.text);
      const text = entries.map((entry) => JSON.stringify(entry)).join('\n');
      assert.ok(!text.includes(value), `${name} reached the log: ${text}`);
      assert.ok(text.includes('[value hidden]'), `${name}: the log should say a value was hidden: ${text}`);
      // Bad input is the client's mistake: an info line, not an error with a stack trace.
      assert.deepEqual(
        entries.filter((entry) => entry.level === 'error' || JSON.stringify(entry).includes('"stack"')),
        [],
        text,
      );
    }
  });
});

test('LOG_LEVEL sets the level, over the file', () => {
  const config = loadConfig({ dir: 'examples/blog', env: { LOG_LEVEL: 'warn' } });
  assert.equal(config.logging.level, 'warn');
});
