/**
 * The one identity every authorization decision reads.
 *
 * Every transport turns its credentials into a `Principal` through `authenticateRequest`
 * (src/auth/authenticate-request.ts); nothing downstream looks at headers or tokens again.
 */
export interface Principal {
  /** The verified subject (`sub`, or `user_id` as in the spec page's examples). */
  readonly subject: string;
  readonly scopes: ReadonlySet<string>;
  readonly roles: ReadonlySet<string>;
  /** Every verified claim, for `inject` paths such as `jwt:org.id`. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The `jti` claim, when present (revocation keys on it). */
  readonly tokenId?: string;
  /** Epoch seconds of `exp`, when present. */
  readonly expiresAt?: number;
  /** Epoch seconds of `iat`, when present. */
  readonly issuedAt?: number;
  /**
   * The token's fingerprint (the first 12 hex digits of its SHA-256, as `token inspect` prints
   * it), for log lines about a refusal after verification (the revocation check). JWT only.
   */
  readonly tokenFingerprint?: string;
  /** How the caller proved who it is. */
  readonly method: 'jwt' | 'api_key';
}

/** The result of authentication: a verified principal, or no credentials at all. */
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'authenticated'; readonly principal: Principal };

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });
