import { isDatabaseError } from '../db/database.ts';
import { generateApiKey } from './api-key-format.ts';
import { hashApiKeyHex } from './api-key-hash.ts';
import { apiKeyStatus, type ApiKeyRecord } from './api-key-record.ts';
import type { ApiKeySecret } from './api-key-secret.ts';
import type { ApiKeyStore } from './api-key-store.ts';

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
}

/** Why a rotation did not happen. */
export type RotationRefusal = 'not_found' | 'revoked' | 'expired' | 'already_rotated';

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

  /** Creates a key; the returned `key` is the only copy. */
  async create(request: KeyRequest): Promise<IssuedApiKey> {
    const issued = await this.withFreshKey(async (parts, keyHash) =>
      this.store.insert({
        owner: request.owner,
        name: request.name,
        prefix: parts.prefix,
        last4: parts.last4,
        keyHash,
        scopes: request.scopes,
        expiresAt: request.expiresAt,
        createdBy: request.createdBy,
      }),
    );
    if (issued === undefined) throw new Error('API key insert returned no row');
    return issued;
  }

  /**
   * Replaces key `id` with a new key of the same owner, name and scopes. The old key keeps
   * working until `graceUntil`; `expiresAt: 'keep'` gives the new key the old key's expiry.
   */
  async rotate(
    id: string,
    options: { readonly graceUntil: number; readonly expiresAt: number | undefined | 'keep'; readonly createdBy: string },
  ): Promise<RotationOutcome> {
    let previous: ApiKeyRecord | undefined;
    const issued = await this.withFreshKey(async (parts, keyHash) => {
      const result = await this.store.rotate(id, {
        prefix: parts.prefix,
        last4: parts.last4,
        keyHash,
        createdBy: options.createdBy,
        graceUntil: options.graceUntil,
        expiresAt: options.expiresAt,
      });
      previous = result?.previous;
      return result?.replacement;
    });
    if (issued === undefined || previous === undefined) {
      return { rotated: false, refusal: await this.whyNotRotated(id) };
    }
    this.onChange(previous.prefix);
    return { rotated: true, issued, previous };
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
  private async withFreshKey(
    save: (parts: { prefix: string; last4: string }, keyHash: string) => Promise<ApiKeyRecord | undefined>,
  ): Promise<IssuedApiKey | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const parts = generateApiKey();
      try {
        const record = await save(parts, hashApiKeyHex(this.secret.bytes(), parts.key));
        return record === undefined ? undefined : { key: parts.key, record };
      } catch (error) {
        const collided = isDatabaseError(error) && error.code === '23505' && error.constraint === 'api_keys_prefix_key';
        if (!collided || attempt >= PREFIX_ATTEMPTS) throw error;
      }
    }
  }
}
