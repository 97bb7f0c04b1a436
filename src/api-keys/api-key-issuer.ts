import { isDatabaseError } from '../db/database.ts';
import { generateApiKey } from './api-key-format.ts';
import { hashApiKeyHex } from './api-key-hash.ts';
import { apiKeyStatus, type ApiKeyRecord } from './api-key-record.ts';
import type { ApiKeySecret } from './api-key-secret.ts';
import type { ApiKeyStore, CredentialRefusal } from './api-key-store.ts';
import type { CreatingCredential } from './creating-credential.ts';

/** A new key: the only moment the whole key exists outside its holder. */
export interface IssuedApiKey {
  /** The key itself. Show it once; it is never stored. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

/** What a new key is for. Authorization (who may ask for what) is the caller's job. */
export interface KeyRequest {
  readonly owner: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** Epoch milliseconds, or undefined for no expiry. */
  readonly expiresAt: number | undefined;
  /** A subject, or `cli:<user>`. */
  readonly createdBy: string;
  /**
   * The token the key is made with, checked against revocations when the key is written;
   * undefined for the CLI working on the database itself, which has no credential to check.
   */
  readonly credential: CreatingCredential | undefined;
}

/** The outcome of a creation. */
export type CreateOutcome =
  | { readonly created: true; readonly issued: IssuedApiKey }
  | { readonly created: false; readonly refusal: CredentialRefusal };

/** Why a rotation did not happen. */
export type RotationRefusal = 'not_found' | 'revoked' | 'expired' | 'already_rotated' | CredentialRefusal;

/** The outcome of a rotation. */
export type RotationOutcome =
  | { readonly rotated: true; readonly issued: IssuedApiKey; readonly previous: ApiKeyRecord }
  | { readonly rotated: false; readonly refusal: RotationRefusal };

/** Attempts before giving up on a prefix collision (about one in 2^53 per attempt). */
const PREFIX_ATTEMPTS = 3;

/**
 * Creates, rotates and revokes keys: generates the key, stores only its hash, and tells the
 * local cache about changes at once (other instances hear about them by NOTIFY).
 */
export class ApiKeyIssuer {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly secret: ApiKeySecret,
    private readonly onChange: (prefix: string) => void = () => undefined,
  ) {}

  /**
   * Creates a key; the returned `key` is the only copy. Refused when the creating credential has
   * been revoked or the owner is a disabled user by the time the key is written.
   */
  async create(request: KeyRequest): Promise<CreateOutcome> {
    const { key, result } = await this.withFreshKey((parts, keyHash) =>
      this.store.insert(
        {
          owner: request.owner,
          name: request.name,
          prefix: parts.prefix,
          last4: parts.last4,
          keyHash,
          scopes: request.scopes,
          expiresAt: request.expiresAt,
          createdBy: request.createdBy,
        },
        request.credential,
      ),
    );
    if (!result.inserted) return { created: false, refusal: result.refusal };
    return { created: true, issued: { key, record: result.record } };
  }

  /**
   * Replaces key `id` with a new key of the same owner, name and scopes. The old key keeps
   * working until `graceUntil`; `expiresAt: 'keep'` gives the new key the old key's expiry.
   * Refused, as `create` is, for a revoked credential or a disabled owner.
   */
  async rotate(
    id: string,
    options: {
      readonly graceUntil: number;
      readonly expiresAt: number | undefined | 'keep';
      readonly createdBy: string;
      readonly credential: CreatingCredential | undefined;
    },
  ): Promise<RotationOutcome> {
    const { key, result } = await this.withFreshKey((parts, keyHash) =>
      this.store.rotate(
        id,
        {
          prefix: parts.prefix,
          last4: parts.last4,
          keyHash,
          createdBy: options.createdBy,
          graceUntil: options.graceUntil,
          expiresAt: options.expiresAt,
        },
        options.credential,
      ),
    );
    if (!result.rotated) {
      return {
        rotated: false,
        refusal: result.refusal === 'not_rotatable' ? await this.whyNotRotated(id) : result.refusal,
      };
    }
    this.onChange(result.previous.prefix);
    return { rotated: true, issued: { key, record: result.replacement }, previous: result.previous };
  }

  /** Revokes key `id` now; undefined when there is no such key. Revoking twice is harmless. */
  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    const record = await this.store.revoke(id);
    if (record !== undefined) this.onChange(record.prefix);
    return record;
  }

  private async whyNotRotated(id: string): Promise<RotationRefusal> {
    const record = await this.store.findById(id);
    if (record === undefined) return 'not_found';
    const status = apiKeyStatus(record, Date.now());
    switch (status) {
      case 'revoked':
        return 'revoked';
      case 'expired':
        return 'expired';
      case 'grace':
      case 'replaced':
      case 'active':
        // `active` here means a rotation raced with ours and lost the lock check; report
        // it as rotated rather than retry behind the caller's back.
        return 'already_rotated';
    }
  }

  /** Runs `save` with a new key, drawing another when the prefix is already taken. */
  private async withFreshKey<Result>(
    save: (parts: { prefix: string; last4: string }, keyHash: string) => Promise<Result>,
  ): Promise<{ key: string; result: Result }> {
    for (let attempt = 1; ; attempt += 1) {
      const parts = generateApiKey();
      try {
        return { key: parts.key, result: await save(parts, hashApiKeyHex(this.secret.bytes(), parts.key)) };
      } catch (error) {
        const collided = isDatabaseError(error) && error.code === '23505' && error.constraint === 'api_keys_prefix_key';
        if (!collided || attempt >= PREFIX_ATTEMPTS) throw error;
      }
    }
  }
}
