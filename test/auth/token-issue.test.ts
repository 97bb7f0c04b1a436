import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

import type { AuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import { issueDevelopmentToken } from '../../src/auth/token-issue.ts';
import type { TokenCommandIo } from '../../src/cli/commands/token-inspect.ts';
import { parseClaims, parseLifetime, runTokenIssue } from '../../src/cli/commands/token-issue.ts';
import { rsaKeyPair, SECRET } from './support/test-keys.ts';

/** Development tokens: accepted by the server, readable by PyJWT, refused in production. */
const NOW = 1_900_000_000;
const clock = () => NOW * 1000;
const OPTIONS: AuthOptions = {
  secret: { secret: SECRET, kid: 'dev' },
  issuer: 'fraiseql',
  audience: ['fraiseql-api', 'other'],
};

test('a development token carries what was asked and the server accepts it', async () => {
  const minted = await issueDevelopmentToken(
    {
      subject: '42',
      scopes: ['read:posts', 'write:posts'],
      roles: ['author'],
      claims: { org: { id: 7 } },
    },
    OPTIONS,
    { now: clock },
  );
  assert.deepEqual(minted.header, { alg: 'HS256', typ: 'JWT', kid: 'dev' });
  assert.equal(minted.claims['iss'], 'fraiseql');
  assert.equal(minted.claims['aud'], 'fraiseql-api');
  assert.equal(minted.claims['exp'], NOW + 3600);
  assert.equal(typeof minted.claims['jti'], 'string');

  const caller = await createAuthenticator(OPTIONS, undefined, { now: clock }).authenticate({
    authorization: `Bearer ${minted.token}`,
  });
  assert.ok(caller.kind === 'authenticated');
  assert.equal(caller.principal.subject, '42');
  assert.deepEqual([...caller.principal.scopes], ['read:posts', 'write:posts']);
  assert.deepEqual([...caller.principal.roles], ['author']);
  assert.deepEqual(caller.principal.claims['org'], { id: 7 });
});

test('PyJWT verifies a development token with the same secret', async () => {
  const minted = await issueDevelopmentToken({ subject: 'py', lifetimeSeconds: 600 }, OPTIONS);
  const result = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      'import jwt,sys,json; print(json.dumps(jwt.decode(sys.argv[1], sys.argv[2], ' +
        'algorithms=["HS256"], audience="fraiseql-api", issuer="fraiseql")))',
      minted.token,
      SECRET,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as { sub: string }).sub, 'py');
});

test('refused: production without --force, no secret, bad lifetime, reserved claims, beyond max lifetime', async () => {
  const production: AuthOptions = { ...OPTIONS, production: true };
  await assert.rejects(
    issueDevelopmentToken({ subject: 'a' }, production),
    /refusing .* in production/,
  );
  const forced = await issueDevelopmentToken({ subject: 'a' }, production, { force: true });
  assert.equal(forced.claims['sub'], 'a');

  const rsa = rsaKeyPair();
  await assert.rejects(
    issueDevelopmentToken({ subject: 'a' }, { publicKeys: [{ pem: rsa.publicPem }] }),
    /no JWT_SECRET is configured/,
  );
  await assert.rejects(
    issueDevelopmentToken({ subject: 'a', lifetimeSeconds: 0 }, OPTIONS),
    /positive/,
  );
  await assert.rejects(issueDevelopmentToken({ subject: '' }, OPTIONS), /subject/);
  await assert.rejects(
    issueDevelopmentToken({ subject: 'a', claims: { sub: 'admin' } }, OPTIONS),
    /may not set sub/,
  );
  await assert.rejects(
    issueDevelopmentToken(
      { subject: 'a', lifetimeSeconds: 7200 },
      { ...OPTIONS, maxTokenLifetimeSeconds: 3600 },
    ),
    /the server would refuse this token \(the token is valid for 7200 s/,
  );
  await assert.rejects(
    issueDevelopmentToken({ subject: 'a' }, { ...OPTIONS, algorithms: ['HS512'] }),
    /the server would refuse this token/,
  );
});

function io(options: AuthOptions = OPTIONS) {
  const out: string[] = [];
  const err: string[] = [];
  const value: TokenCommandIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    authOptions: options,
    now: clock,
  };
  return { value, out, err };
}

