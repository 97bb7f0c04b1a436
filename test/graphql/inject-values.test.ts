/**
 * An inject claim path is read the way scope and role claim paths are: a key named with the
 * whole dotted path wins, otherwise the path walks nested objects.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Caller } from '../../src/auth/principal.ts';
import { resolveInjectedValues } from '../../src/graphql/inject-values.ts';
import { readClaimPath } from '../../src/auth/read-token-identity.ts';

function callerWith(claims: Record<string, unknown>): Caller {
  return {
    kind: 'authenticated',
    principal: {
      subject: 'user-1',
      scopes: new Set(),
      roles: new Set(),
      claims,
      method: 'jwt',
    },
  };
}

const orgId = { org_id: { source: 'jwt', path: ['org', 'id'] } } as const;

test('a nested claim is read by walking the path', () => {
  const values = resolveInjectedValues('posts', orgId, callerWith({ org: { id: 'acme' } }));
  assert.deepEqual(values, [{ name: 'org_id', value: 'acme' }]);
});

test('a key named with the whole dotted path is read, as for scope and role claims', () => {
  const claims = { 'org.id': 'flat-acme' };
  assert.equal(readClaimPath(claims, 'org.id'), 'flat-acme');
  const values = resolveInjectedValues('posts', orgId, callerWith(claims));
  assert.deepEqual(values, [{ name: 'org_id', value: 'flat-acme' }]);
});

test('a missing claim is refused, never injected as NULL', () => {
  assert.throws(
    () => resolveInjectedValues('posts', orgId, callerWith({ org: {} })),
    (error: Error & { code?: string }) => /needs the token claim 'org\.id'/.test(error.message),
  );
});

test('an inherited property is not a claim', () => {
  const claims = Object.create({ org: { id: 'from-prototype' } }) as Record<string, unknown>;
  assert.throws(() => resolveInjectedValues('posts', orgId, callerWith(claims)));
});
