/**
 * The helpers the pattern operators use on a client's text: escaping, the trailing escape
 * count (linear: one look per trailing backslash), and the character count behind the cap.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { escapeLikeText, longerThan, trailingBackslashes } from '../../src/sql/like-pattern.ts';

/** `text` as a String object that counts the characters read from it. */
function counted(text: string): { text: string; reads: () => number } {
  let reads = 0;
  const wrapped = Object.assign(new String(text), {
    charCodeAt(index: number): number {
      reads += 1;
      return text.charCodeAt(index);
    },
  });
  return { text: wrapped as unknown as string, reads: () => reads };
}

test('trailing backslashes are counted from the end', () => {
  assert.equal(trailingBackslashes(''), 0);
  assert.equal(trailingBackslashes('abc'), 0);
  assert.equal(trailingBackslashes('a\\'), 1);
  assert.equal(trailingBackslashes('\\\\'), 2);
  assert.equal(trailingBackslashes('\\a\\\\\\'), 3);
});

test('counting trailing backslashes reads each of them once and nothing before them', () => {
  const run = 100_000;
  const ending = counted(`${'x'.repeat(run)}${'\\'.repeat(run)}`);
  assert.equal(trailingBackslashes(ending.text), run);
  assert.equal(ending.reads(), run + 1, 'the run, then the character that ends it');

  const leading = counted(`${'\\'.repeat(run)}x`);
  assert.equal(trailingBackslashes(leading.text), 0);
  assert.equal(leading.reads(), 1, 'a backslash run not at the end is never read');
});

test('escaping makes %, _ and \\ literal', () => {
  assert.equal(escapeLikeText('50%_\\off'), '50\\%\\_\\\\off');
});

test('lengths are counted in characters, surrogate pairs as one', () => {
  assert.equal(longerThan('abc', 3), false);
  assert.equal(longerThan('abcd', 3), true);
  assert.equal(longerThan('\u{1F600}'.repeat(3), 3), false);
  assert.equal(longerThan('\u{1F600}'.repeat(4), 3), true);
  assert.equal(longerThan(`${'\u{1F600}'.repeat(2)}ab`, 3), true);
  // A lone surrogate counts as a character (it is refused later, as text PostgreSQL cannot hold).
  assert.equal(longerThan('\uD800\uD800\uD800\uD800', 3), true);
});
