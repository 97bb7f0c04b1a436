import { PublicError } from '../errors/public-error.ts';
import type { Principal } from './principal.ts';

/**
 * Refuses a principal authenticated by API key where only a user's token may act: user and
 * role administration and revoke-all. A key is a credential a person hands to a program; it
 * must not be able to mint or re-enable other credentials, even when it carries the admin
 * scope (as /api/keys refuses keys too).
 *
 * @throws PublicError ADMINISTRATION_NEEDS_TOKEN (403) for `method === 'api_key'`.
 */
export function refuseApiKey(principal: Principal, route: string): void {
  if (principal.method !== 'api_key') return;
  throw new PublicError('ADMINISTRATION_NEEDS_TOKEN', {
    extensions: { reason: 'ADMINISTRATION_NEEDS_TOKEN' },
    logDetail: { route, subject: principal.subject, keyId: principal.claims['api_key_id'] },
  });
}
