/**
 * `[revocation] redis_url` (env `REDIS_URL`): checked by the config schema and shown in logs
 * and error messages without its user name or password.
 */

/** Why `url` cannot name a Redis server, or undefined when it can. Never repeats the URL. */
export function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL; write it as redis://[:password@]host:port/db (or rediss:// for TLS)';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `has scheme "${parsed.protocol}"; use redis:// (or rediss:// for TLS)`;
  }
  if (parsed.hostname === '') return 'names no host; write it as redis://[:password@]host:port/db';
  return undefined;
}

/** `redis://host:port/db` for log lines: the credentials are left out, whatever they are. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.replace(/^\//, '') || '0';
    return `${parsed.protocol}//${parsed.hostname}${parsed.port === '' ? '' : `:${parsed.port}`}/${database}`;
  } catch {
    return '(an unparsable Redis URL)';
  }
}
