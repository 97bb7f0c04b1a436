import type { Principal } from '../auth/principal.ts';

/**
 * The credential a key is created or rotated with, as the database checks it in the transaction
 * that writes the key (`fraiseql_auth.credential_revoked`, built-in migration 010), by the rules
 * of the server's revocation check (`isRevoked`): its `jti` revoked; the session its `sid` names
 * revoked or another subject's; or, without such a session, a revoke-all of its subject at or
 * after its `iat`.
 */
export interface CreatingCredential {
  readonly subject: string;
  /** Epoch seconds it was issued (`iat`); undefined counts as before any revoke-all. */
  readonly issuedAt: number | undefined;
  /** The token's `jti`, when it has one. */
  readonly tokenId: string | undefined;
  /** The token's `sid` when it can name a session of this server (a UUID). */
  readonly sessionId: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The creating credential of a key management request made with a token. (Requests made with
 * an API key never get this far: `/api/keys` refuses them before creating or rotating.)
 */
export function creatingCredentialOf(principal: Principal): CreatingCredential {
  const sid = principal.claims['sid'];
  return {
    subject: principal.subject,
    issuedAt: principal.issuedAt,
    tokenId: principal.tokenId,
    sessionId: typeof sid === 'string' && UUID.test(sid) ? sid : undefined,
  };
}
