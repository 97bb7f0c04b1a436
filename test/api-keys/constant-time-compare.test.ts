/**
 * Presented keys are compared with their stored HMAC in constant time: every verification of
 * a well-formed key runs exactly one `timingSafeEqual` over two 32-byte HMACs, whether the
 * prefix is unknown, known with the rest wrong (early or late), or right. Nothing compares the
 * key as a string, so there is no early exit on a matching prefix.
 */
import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { crc32 } from 'node:zlib';

import { generateApiKey } from '../../src/api-keys/api-key-format.ts';
import { hashApiKey, hashApiKeyHex, keyHashMatches } from '../../src/api-keys/api-key-hash.ts';
import type { ApiKeyRecord } from '../../src/api-keys/api-key-record.ts';
import { ApiKeyVerifier } from '../../src/api-keys/api-key-verifier.ts';
import { BASE62_ALPHABET } from '../../src/api-keys/base62.ts';
import { PublicError } from '../../src/errors/public-error.ts';

const SECRET = Buffer.from('a-test-secret-of-at-least-32-bytes-0123456789', 'utf8');

/** A well-formed key (valid checksum) sharing `key`'s first `keep` characters, not `key`. */
function lookAlike(key: string, keep: number): string {
  for (;;) {
    const candidate = withChecksum(key.slice(0, keep) + generateApiKey().key.slice(keep, -6));
    if (candidate !== key) return candidate;
  }
}

/** `body` (sk_ + 32 characters) with its correct checksum: CRC32 in 6 base62 characters. */
function withChecksum(body: string): string {
  let rest = crc32(body);
  let out = '';
  while (rest > 0) {
    out = BASE62_ALPHABET.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return body + out.padStart(6, '0');
}

function recordFor(key: string): ApiKeyRecord {
  return {
    id: '26d5d1e8-9bbe-4105-af86-2aeab7575f74',
    owner: 'alice',
    name: 'test',
    prefix: key.slice(0, 12),
    last4: key.slice(-4),
    keyHash: hashApiKeyHex(SECRET, key),
    scopes: ['read:posts'],
    expiresAt: undefined,
    revoked: false,
    revokedAt: undefined,
    createdAt: Date.now(),
    createdBy: 'test',
    lastUsedAt: undefined,
    replacedBy: undefined,
    graceUntil: undefined,
  };
}

describe('constant-time key comparison', () => {
  const real = generateApiKey().key;
  const stored = recordFor(real);
  const verifier = new ApiKeyVerifier({
    store: { findByPrefix: async (prefix) => (prefix === stored.prefix ? stored : undefined) },
    secret: { bytes: () => SECRET },
  });
  let compare: ReturnType<typeof mock.method>;

  beforeEach(() => {
    compare = mock.method(nodeCrypto, 'timingSafeEqual');
  });
  afterEach(() => {
    mock.restoreAll();
  });

  const calls = (): { left: number; right: number }[] =>
    compare.mock.calls.map((call) => {
      const [left, right] = call.arguments as [Buffer, Buffer];
      return { left: left.length, right: right.length };
    });

  test('the test helper builds valid look-alike keys', () => {
    assert.equal(withChecksum(real.slice(0, -6)), real);
    assert.equal(lookAlike(real, 12).slice(0, 12), real.slice(0, 12));
  });

  test('a correct key: one 32-byte comparison, accepted', async () => {
    const principal = await verifier.authenticate(real);
    assert.equal(principal.subject, 'alice');
    assert.deepEqual(calls(), [{ left: 32, right: 32 }]);
  });

  for (const [what, keep] of [
    ['unknown prefix', 3],
    ['known prefix, first secret character wrong', 12],
    ['known prefix, all but the checksum right', 34],
  ] as const) {
    test(`${what}: the same single 32-byte comparison, refused as Invalid API key`, async () => {
      const presented = lookAlike(real, keep);
      await assert.rejects(verifier.authenticate(presented), (error: unknown) => {
        assert.ok(error instanceof PublicError);
        assert.equal(error.message, 'Invalid API key');
        return true;
      });
      assert.deepEqual(calls(), [{ left: 32, right: 32 }]);
    });
  }

  test('keyHashMatches compares also for a missing or malformed stored hash, and never matches then', () => {
    const presented = hashApiKey(SECRET, real);
    assert.equal(keyHashMatches(presented, undefined), false);
    assert.equal(keyHashMatches(presented, 'not-hex'), false);
    assert.equal(keyHashMatches(presented.subarray(0, 31), stored.keyHash), false);
    assert.equal(keyHashMatches(presented, stored.keyHash), true);
    assert.deepEqual(calls(), [
      { left: 32, right: 32 },
      { left: 32, right: 32 },
      { left: 32, right: 32 },
      { left: 32, right: 32 },
    ]);
  });

  test('the stored hash is an HMAC keyed with the server secret, not a plain hash of the key', () => {
    const plain = nodeCrypto.createHash('sha256').update(real).digest('hex');
    assert.notEqual(stored.keyHash, plain);
    assert.notEqual(hashApiKeyHex(Buffer.from('another-secret-of-at-least-32-bytes-xxxxxx'), real), stored.keyHash);
  });
});
