import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { AuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import { formatTokenInspection } from '../../src/auth/format-token-inspection.ts';
import { tokenFingerprint } from '../../src/auth/token-fingerprint.ts';
import { inspectToken, type InspectionCheckName } from '../../src/auth/token-inspection.ts';
import { runTokenInspect, type TokenCommandIo } from '../../src/cli/commands/token-inspect.ts';
import type { ErrorReason } from '../../src/errors/catalogue.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { mintWithPyJwt } from './support/python-jwt.ts';
import { SECRET } from './support/test-keys.ts';

/** `token inspect` explains each failure of the error table, and agrees with the server. */
const NOW = 1_900_000_000;
const clock = { now: () => NOW * 1000 };
const OLD_SECRET = 'the-secret-before-rotation-0123456789';
const OPTIONS: AuthOptions = {
  secret: { secret: SECRET },
  issuer: 'https://issuer.example',
  audience: 'fraiseql-api',
};
const good = {
  sub: 'user-1',
  iss: 'https://issuer.example',
  aud: 'fraiseql-api',
  iat: NOW - 60,
  exp: NOW + 3600,
  scopes: ['read:posts'],
  roles: ['author'],
};

interface Case {
  readonly name: string;
  readonly payload?: Record<string, unknown>;
  readonly key?: string;
  readonly raw?: string;
  readonly headers?: Record<string, unknown>;
  readonly options?: Partial<AuthOptions>;
  readonly failing?: InspectionCheckName;
  readonly reason?: ErrorReason;
  readonly says: RegExp;
}

const cases: Case[] = [
  { name: 'accepted', payload: good, says: /verdict: ACCEPTED/ },
  {
    name: 'expired',
    payload: { ...good, exp: NOW - 12 * 60 },
    failing: 'exp',
    reason: 'TOKEN_EXPIRED',
    says: /exp\s+FAIL\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC[+-]\d\d:\d\d \(expired 12 minutes ago\)/,
  },
  {
    name: 'other secret',
    payload: good,
    key: OLD_SECRET,
    failing: 'signature',
    reason: 'INVALID_SIGNATURE',
    says: /signature\s+FAIL .*If JWT_SECRET changed recently/,
  },
  {
    name: 'malformed',
    raw: 'not-a-token',
    failing: 'format',
    reason: 'MALFORMED_TOKEN',
    says: /format\s+FAIL\s+the token has 1 part; a JWT has three/,
  },
  {
    name: 'unknown kid',
    payload: good,
    headers: { kid: 'from-another-system' },
    options: { secret: { secret: SECRET, kid: 'current' } },
    failing: 'signature',
    reason: 'UNKNOWN_KEY',
    says: /signature\s+FAIL\s+kid "from-another-system" matches no configured key \(known kids: "current"\)/,
  },
  {
    name: 'wrong issuer',
    payload: { ...good, iss: 'https://elsewhere.example' },
    failing: 'iss',
    reason: 'INVALID_ISSUER',
    says: /iss\s+FAIL\s+iss is "https:\/\/elsewhere.example"; expected "https:\/\/issuer.example"/,
  },
  {
    name: 'wrong audience',
    payload: { ...good, aud: 'app-b' },
    failing: 'aud',
    reason: 'INVALID_AUDIENCE',
    says: /aud\s+FAIL\s+aud is "app-b"; expected "fraiseql-api"/,
  },
  {
    name: 'not yet valid',
    payload: { ...good, nbf: NOW + 600 },
    failing: 'nbf',
    reason: 'TOKEN_NOT_YET_VALID',
    says: /nbf\s+FAIL\s+.*\(valid only in 10 minutes\)/,
  },
  {
    name: 'no subject',
    payload: { ...good, sub: undefined },
    failing: 'subject',
    reason: 'MISSING_IDENTITY',
    says: /subject\s+FAIL\s+the token names no subject/,
  },
  {
    name: 'alg none',
    raw: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`,
    failing: 'header',
    reason: 'ALGORITHM_NOT_ALLOWED',
    says: /header\s+FAIL\s+alg "none", no kid: the token is unsigned/,
  },
];

const minted = mintWithPyJwt(
  cases.map((item) => ({
    payload: JSON.parse(JSON.stringify(item.payload ?? {})),
    key: item.key ?? SECRET,
    algorithm: 'HS256',
    ...(item.headers === undefined ? {} : { headers: item.headers }),
  })),
);
const tokenOf = (index: number): string => cases[index]?.raw ?? minted[index] ?? '';

cases.forEach((item, index) => {
  test(`inspect explains: ${item.name}`, async () => {
    const token = tokenOf(index);
    const options = { ...OPTIONS, ...item.options };
    const inspection = await inspectToken(token, options, clock);
    const text = formatTokenInspection(inspection);
    assert.match(text, item.says);
    assert.ok(!text.includes(SECRET) && !JSON.stringify(inspection).includes(SECRET));

    // The verdict is the server's: same acceptance, same reason.
    const server = createAuthenticator(options, undefined, clock);
    const served = await server.authenticate({ authorization: `Bearer ${token}` }).then(
      () => undefined,
      (error: unknown) => (error instanceof PublicError ? error.reason : 'unexpected'),
    );
    assert.equal(inspection.accepted, served === undefined);
    assert.equal(inspection.reason, served);
    assert.equal(inspection.reason, item.reason);
    if (item.failing !== undefined) {
      const check = inspection.checks.find((entry) => entry.name === item.failing);
      assert.equal(check?.status, 'fail');
    }
  });
});

test('every check is reported even after a failure, one line each', async () => {
  const inspection = await inspectToken(tokenOf(1), OPTIONS, clock);
  const names = inspection.checks.map((check) => check.name);
  assert.deepEqual(names, [
    'format',
    'header',
    'signature',
    'exp',
    'nbf',
    'iat',
    'iss',
    'aud',
    'lifetime',
    'subject',
    'scopes',
    'roles',
    'jti',
  ]);
  const text = formatTokenInspection(inspection);
  assert.equal(text.trim().split('\n').length, names.length + 2, 'checks, fingerprint, verdict');
  assert.match(text, /scopes\s+info\s+read:posts/);
  assert.match(text, /roles\s+info\s+author/);
  assert.match(text, new RegExp(`fingerprint\\s+${tokenFingerprint(tokenOf(1))}`));
  assert.match(
    text,
    /verdict: REFUSED - the server answers 401 "Token has expired" \(reason TOKEN_EXPIRED\)/,
  );
});

test('a signature made with a retired previous secret is named as such', async () => {
  const rotated: AuthOptions = {
    ...OPTIONS,
    previousSecrets: [{ secret: OLD_SECRET, acceptUntil: new Date((NOW - 60) * 1000) }],
  };
  const inspection = await inspectToken(tokenOf(2), rotated, clock);
  const signature = inspection.checks.find((check) => check.name === 'signature');
  assert.match(
    signature?.summary ?? '',
    /signed with previous secret #1, which is no longer accepted/,
  );
});

test('an invalid configuration is reported, and nothing is accepted', async () => {
  const inspection = await inspectToken(tokenOf(0), {}, clock);
  assert.equal(inspection.accepted, false);
  assert.match(inspection.checks[0]?.summary ?? '', /no token verification key is configured/);
});

function io(extra: Partial<TokenCommandIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: TokenCommandIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    authOptions: OPTIONS,
    now: clock.now,
    ...extra,
  };
  return { value, out, err };
}

test('runTokenInspect: exit 0 only when accepted; --json; "Bearer " prefix; stdin', async () => {
  const accepted = io();
  assert.equal(await runTokenInspect({ token: `Bearer ${tokenOf(0)}` }, accepted.value), 0);
  assert.match(accepted.out.join(''), /verdict: ACCEPTED/);

  const expired = io();
  assert.equal(await runTokenInspect({ token: tokenOf(1), json: true }, expired.value), 1);
  const parsed: unknown = JSON.parse(expired.out.join(''));
  assert.ok(parsed !== null && typeof parsed === 'object');
  assert.equal((parsed as { reason?: string }).reason, 'TOKEN_EXPIRED');
  assert.equal((parsed as { accepted?: boolean }).accepted, false);

  const piped = io({ readStdin: async () => `${tokenOf(0)}\n` });
  assert.equal(await runTokenInspect({ token: '-' }, piped.value), 0);

  const empty = io();
  assert.equal(await runTokenInspect({ token: '  ' }, empty.value), 2);
  assert.match(empty.err.join(''), /no token given/);
});

test('runTokenInspect --json: a token that cannot be inspected is JSON on stdout too', async () => {
  const cases: [string, Partial<TokenCommandIo>, RegExp][] = [
    ['', {}, /no token given/],
    ['-', { readStdin: async () => '\n' }, /no token given/],
    ['-', {}, /standard input is not available/],
  ];
  for (const [token, extra, error] of cases) {
    const captured = io(extra);
    assert.equal(await runTokenInspect({ token, json: true }, captured.value), 2);
    assert.deepEqual(captured.err, [], 'nothing on standard error');
    const parsed = JSON.parse(captured.out.join('')) as { accepted?: boolean; error?: string };
    assert.equal(parsed.accepted, false);
    assert.match(parsed.error ?? '', error);
  }
});

test('a whole header value is judged as the server judges it', async () => {
  const wrongScheme = await inspectToken(`Token ${tokenOf(0)}`, OPTIONS, clock);
  assert.equal(wrongScheme.reason, 'BAD_AUTH_SCHEME');
  assert.match(
    formatTokenInspection(wrongScheme),
    /format\s+FAIL\s+the header uses the "Token" scheme/,
  );

  const withBearer = await inspectToken(`Bearer ${tokenOf(0)}`, OPTIONS, clock);
  assert.equal(withBearer.accepted, true);
  assert.equal(withBearer.fingerprint, tokenFingerprint(tokenOf(0)));
});

test('a lone "Bearer" is refused for its scheme, as the server refuses "Authorization: Bearer "', async () => {
  for (const value of ['Bearer', ' bearer ']) {
    const inspection = await inspectToken(value, OPTIONS, clock);
    assert.equal(inspection.reason, 'BAD_AUTH_SCHEME');
    assert.match(formatTokenInspection(inspection), /format\s+FAIL\s+the Bearer scheme is followed/);
  }
});

test('the jti line follows the revocation rule, and decides after the signature and claims', async () => {
  const revocation = { revocationEnabled: true, requireTokenId: true };
  const [withJti = '', numericJti = '', longJti = '', expiredNoJti = ''] = mintWithPyJwt([
    { payload: { ...good, jti: 'abc-1' }, key: SECRET, algorithm: 'HS256' },
    { payload: { ...good, jti: 42 }, key: SECRET, algorithm: 'HS256' },
    { payload: { ...good, jti: 'x'.repeat(256) }, key: SECRET, algorithm: 'HS256' },
    { payload: { ...good, exp: NOW - 600 }, key: SECRET, algorithm: 'HS256' },
  ]);
  const inspect = (token: string, rule = revocation) =>
    inspectToken(token, OPTIONS, { ...clock, tokenIdRule: rule });

  // tokenOf(0) has no jti: the server's revocation check refuses it with JTI_REQUIRED.
  const missing = await inspect(tokenOf(0));
  assert.equal(missing.accepted, false);
  assert.equal(missing.reason, 'JTI_REQUIRED');
  assert.equal(missing.message, 'Token lacks required jti claim');
  const text = formatTokenInspection(missing);
  assert.match(text, /jti\s+FAIL\s+the token has no jti: revocation is on/);
  assert.match(text, /require_jti = false/);
  assert.match(text, /verdict: REFUSED - the server answers 401 "Token lacks required jti claim"/);

  assert.equal((await inspect(numericJti)).reason, 'JTI_REQUIRED', 'a jti must be a string');
  assert.equal((await inspect(longJti)).reason, 'MALFORMED_TOKEN');
  assert.equal((await inspect(expiredNoJti)).reason, 'TOKEN_EXPIRED', 'verification decides first');

  const present = await inspect(withJti);
  assert.equal(present.accepted, true);
  assert.match(formatTokenInspection(present), /jti\s+info\s+jti "abc-1"; whether it was revoked/);

  const optional = await inspect(tokenOf(0), { revocationEnabled: true, requireTokenId: false });
  assert.equal(optional.accepted, true);
  const off = await inspect(tokenOf(0), { revocationEnabled: false, requireTokenId: true });
  assert.equal(off.accepted, true);
  assert.match(formatTokenInspection(off), /jti\s+info\s+the token has no jti; revocation is off/);
});

test('an empty or blank jti counts as none: JTI_REQUIRED, and no token id on the principal', async () => {
  const [empty = '', blank = ''] = mintWithPyJwt([
    { payload: { ...good, jti: '' }, key: SECRET, algorithm: 'HS256' },
    { payload: { ...good, jti: '  ' }, key: SECRET, algorithm: 'HS256' },
  ]);
  for (const token of [empty, blank]) {
    const inspection = await inspectToken(token, OPTIONS, {
      ...clock,
      tokenIdRule: { revocationEnabled: true, requireTokenId: true },
    });
    assert.equal(inspection.reason, 'JTI_REQUIRED');
    assert.match(formatTokenInspection(inspection), /jti\s+FAIL\s+jti is "\s*", empty/);

    const caller = await createAuthenticator(OPTIONS, undefined, clock).authenticate({
      authorization: `Bearer ${token}`,
    });
    assert.ok(caller.kind === 'authenticated');
    assert.equal(caller.principal.tokenId, undefined, 'revocation sees no jti');
  }
});

test('runTokenInspect passes the revocation rule on: exit 1 for a token the server would refuse', async () => {
  const strict = io({ tokenIdRule: { revocationEnabled: true, requireTokenId: true } });
  assert.equal(await runTokenInspect({ token: tokenOf(0) }, strict.value), 1);
  assert.match(strict.out.join(''), /reason JTI_REQUIRED/);
});
