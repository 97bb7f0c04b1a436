/**
 * Where keys may be fetched from. Keys decide who is authenticated, so they travel over https;
 * plain http is tolerated only for an identity provider on this machine, in development.
 */

/** What a key URL is used for, named in messages. */
export type KeyUrlPurpose = 'JWKS URL' | 'OIDC issuer' | 'discovered jwks_uri';

/** Flags that decide whether http is tolerated. */
export interface KeyUrlRules {
  readonly production: boolean;
  readonly allowHttpLoopback: boolean;
}

/** True for `localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The problem with `url` as a source of keys, or undefined when it may be fetched. Credentials
 * in the URL are refused too: they would be logged with it.
 */
export function keyUrlProblem(
  url: string,
  purpose: KeyUrlPurpose,
  rules: KeyUrlRules,
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the ${purpose} "${url}" is not a valid URL`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return `the ${purpose} must not contain a user name or password`;
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') {
    return `the ${purpose} "${url}" must use https`;
  }
  if (!isLoopbackHost(parsed.hostname)) {
    return (
      `the ${purpose} "${url}" must use https ` +
      '(http is allowed only for a loopback host in development)'
    );
  }
  if (rules.production) {
    return `the ${purpose} "${url}" uses http, which is refused in production: use https`;
  }
  if (!rules.allowHttpLoopback) {
    return (
      `the ${purpose} "${url}" uses http: use https, or allow http on loopback for ` +
      'development (allowHttpLoopback)'
    );
  }
  return undefined;
}
