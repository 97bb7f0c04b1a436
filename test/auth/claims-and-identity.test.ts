import assert from 'node:assert/strict';
import { test } from 'node:test';

import { explanationOf } from '../../src/auth/auth-failure.ts';
import type { AuthOptions } from '../../src/auth/auth-options.ts';
import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import type { Caller, Principal } from '../../src/auth/principal.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { mintWithPyJwt } from './support/python-jwt.ts';
import { SECRET } from './support/test-keys.ts';

/** Registered claims with one leeway, and identity, scopes and roles from every claim form. */
const NOW = 1_900_000_000;

interface Case {
  readonly name: string;
  readonly payload: Record<string, unknown>;
  readonly options?: Partial<AuthOptions>;
  /** A reason, or a check on the principal. */
  readonly expect: string | ((principal: Principal) => void);
}

const cases: Case[] = [
  { name: 'sub', payload: { sub: 'alice' }, expect: (p) => assert.equal(p.subject, 'alice') },
  {
    name: 'user_id as a number, as on the spec page',
    payload: { user_id: 123 },
    expect: (p) => assert.equal(p.subject, '123'),
  },
  {
    name: 'user_id as text',
    payload: { user_id: 'u-9' },
    expect: (p) => assert.equal(p.subject, 'u-9'),
  },
  { name: 'user_id beyond 2^53', payload: { user_id: 2 ** 60 }, expect: 'MISSING_IDENTITY' },
  { name: 'sub as a number', payload: { sub: 42 }, expect: 'MISSING_IDENTITY' },
  { name: 'empty sub', payload: { sub: '' }, expect: 'MISSING_IDENTITY' },
  { name: 'no identity at all', payload: { scope: 'read:posts' }, expect: 'MISSING_IDENTITY' },
  {
    name: 'scopes from scope, scopes, scp and permissions',
    payload: { sub: 's', scope: 'a b', scopes: ['c'], scp: 'd  e', permissions: ['f'] },
    expect: (p) => assert.deepEqual([...p.scopes].sort(), ['a', 'b', 'c', 'd', 'e', 'f']),
  },
  {
    name: 'scp as an array (Okta style)',
    payload: { sub: 's', scp: ['read:posts'] },
    expect: (p) => assert.deepEqual([...p.scopes], ['read:posts']),
  },
  { name: 'scope of the wrong type', payload: { sub: 's', scope: 7 }, expect: 'MALFORMED_TOKEN' },
  {
    name: 'roles and role',
    payload: { sub: 's', roles: ['admin'], role: 'editor' },
    expect: (p) => assert.deepEqual([...p.roles].sort(), ['admin', 'editor']),
  },
  {
    name: 'roles from realm_access.roles (Keycloak)',
    payload: { sub: 's', realm_access: { roles: ['manager'] }, roles: ['ignored'] },
    options: { roleClaims: ['realm_access.roles'] },
    expect: (p) => assert.deepEqual([...p.roles], ['manager']),
  },
  {
    name: 'roles from a namespaced claim with dots (Auth0)',
    payload: { sub: 's', 'https://example.com/roles': ['owner'] },
    options: { roleClaims: ['https://example.com/roles'] },
    expect: (p) => assert.deepEqual([...p.roles], ['owner']),
  },
  {
    name: 'jti, iat and exp on the principal; claims kept for inject',
    payload: { sub: 's', jti: 'id-1', iat: NOW - 5, exp: NOW + 5, org: { id: 7 } },
    expect: (p) => {
      assert.equal(p.tokenId, 'id-1');
      assert.equal(p.issuedAt, NOW - 5);
      assert.equal(p.expiresAt, NOW + 5);
      assert.deepEqual(p.claims['org'], { id: 7 });
    },
  },
  {
    name: 'exp 29 s ago, inside the leeway',
    payload: { sub: 's', exp: NOW - 29 },
    expect: () => undefined,
  },
  { name: 'exp 31 s ago', payload: { sub: 's', exp: NOW - 31 }, expect: 'TOKEN_EXPIRED' },
  {
    name: 'exp 31 s ago with leeway 60',
    payload: { sub: 's', exp: NOW - 31 },
    options: { leewaySeconds: 60 },
    expect: () => undefined,
  },
  { name: 'exp as text', payload: { sub: 's', exp: 'tomorrow' }, expect: 'MALFORMED_TOKEN' },
  {
    name: 'nbf 20 s ahead, inside the leeway',
    payload: { sub: 's', nbf: NOW + 20 },
    expect: () => undefined,
  },
  { name: 'iat 31 s ahead', payload: { sub: 's', iat: NOW + 31 }, expect: 'TOKEN_NOT_YET_VALID' },
  {
    name: 'no exp where it is required',
    payload: { sub: 's' },
    options: { requireExp: true },
    expect: 'MISSING_EXPIRY',
  },
  {
    name: 'no exp in production',
    payload: { sub: 's' },
    options: { production: true },
    expect: 'MISSING_EXPIRY',
  },
  {
    name: 'longer than the maximum lifetime',
    payload: { sub: 's', iat: NOW, exp: NOW + 7200 },
    options: { maxTokenLifetimeSeconds: 3600 },
    expect: 'TOKEN_TOO_LONG_LIVED',
  },
  {
    name: 'within the maximum lifetime',
    payload: { sub: 's', iat: NOW, exp: NOW + 3600 },
    options: { maxTokenLifetimeSeconds: 3600 },
    expect: () => undefined,
  },
  {
    name: 'aud array holding one expected audience',
    payload: { sub: 's', aud: ['other', 'api-b'] },
    options: { audience: ['api-a', 'api-b'] },
    expect: () => undefined,
  },
  {
    name: 'an aud the server does not claim (none configured)',
    payload: { sub: 's', aud: 'api-a' },
    expect: 'INVALID_AUDIENCE',
  },
];

const tokens = mintWithPyJwt(
  cases.map((item) => ({ payload: item.payload, key: SECRET, algorithm: 'HS256' })),
);

cases.forEach((item, index) => {
  test(item.name, async () => {
    const authenticator = createAuthenticator(
      { secret: { secret: SECRET }, ...item.options },
      undefined,
      {
        now: () => NOW * 1000,
      },
    );
    let caller: Caller;
    try {
      caller = await authenticator.authenticate({ authorization: `Bearer ${tokens[index]}` });
    } catch (error) {
      assert.ok(error instanceof PublicError);
      assert.equal(error.reason, item.expect, explanationOf(error));
      return;
    }
    assert.ok(typeof item.expect !== 'string', `expected ${String(item.expect)}, got accepted`);
    assert.ok(caller.kind === 'authenticated');
    item.expect(caller.principal);
  });
});
