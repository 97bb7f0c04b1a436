import { parseApiKey } from './api-key-format.ts';
import { isApiKeyId } from './api-key-store.ts';
import { KeyAdministrationError, type KeyReference } from './key-administration.ts';

/**
 * Reads a key's id (UUID), its prefix (`sk_` + 9 characters, as `keys list` shows it) or the
 * whole key. A string shaped like a key whose checksum fails is refused with that reason.
 *
 * @throws KeyAdministrationError for anything else.
 */
export function readKeyReference(text: string): KeyReference {
  const value = text.trim();
  if (isApiKeyId(value)) return { kind: 'id', id: value.toLowerCase() };
  if (/^sk_[0-9A-Za-z]{9}$/.test(value)) return { kind: 'prefix', prefix: value };
  if (value.startsWith('sk_')) {
    const parts = parseApiKey(value);
    if (parts !== undefined) return { kind: 'key', key: parts.key };
    throw new KeyAdministrationError(
      `"${value.slice(0, 12)}..." is not a valid API key: its length or checksum is wrong (a typo?).`,
    );
  }
  throw new KeyAdministrationError(
    `Name the key by its id (a UUID), its prefix (sk_ and 9 characters, as "keys list" shows) or the key itself.`,
  );
}
