/**
 * graphql-js messages reach clients without their "Did you mean" suggestions, which would name
 * operations and fields the caller may not see. The messages quote client values, so the cut
 * is found without a regular expression that could rescan them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { withoutSuggestions } from '../../src/graphql/error-body.ts';

/** What the cut did when it was `message.replace(/ Did you mean [^?]*\?$/, '')`. */
function byRegularExpression(message: string): string {
  return message.replace(/ Did you mean [^?]*\?$/, '');
}

test('the suggestion at the end is cut; anything else is left alone', () => {
  const cases: [string, string][] = [
    [
      'Cannot query field "post" on type "Query". Did you mean "posts"?',
      'Cannot query field "post" on type "Query".',
    ],
    ['Unknown argument "limt". Did you mean "limit" or "offset"?', 'Unknown argument "limt".'],
    ['Cannot query field "x" on type "Query".', 'Cannot query field "x" on type "Query".'],
    ['Is this it? Did you mean "a"? No', 'Is this it? Did you mean "a"? No'],
    ['Value " Did you mean ?" is odd. Did you mean "b"?', 'Value " Did you mean ?" is odd.'],
    [' Did you mean ?', ''],
    ['?', '?'],
    ['', ''],
  ];
  for (const [message, expected] of cases) {
    assert.equal(withoutSuggestions(message), expected, message);
    assert.equal(byRegularExpression(message), expected, message);
  }
});

test('the cut agrees with the regular expression it replaces', () => {
  const pieces = [' Did you mean ', '?', 'a', ' ', '"x"', 'Did you mean'];
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  for (let round = 0; round < 5000; round += 1) {
    const length = next() % 8;
    const message = Array.from({ length }, () => pieces[next() % pieces.length]).join('');
    const expected = byRegularExpression(message);
    assert.equal(withoutSuggestions(message), expected, JSON.stringify(message));
  }
});

test('a client value repeating the phrase many times is handled in one pass', () => {
  const value = ' Did you mean '.repeat(70_000);
  const message =
    `Variable "$limit" got invalid value "${value}"; ` +
    `Int cannot represent non-integer value: "${value}"`;
  assert.equal(withoutSuggestions(message), message);
  assert.equal(withoutSuggestions(`${message}?`), 'Variable "$limit" got invalid value "');
});
