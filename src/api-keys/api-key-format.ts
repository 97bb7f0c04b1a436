import { crc32 } from 'node:zlib';

import { encodeBase62Fixed, randomBase62 } from './base62.ts';

/**
 * The shape of an API key: `sk_`, 32 random base62 characters (about 190 bits), then a
 * 6-character base62 checksum (CRC32 of everything before it). The checksum lets a scanner,
 * or the server before any database lookup, tell a real key from a random `sk_...` string
 * offline; it is not a secret and adds no strength.
 *
 *   sk_ 4Qk9ZtR2b 7Lw0VxMnP8sJd3FgHc1YaTe5  uE0xq2
 *   |--- prefix --|----- rest of the secret -----|checksum|
 *
 * The first 12 characters (the prefix) and the last four are stored in clear to find and
 * name a key; the 23 random characters between them (about 137 bits) are never stored.
 */
export const API_KEY_MARKER = 'sk_';
/** Random base62 characters after `sk_`. */
export const API_KEY_RANDOM_LENGTH = 32;
/** Base62 characters of the checksum (62^6 > 2^32, so any CRC32 fits). */
export const API_KEY_CHECKSUM_LENGTH = 6;
/** Length of a whole key: 41 characters. */
export const API_KEY_LENGTH = API_KEY_MARKER.length + API_KEY_RANDOM_LENGTH + API_KEY_CHECKSUM_LENGTH;
/** Length of the stored, logged prefix (`sk_` and 9 random characters). */
export const API_KEY_PREFIX_LENGTH = 12;

/** A key that passed the format and checksum checks, with its clear parts. */
export interface ApiKeyParts {
  /** The whole key. Secret: shown once, never stored or logged. */
  readonly key: string;
  /** The first 12 characters: how the key is looked up, and what logs show. */
  readonly prefix: string;
  /** The last four characters, to let a person recognise the key in a list. */
  readonly last4: string;
}

const KEY_SHAPE = new RegExp(
  `^${API_KEY_MARKER}[0-9A-Za-z]{${API_KEY_RANDOM_LENGTH + API_KEY_CHECKSUM_LENGTH}}$`,
);

/**
 * Finds strings shaped like a key inside any text, wherever their 41 characters stand: also
 * glued to what precedes or follows them (`Bearer%20sk_...` in a URL-encoded log line,
 * `"first\nsk_..."` in a JSON string, `FOO_sk_...`). No word boundary is asked for: the
 * checksum that `parseApiKey` checks rules out chance look-alikes. Each match is empty and
 * captures the candidate in group 1, so candidates may overlap: a look-alike that runs into
 * a real key does not hide it.
 */
export function apiKeyCandidates(): RegExp {
  return new RegExp(`(?=(${API_KEY_MARKER}[0-9A-Za-z]{${API_KEY_RANDOM_LENGTH + API_KEY_CHECKSUM_LENGTH}}))`, 'g');
}

/** A new random key with its checksum. */
export function generateApiKey(): ApiKeyParts {
  const body = API_KEY_MARKER + randomBase62(API_KEY_RANDOM_LENGTH);
  return partsOf(body + checksumOf(body));
}

/**
 * The parts of `text` when it is a well-formed key with a correct checksum; undefined for
 * anything else (wrong length, characters outside base62, a checksum that does not match).
 */
export function parseApiKey(text: string): ApiKeyParts | undefined {
  if (text.length !== API_KEY_LENGTH || !KEY_SHAPE.test(text)) return undefined;
  const body = text.slice(0, -API_KEY_CHECKSUM_LENGTH);
  if (checksumOf(body) !== text.slice(-API_KEY_CHECKSUM_LENGTH)) return undefined;
  return partsOf(text);
}

/** How a key is shown wherever the key itself must not be: `sk_4Qk9ZtR2b...xq2E`. */
export function apiKeyLabel(prefix: string, last4: string): string {
  return `${prefix}...${last4}`;
}

/**
 * What may be logged about a presented credential that failed: the prefix when it is shaped
 * like one, else only its length (it might be some other secret pasted in the wrong place).
 */
export function loggablePrefix(text: string): string {
  const head = text.slice(0, API_KEY_PREFIX_LENGTH);
  return text.length >= API_KEY_PREFIX_LENGTH && /^sk_[0-9A-Za-z]{9}$/.test(head)
    ? head
    : `(not an sk_ key, ${text.length} characters)`;
}

function checksumOf(body: string): string {
  return encodeBase62Fixed(crc32(body), API_KEY_CHECKSUM_LENGTH);
}

function partsOf(key: string): ApiKeyParts {
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), last4: key.slice(-4) };
}
