/**
 * The bodies of `POST /api/keys` and `POST /api/keys/{id}/rotate` (also what `keys create` and
 * `keys rotate` send): a key's lifetime is capped at 10 years, with a 400 that says so.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  MAX_KEY_LIFETIME_SECONDS,
  readCreateKeyRequest,
  readRotateKeyRequest,
} from '../../src/api-keys/api-key-requests.ts';
import { PublicError } from '../../src/errors/public-error.ts';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

function refusedAsTooLong(read: () => unknown): void {
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof PublicError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'BAD_USER_INPUT');
    assert.match(error.message, /a key lives at most 10 years \(3650d\)/);
    return true;
  });
}

describe('key lifetimes', () => {
  test('the longest lifetime is 10 years (3650 days)', () => {
    assert.equal(MAX_KEY_LIFETIME_SECONDS, 3650 * 86_400);
    const create = (lifetime: Record<string, unknown>) =>
      readCreateKeyRequest({ name: 'ci', scopes: ['read:posts'], ...lifetime }, NOW);
    assert.equal(create({ expires_in: '3650d' }).expiresAt, NOW + 3650 * DAY);
    assert.equal(create({ expires_at: new Date(NOW + 3650 * DAY).toISOString() }).expiresAt, NOW + 3650 * DAY);
    assert.equal(create({}).expiresAt, undefined, 'a key may still have no expiry');
  });

  test('longer ones are refused with a 400 naming the limit: create and rotate', () => {
    const create = (lifetime: Record<string, unknown>) => () =>
      readCreateKeyRequest({ name: 'ci', scopes: ['read:posts'], ...lifetime }, NOW);
    refusedAsTooLong(create({ expires_in: '999999d' }));
    refusedAsTooLong(create({ expires_in: '3651d' }));
    refusedAsTooLong(create({ expires_in: MAX_KEY_LIFETIME_SECONDS + 1 }));
    refusedAsTooLong(create({ expires_in: '999999999w' }));
    refusedAsTooLong(create({ expires_at: '4764-01-01T00:00:00Z' }));
    refusedAsTooLong(() => readRotateKeyRequest({ expires_in: '999999d' }, NOW));
    refusedAsTooLong(() => readRotateKeyRequest({ expires_at: '4764-01-01T00:00:00Z' }, NOW));
  });
});
