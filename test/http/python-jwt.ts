/**
 * Tokens minted by an independent implementation, PyJWT (`python3-jwt`), so that the server's
 * verification is not only checked against tokens made by the same library it verifies with.
 *
 *   const [expired] = mintWithPython([{ payload: { sub: 'x', exp: past }, secret }]);
 *
 * Install with `apt-get install -y python3-jwt` when `import jwt` fails.
 */
import { execFileSync } from 'node:child_process';

export interface PythonTokenRequest {
  readonly payload: Readonly<Record<string, unknown>>;
  /** The HMAC secret; null for `alg: none`. */
  readonly secret: string | null;
  /** Default HS256. */
  readonly algorithm?: string;
  /** Extra protected-header members. */
  readonly headers?: Readonly<Record<string, unknown>>;
}

const SCRIPT = `
import json, sys, jwt
out = []
for request in json.load(sys.stdin):
    token = jwt.encode(request["payload"], request["secret"], algorithm=request["algorithm"],
                       headers=request.get("headers"))
    out.append(token if isinstance(token, str) else token.decode())
print(json.dumps(out))
`;

/** Mints every token in one python3 process, in order. */
export function mintWithPython(requests: readonly PythonTokenRequest[]): string[] {
  const input = JSON.stringify(
    requests.map((request) => ({ ...request, algorithm: request.algorithm ?? 'HS256' })),
  );
  const output = execFileSync('/usr/bin/python3', ['-c', SCRIPT], { input, encoding: 'utf8' });
  const tokens: unknown = JSON.parse(output);
  if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === 'string')) {
    throw new Error(`python3 printed something other than a list of tokens: ${output}`);
  }
  return tokens as string[];
}

/** Seconds since the epoch, as JWT time claims count. */
export function epochSeconds(offsetSeconds = 0): number {
  return Math.floor(Date.now() / 1000) + offsetSeconds;
}
