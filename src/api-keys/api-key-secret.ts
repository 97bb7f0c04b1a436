import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ConfigError } from '../config/load-config.ts';

/** Where the development API key secret lives, relative to the project directory. */
export const DEVELOPMENT_API_KEY_SECRET_FILE = '.fraiseql/dev-api-key-secret';

/** The shortest secret accepted in production, in bytes (as for JWT_SECRET). */
export const MIN_API_KEY_SECRET_BYTES = 32;

/** The HMAC key that turns API keys into their stored hashes. */
export interface ApiKeySecret {
  /** The secret's bytes. In development the file is read, or created, on first use. */
  bytes(): Buffer;
  /** Set when the development file stands in for API_KEY_SECRET (the caller logs it). */
  readonly developmentFile?: string;
}

/** What `apiKeySecretFrom` needs from the configuration. */
export interface ApiKeySecretSettings {
  /** `[api_keys] hash_secret` / `API_KEY_SECRET`. */
  readonly hashSecret: string | undefined;
  readonly production: boolean;
  readonly projectDir: string;
}

/**
 * Decides the API key secret. Production requires `API_KEY_SECRET` (or `[api_keys]
 * hash_secret`) of at least 32 bytes and refuses to start otherwise: with a missing secret no
 * key could be checked, and a short one makes a stolen table easier to attack. Development
 * without a secret uses `.fraiseql/dev-api-key-secret`, created on first use (so servers that
 * never see a key write nothing). Changing the secret invalidates every existing key.
 *
 * @throws ConfigError in production when the secret is missing or short.
 */
export function apiKeySecretFrom(settings: ApiKeySecretSettings): ApiKeySecret {
  const configured = settings.hashSecret;
  if (configured !== undefined && configured !== '') {
    const length = Buffer.byteLength(configured, 'utf8');
    if (settings.production && length < MIN_API_KEY_SECRET_BYTES) {
      throw new ConfigError(
        `API_KEY_SECRET ([api_keys] hash_secret) has ${length} bytes; production needs at least ` +
          `${MIN_API_KEY_SECRET_BYTES}. Generate one with: openssl rand -base64 48`,
      );
    }
    const bytes = Buffer.from(configured, 'utf8');
    return { bytes: () => bytes };
  }
  if (settings.production) {
    throw new ConfigError(
      'API_KEY_SECRET is not set. API keys are stored as HMACs keyed with it, so production ' +
        'needs one of at least 32 bytes (openssl rand -base64 48), or set [api_keys] enabled = ' +
        'false to turn API keys off.',
    );
  }
  const path = join(settings.projectDir, DEVELOPMENT_API_KEY_SECRET_FILE);
  let cached: Buffer | undefined;
  return {
    developmentFile: path,
    bytes: () => (cached ??= Buffer.from(readOrCreate(path), 'utf8')),
  };
}

function readOrCreate(path: string): string {
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (Buffer.byteLength(secret, 'utf8') >= MIN_API_KEY_SECRET_BYTES) return secret;
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
