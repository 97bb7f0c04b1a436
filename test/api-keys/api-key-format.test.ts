/**
 * The key format: `sk_` + 32 random base62 characters + a 6-character checksum, recognised
 * offline (no database) by its checksum; random `sk_` strings of the same shape are not.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  API_KEY_LENGTH,
  API_KEY_PREFIX_LENGTH,
  API_KEY_RANDOM_LENGTH,
  apiKeyLabel,
  generateApiKey,
  loggablePrefix,
  parseApiKey,
} from '../../src/api-keys/api-key-format.ts';
import { BASE62_ALPHABET, randomBase62 } from '../../src/api-keys/base62.ts';
import { findKeysInText } from '../../src/api-keys/find-keys-in-text.ts';
import { readKeyReference } from '../../src/api-keys/read-key-reference.ts';

describe('API key format', () => {
  test('a new key is sk_ + at least 128 random bits + a checksum, and parses offline', () => {
    const parts = generateApiKey();
    assert.match(parts.key, /^sk_[0-9A-Za-z]{38}$/);
    assert.equal(parts.key.length, API_KEY_LENGTH);
    assert.ok(API_KEY_RANDOM_LENGTH * Math.log2(62) >= 128, 'the random part carries at least 128 bits');
    // The part never stored (between prefix and last four) alone still carries more than 128 bits.
    assert.ok((API_KEY_RANDOM_LENGTH - (API_KEY_PREFIX_LENGTH - 3)) * Math.log2(62) > 128);
    assert.deepEqual(parseApiKey(parts.key), parts);
    assert.equal(parts.prefix, parts.key.slice(0, 12));
    assert.equal(parts.last4, parts.key.slice(-4));
  });

  test('keys are distinct', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey().key));
    assert.equal(keys.size, 2000);
  });

  test('any single-character change breaks the checksum', () => {
    const { key } = generateApiKey();
    for (let index = 3; index < key.length; index += 1) {
      const other = BASE62_ALPHABET[(BASE62_ALPHABET.indexOf(key.charAt(index)) + 1) % 62] ?? '0';
      const changed = key.slice(0, index) + other + key.slice(index + 1);
      assert.equal(parseApiKey(changed), undefined, `changed at ${index}`);
    }
  });

  test('random sk_ strings of the right shape fail the checksum (no false positives)', () => {
    let passed = 0;
    for (let round = 0; round < 20_000; round += 1) {
      if (parseApiKey(`sk_${randomBase62(38)}`) !== undefined) passed += 1;
    }
    // CRC32 over 62^6 possible checksums: a random string passes about once in 4 billion.
    assert.equal(passed, 0);
  });

  test('malformed strings are refused: wrong length, wrong marker, non-base62, whitespace', () => {
    const { key } = generateApiKey();
    for (const bad of [
      '',
      'sk_',
      key.slice(0, -1),
      `${key}0`,
      `pk_${key.slice(3)}`,
      `SK_${key.slice(3)}`,
      `${key.slice(0, 20)}-${key.slice(21)}`,
      ` ${key}`,
      `${key}\n`,
    ]) {
      assert.equal(parseApiKey(bad), undefined, JSON.stringify(bad));
    }
  });

  test('the text finder reports real keys with their line, and skips look-alikes', () => {
    const real = generateApiKey();
    const text = ['first line', `fake = sk_${randomBase62(38)}`, `API_KEY="${real.key}"`].join('\n');
    const found = findKeysInText(text);
    assert.deepEqual(
      found.map((item) => ({ key: item.parts.key, line: item.line })),
      [{ key: real.key, line: 3 }],
    );
  });

  test('the text finder reports a key glued to the characters around it', () => {
    const keys = Array.from({ length: 7 }, () => generateApiKey().key);
    const [encoded, json, underscore, letter, digit, tail, overlapped] = keys;
    const text = [
      `GET /x?h=Authorization%3A%20Bearer%20${encoded} HTTP/1.1`,
      `{"log":"first\\n${json}\\nlast"}`,
      `FOO_${underscore}`,
      `xsk_${letter?.slice(3)}`,
      `42${digit}`,
      `${tail}tail`,
      // A look-alike whose 38 characters run into a real key must not hide it.
      `sk_${randomBase62(36)}${overlapped}`,
    ].join('\n');
    const found = findKeysInText(text);
    assert.deepEqual(
      found.map((item) => ({ key: item.parts.key, line: item.line })),
      keys.map((key, index) => ({ key, line: index + 1 })),
    );
  });

  test('random sk_ strings glued to other text are not reported (no false positives)', () => {
    const lines: string[] = [];
    for (let round = 0; round < 20_000; round += 1) {
      lines.push(`${randomBase62(round % 5)}sk_${randomBase62(38 + (round % 7))}${round % 3 === 0 ? 'sk_' : ''}`);
    }
    assert.deepEqual(findKeysInText(lines.join('')), []);
    assert.deepEqual(findKeysInText(lines.join('\n')), []);
  });

  test('labels and log prefixes never hold the secret part', () => {
    const parts = generateApiKey();
    const label = apiKeyLabel(parts.prefix, parts.last4);
    assert.equal(label, `${parts.key.slice(0, 12)}...${parts.key.slice(-4)}`);
    assert.ok(!label.includes(parts.key.slice(12, -4)));
    assert.equal(loggablePrefix(parts.key), parts.prefix);
    assert.equal(loggablePrefix('eyJhbGciOi.something.else'), '(not an sk_ key, 25 characters)');
  });

  test('a CLI key reference is an id, a prefix or a whole key; a mistyped key is refused', () => {
    const parts = generateApiKey();
    assert.deepEqual(readKeyReference(parts.key), { kind: 'key', key: parts.key });
    assert.deepEqual(readKeyReference(parts.prefix), { kind: 'prefix', prefix: parts.prefix });
    const id = '26D5D1E8-9BBE-4105-AF86-2AEAB7575F74';
    assert.deepEqual(readKeyReference(id), { kind: 'id', id: id.toLowerCase() });
    const typo = `${parts.key.slice(0, -1)}${parts.key.endsWith('a') ? 'b' : 'a'}`;
    assert.throws(() => readKeyReference(typo), (error: Error) => {
      assert.match(error.message, /checksum/);
      assert.ok(!error.message.includes(typo.slice(12)), 'the message does not echo the key');
      return true;
    });
  });
});
