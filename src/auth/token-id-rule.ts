import { PublicError } from '../errors/public-error.ts';
import { controlCharacterIn } from './control-character.ts';

/**
 * What the server's revocation check demands of a token's `jti` (RFC 7519 §4.1.7), so that
 * `token inspect` gives the same verdict as a request. The check itself lives in
 * src/sessions/cached-revocation-check.ts; this is its description for offline inspection.
 */
export interface TokenIdRule {
  /** Revocation is on (`[revocation] enabled`): every verified token is looked up by `jti`. */
  readonly revocationEnabled: boolean;
  /**
   * `[revocation] require_jti`: a token without a string `jti` (or with an empty or blank one)
   * is refused (JTI_REQUIRED).
   */
  readonly requireTokenId: boolean;
}

/** No revocation check: what a caller of `inspectToken` without a project gets. */
export const NO_REVOCATION: TokenIdRule = Object.freeze({
  revocationEnabled: false,
  requireTokenId: false,
});

/** The longest `jti` the revocation store keeps; a longer one is refused as malformed. */
export const MAX_REVOCABLE_TOKEN_ID_LENGTH = 255;

/**
 * The token's `jti` as revocation uses it: a string with something besides whitespace. An
 * empty or blank `jti` cannot name this token alone (every token with `"jti": ""` would share
 * it), so it counts as no `jti` at all.
 */
export function tokenIdOf(payload: Readonly<Record<string, unknown>>): string | undefined {
  const jti = payload['jti'];
  return typeof jti === 'string' && jti.trim() !== '' ? jti : undefined;
}

/**
 * Why a token's `jti` is malformed whatever the configuration, or undefined: a `jti` that
 * counts (see `tokenIdOf`) holding a control character (U+0000 to U+001F). No issuer needs one,
 * and a NUL cannot be bound as PostgreSQL text, so the revocation lookup would fail as if the
 * store were down (503, or the check skipped with `fail_open`). The verifier refuses such a
 * token before any lookup, with MALFORMED_TOKEN.
 */
export function tokenIdProblem(payload: Readonly<Record<string, unknown>>): string | undefined {
  const tokenId = tokenIdOf(payload);
  const control = tokenId === undefined ? undefined : controlCharacterIn(tokenId);
  return control === undefined
    ? undefined
    : `the jti holds a control character (${control}); a token id must be text without U+0000 to U+001F`;
}

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
  const tokenId = tokenIdOf(payload);
  const malformed = tokenIdProblem(payload);
  if (malformed !== undefined) {
    return {
      summary: malformed,
      refusal: new PublicError('MALFORMED_TOKEN', {
        extensions: { reason: 'MALFORMED_TOKEN' },
        logDetail: { reason: 'MALFORMED_TOKEN', explanation: malformed },
      }),
    };
  }
  if (!rule.revocationEnabled) {
    return {
      summary: `${describe(jti)}; revocation is off, so it is not checked`,
      refusal: undefined,
    };
  }
  if (tokenId === undefined) {
    if (!rule.requireTokenId) {
      return {
        summary:
          `${describe(jti)}; accepted, but such a token can only be revoked with its subject`,
        refusal: undefined,
      };
    }
    const explanation =
      `${describe(jti)}: revocation is on and needs a non-empty string jti to revoke a ` +
      'token alone; issue tokens with a jti (fraiseql-ts token issue does) or set ' +
      '[revocation] require_jti = false';
    return {
      summary: explanation,
      refusal: new PublicError('JTI_REQUIRED', {
        extensions: { reason: 'JTI_REQUIRED' },
        logDetail: { reason: 'JTI_REQUIRED', explanation },
      }),
    };
  }
  if (tokenId.length > MAX_REVOCABLE_TOKEN_ID_LENGTH) {
    const explanation =
      `the jti has ${tokenId.length} characters; ` +
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
      `${describe(tokenId)}; whether it was revoked (logout, token revoke) only the server's ` +
      'database can tell',
    refusal: undefined,
  };
}

function describe(jti: unknown): string {
  if (jti === undefined) return 'the token has no jti';
  if (typeof jti !== 'string') return `jti is ${JSON.stringify(jti)}, not a string`;
  if (jti.trim() === '') return `jti is ${JSON.stringify(jti)}, empty, which counts as no jti`;
  return `jti ${JSON.stringify(jti)}`;
}