test('runTokenIssue prints the bare token on stdout, and JSON with --json', async () => {
  const plain = io();
  assert.equal(
    await runTokenIssue({ sub: '1', scope: ['read:posts write:posts'] }, plain.value),
    0,
  );
  const token = plain.out.join('').trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.match(plain.err.join(''), /Development token for "1", valid until/);
  assert.ok(!plain.out.join('').includes(SECRET) && !plain.err.join('').includes(SECRET));

  const json = io();
  assert.equal(
    await runTokenIssue(
      { sub: '1', ttl: '30m', claim: ['org.id=42', 'tier=gold'], json: true },
      json.value,
    ),
    0,
  );
  const parsed = JSON.parse(json.out.join('')) as {
    claims: Record<string, unknown>;
    token: string;
  };
  assert.equal(parsed.claims['exp'], NOW + 1800);
  assert.deepEqual(parsed.claims['org'], { id: 42 });
  assert.equal(parsed.claims['tier'], 'gold');

  const refused = io({ ...OPTIONS, production: true });
  assert.equal(await runTokenIssue({ sub: '1' }, refused.value), 1);
  assert.match(refused.err.join(''), /--force/);
  assert.equal(refused.out.length, 0);
});

test('lifetime and claim parsing', () => {
  assert.equal(parseLifetime('3600'), 3600);
  assert.equal(parseLifetime('90s'), 90);
  assert.equal(parseLifetime('30m'), 1800);
  assert.equal(parseLifetime('1h'), 3600);
  assert.equal(parseLifetime('2d'), 172_800);
  assert.equal(parseLifetime(undefined), undefined);
  assert.throws(() => parseLifetime('soon'), /not a duration/);
  assert.deepEqual(parseClaims(['a=1', 'b=true', 'c=text', 'd.e=["x"]']), {
    a: 1,
    b: true,
    c: 'text',
    d: { e: ['x'] },
  });
  assert.throws(() => parseClaims(['novalue']), /key=value/);
  assert.throws(() => parseClaims(['__proto__.x=1']), /invalid key/);
  assert.throws(() => parseClaims(['a=1', 'a.b=2']), /already holds a value/);
});

test('grants go where the server reads them: [auth] scopes_claim, roles_claim', async () => {
  const options: AuthOptions = {
    ...OPTIONS,
    scopeClaims: ['realm_access.scopes'],
    roleClaims: ['realm_access.roles'],
  };
  const minted = await issueDevelopmentToken(
    {
      subject: '42',
      scopes: ['read:posts'],
      roles: ['reader'],
      claims: { realm_access: { tier: 'gold' } },
    },
    options,
    { now: clock },
  );
  assert.deepEqual(minted.claims['realm_access'], {
    tier: 'gold',
    scopes: ['read:posts'],
    roles: ['reader'],
  });
  assert.equal(minted.claims['scopes'], undefined);
  assert.equal(minted.claims['roles'], undefined);
  const caller = await createAuthenticator(options, undefined, { now: clock }).authenticate({
    authorization: `Bearer ${minted.token}`,
  });
  assert.ok(caller.kind === 'authenticated');
  assert.deepEqual([...caller.principal.scopes], ['read:posts']);
  assert.deepEqual([...caller.principal.roles], ['reader']);

  // A URI claim name is written whole; `scope` is a space-separated string (RFC 8693 §4.2).
  const named = await issueDevelopmentToken(
    { subject: '42', scopes: ['read:posts', 'write:posts'], roles: ['reader'] },
    { ...OPTIONS, scopeClaims: ['scope'], roleClaims: ['https://example.com/roles'] },
    { now: clock },
  );
  assert.equal(named.claims['scope'], 'read:posts write:posts');
  assert.deepEqual(named.claims['https://example.com/roles'], ['reader']);

  await assert.rejects(
    issueDevelopmentToken(
      { subject: 'a', claims: { realm_access: { scopes: ['fraiseql:admin'] } } },
      options,
    ),
    /may not set realm_access\.scopes; use the matching option/,
  );
  await assert.rejects(
    issueDevelopmentToken(
      { subject: 'a', scopes: ['read:posts'], roles: ['reader'] },
      { ...OPTIONS, scopeClaims: ['groups'], roleClaims: ['groups'] },
    ),
    /would share one claim/,
  );
});
