import { apiKeyCandidates, parseApiKey, type ApiKeyParts } from './api-key-format.ts';

/** A key found in a text, with its 1-based line. */
export interface KeyInText {
  readonly parts: ApiKeyParts;
  readonly line: number;
}

/**
 * Every real key in `text`: strings shaped like a key whose checksum is right, glued to other
 * characters or not. A random `sk_...` string of the right shape passes the checksum about
 * once in four billion, so look-alikes (test fixtures, other vendors' keys) are not reported.
 */
export function findKeysInText(text: string): KeyInText[] {
  const found: KeyInText[] = [];
  let line = 1;
  let counted = 0;
  for (const match of text.matchAll(apiKeyCandidates())) {
    const parts = parseApiKey(match[1] ?? '');
    if (parts === undefined) continue;
    line += countNewlines(text, counted, match.index);
    counted = match.index;
    found.push({ parts, line });
  }
  return found;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) {
    count += 1;
  }
  return count;
}
