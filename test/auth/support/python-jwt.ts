import { spawnSync } from 'node:child_process';

/** One token for PyJWT to sign. */
export interface PyJwtRequest {
  readonly payload: Record<string, unknown>;
  /** An HMAC secret (text, or base64url bytes with `keyEncoding`), or a PEM private key. */
  readonly key: string;
  readonly keyEncoding?: 'text' | 'base64url';
  readonly algorithm: string;
  readonly headers?: Record<string, unknown>;
}

const SCRIPT = `
import base64, json, sys
import jwt
out = []
for r in json.load(sys.stdin):
    key = r["key"]
    if r.get("keyEncoding") == "base64url":
        key = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    out.append(jwt.encode(r["payload"], key, algorithm=r["algorithm"], headers=r.get("headers")))
print(json.dumps(out))
`;

/**
 * Mints tokens with Debian's python3-jwt (PyJWT), the library the spec page uses, so the
 * server's verifier is tested against an independent signer. All tokens of a suite go through
 * one Python process. Throws with the fix when python3-jwt is missing.
 */
export function mintWithPyJwt(requests: readonly PyJwtRequest[]): string[] {
  const result = spawnSync('/usr/bin/python3', ['-c', SCRIPT], {
    input: JSON.stringify(requests),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? result.stderr;
    throw new Error(
      `PyJWT could not mint the test tokens (${why.trim()}). ` +
        'Install it with: apt-get install -y python3-jwt',
    );
  }
  const tokens: unknown = JSON.parse(result.stdout);
  if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === 'string')) {
    throw new Error('PyJWT returned something other than a list of tokens');
  }
  return tokens;
}
