import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the development signing secret lives, relative to the project directory. */
export const DEVELOPMENT_SECRET_FILE = '.fraiseql/dev-jwt-secret';

/**
 * The HS256 secret used in development when no key is configured, so that `serve` and
 * `token issue` agree out of the box without a secret in the repository. Created once with
 * 32 random bytes, readable by the owner only. Never used in production.
 *
 * The file holds the secret and nothing else, no trailing newline, so that any signer reading
 * it whole gets the same bytes (the spec page's PyJWT `open(...).read()` included). Files
 * written by earlier versions end with a newline; it is trimmed on reading.
 */
export function readOrCreateDevelopmentSecret(projectDir: string): string {
  const path = join(projectDir, DEVELOPMENT_SECRET_FILE);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}
