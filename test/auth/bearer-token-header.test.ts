import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readBearerToken, type RequestHeaders } from '../../src/auth/bearer-token-header.ts';
import { wwwAuthenticateFor } from '../../src/auth/www-authenticate.ts';
import { PublicError } from '../../src/errors/public-error.ts';

/** The Authorization header: RFC 6750 §2.1 and the spec page's "Bearer <token>" rule. */
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

test('reads the token of exactly one Bearer header', () => {
  assert.equal(readBearerToken({ authorization: `Bearer ${TOKEN}` }), TOKEN);
  assert.equal(readBearerToken({ Authorization: `bearer ${TOKEN}` }), TOKEN);
  assert.equal(readBearerToken({ authorization: [`Bearer ${TOKEN}`] }), TOKEN);
  assert.equal(readBearerToken({ authorization: `Bearer   ${TOKEN}  ` }), TOKEN);
  assert.equal(readBearerToken({ authorization: 'Bearer abc+/def==' }), 'abc+/def==');
});

test('no header at all means anonymous', () => {
  assert.equal(readBearerToken({}), undefined);
  assert.equal(readBearerToken({ authorization: undefined, cookie: 'a=b' }), undefined);
});

const refusals: { name: string; headers: RequestHeaders; explains: RegExp }[] = [
  {
    name: 'Token scheme',
    headers: { authorization: `Token ${TOKEN}` },
    explains: /"Token" scheme/,
  },
  { name: 'bare token', headers: { authorization: TOKEN }, explains: /bare token/ },
  { name: 'Basic', headers: { authorization: 'Basic dXNlcjpwdw==' }, explains: /"Basic" scheme/ },
  { name: 'empty header', headers: { authorization: '' }, explains: /is empty/ },
  { name: 'Bearer alone', headers: { authorization: 'Bearer' }, explains: /no token/ },
  {
    name: 'two values',
    headers: { authorization: [`Bearer ${TOKEN}`, 'Basic x'] },
    explains: /2 Authorization headers/,
  },
  {
    name: 'two header names',
    headers: { authorization: `Bearer ${TOKEN}`, Authorization: `Bearer ${TOKEN}` },
    explains: /2 Authorization headers/,
  },
  {
    name: 'comma list',
    headers: { authorization: `Bearer ${TOKEN}, Bearer ${TOKEN}` },
    explains: /not a single token/,
  },
  {
    name: 'quoted token',
    headers: { authorization: `Bearer "${TOKEN}"` },
    explains: /not a single token/,
  },
  {
    name: 'unknown scheme',
    headers: { authorization: 'Xyz123 abc' },
    explains: /does not start with "Bearer "/,
  },
];

for (const item of refusals) {
  test(`BAD_AUTH_SCHEME: ${item.name}`, () => {
    assert.throws(
      () => readBearerToken(item.headers),
      (error: unknown) => {
        assert.ok(error instanceof PublicError);
        assert.equal(error.reason, 'BAD_AUTH_SCHEME');
        assert.equal(
          error.message,
          'Invalid Authorization header format. Expected: Bearer <token>',
        );
        assert.match(String(error.logDetail?.['explanation']), item.explains);
        // The explanation never quotes what could be a credential.
        assert.ok(!String(error.logDetail?.['explanation']).includes(TOKEN));
        assert.ok(!String(error.logDetail?.['explanation']).includes('dXNlcjpwdw'));
        return true;
      },
    );
  });
}

test('WWW-Authenticate values per RFC 6750 §3', () => {
  assert.equal(wwwAuthenticateFor(new PublicError('MISSING_TOKEN')), 'Bearer');
  assert.equal(
    wwwAuthenticateFor(new PublicError('TOKEN_EXPIRED')),
    'Bearer error="invalid_token", error_description="Token has expired"',
  );
  assert.equal(
    wwwAuthenticateFor(new PublicError('INSUFFICIENT_SCOPE'), 'write:posts'),
    'Bearer error="insufficient_scope", error_description="Insufficient scope for this ' +
      'operation", scope="write:posts"',
  );
  assert.equal(wwwAuthenticateFor(new PublicError('NOT_FOUND', { message: 'x' })), undefined);
  assert.equal(
    wwwAuthenticateFor(new PublicError('MALFORMED_TOKEN', { message: 'say "hi" \\ ü' })),
    'Bearer error="invalid_token", error_description="say ?hi? ? ?"',
  );
});

test('a repeated Authorization header over real HTTP is refused when rawHeaders are given', async () => {
  const { createServer } = await import('node:http');
  const { connect } = await import('node:net');
  const seen: { headers: string | undefined; raw: unknown }[] = [];
  const server = createServer((incoming, response) => {
    let raw: unknown;
    try {
      raw = readBearerToken(incoming.headers, incoming.rawHeaders);
    } catch (error) {
      raw = error instanceof PublicError ? error.reason : 'unexpected';
    }
    seen.push({ headers: readBearerToken(incoming.headers), raw });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  // Written by hand: Node's own client cannot send the same header twice.
  await new Promise<void>((resolve, reject) => {
    const socket = connect(address.port, '127.0.0.1', () => {
      socket.end(
        'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n' +
          `Authorization: Bearer ${TOKEN}\r\nAuthorization: Bearer other\r\n\r\n`,
      );
    });
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
  server.close();
  // Node's parsed headers hide the second value; the raw list does not.
  assert.deepEqual(seen, [{ headers: TOKEN, raw: 'BAD_AUTH_SCHEME' }]);
});
