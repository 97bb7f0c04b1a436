import { PublicError } from '../errors/public-error.ts';

/**
 * What the server's revocation check demands of a token's `jti` (RFC 7519 §4.1.7), so that
 * `token inspect` gives the same verdict as a request. The check itself lives in
 * src/sessions/cached-revocation-check.ts; this is its description for offline inspection.
 */
export interface TokenIdRule {
  /** Revocation is on (`[revocation] enabled`): every verified token is looked up by `jti`. */
  readonly revocationEnabled: boolean;
  /** `[revocation] require_jti`: a token without a string `jti` is refused (JTI_REQUIRED). */
  readonly requireTokenId: boolean;
}

/** No revocation check: what a caller of `inspectToken` without a project gets. */
export const NO_REVOCATION: TokenIdRule = Object.freeze({
  revocationEnabled: false,
  requireTokenId: false,
});

/** The longest `jti` the revocation store keeps; a longer one is refused as malformed. */
export const MAX_REVOCABLE_TOKEN_ID_LENGTH = 255;

/** The verdict on a token's `jti`: a sentence for the report, and the refusal if any. */
export interface TokenIdFinding {
  readonly summary: string;
  readonly refusal: PublicError | undefined;
}

/**
 * Judges the `jti` of a decoded token the way the revocation check will once the token is
 * verified. Whether the token has been revoked is not known offline: the summary says so,
 * because only the server's database can answer it.
 */
export function checkTokenId(
  payload: Readonly<Record<string, unknown>>,
  rule: TokenIdRule,
): TokenIdFinding {
  const jti = payload['jti'];
  if (!rule.revocationEnabled) {
    return {
      summary: `${describe(jti)}; revocation is off, so it is not checked`,
      refusal: undefined,
    };
  }
  if (typeof jti !== 'string') {
    if (!rule.requireTokenId) {
      return {
        summary:
          `${describe(jti)}; accepted, but such a token can only be revoked with its subject`,
        refusal: undefined,
      };
    }
    const explanation =
      `${describe(jti)}: revocation is on and needs a string jti to revoke a token alone; ` +
      'issue tokens with a jti (fraiseql-ts token issue does) or set ' +
      '[revocation] require_jti = false';
    return {
      summary: explanation,
      refusal: new PublicError('JTI_REQUIRED', {
        extensions: { reason: 'JTI_REQUIRED' },
        logDetail: { reason: 'JTI_REQUIRED', explanation },
      }),
    };
  }
  if (jti.length > MAX_REVOCABLE_TOKEN_ID_LENGTH) {
    const explanation =
      `the jti has ${jti.length} characters; ` +
      `at most ${MAX_REVOCABLE_TOKEN_ID_LENGTH} can be revoked`;
    return {
      summary: explanation,
      refusal: new PublicError('MALFORMED_TOKEN', {
        extensions: { reason: 'MALFORMED_TOKEN' },
        logDetail: { reason: 'MALFORMED_TOKEN', explanation },
      }),
    };
  }
  return {
    summary:
      `${describe(jti)}; whether it was revoked (logout, token revoke) only the server's ` +
      'database can tell',
    refusal: undefined,
  };
}

function describe(jti: unknown): string {
  if (jti === undefined) return 'the token has no jti';
  if (typeof jti !== 'string') return `jti is ${JSON.stringify(jti)}, not a string`;
  if (jti === '') return 'jti is empty';
  return `jti ${JSON.stringify(jti)}`;
}
