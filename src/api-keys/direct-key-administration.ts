import { PublicError } from '../errors/public-error.ts';
import type { ApiKeyIssuer } from './api-key-issuer.ts';
import { describeApiKey, type ApiKeyRecord } from './api-key-record.ts';
import { readCreateKeyRequest, readRotateKeyRequest } from './api-key-requests.ts';
import type { ApiKeyStore } from './api-key-store.ts';
import type { ApiKeyVerifier } from './api-key-verifier.ts';
import { KeyAdministrationError, type KeyAdministration, type KeyView } from './key-administration.ts';
import { readKeyReference } from './read-key-reference.ts';

/** What `directKeyAdministration` works with. */
export interface DirectKeyAdministrationParts {
  readonly store: ApiKeyStore;
  readonly issuer: ApiKeyIssuer;
  readonly verifier: ApiKeyVerifier;
  /** Default grace of a rotated key, in seconds. */
  readonly rotationGraceSeconds: number;
  /** Recorded as `created_by`, e.g. `cli:alice`. */
  readonly actor: string;
  /** Clock in epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
}

/**
 * Key management on the database itself, as its operator: any owner and any scopes (whoever
 * can open the database can write the table anyway). Running servers learn about changes
 * through the table's NOTIFY triggers.
 */
export function directKeyAdministration(parts: DirectKeyAdministrationParts): KeyAdministration {
  const now = parts.now ?? Date.now;
  const view = (record: ApiKeyRecord): KeyView => describeApiKey(record, now());

  const find = async (reference: string): Promise<ApiKeyRecord> => {
    const named = readKeyReference(reference);
    let record: ApiKeyRecord | undefined;
    switch (named.kind) {
      case 'id':
        record = await parts.store.findById(named.id);
        break;
      case 'prefix':
        record = await parts.store.findByPrefix(named.prefix);
        break;
      case 'key': {
        const inspection = await parts.verifier.inspect(named.key);
        record = inspection.kind === 'found' ? inspection.record : undefined;
        break;
      }
    }
    if (record === undefined) throw new KeyAdministrationError(`No API key of this database matches ${shown(reference)}.`);
    return record;
  };

  return {
    where: 'database',
    async create(body) {
      const request = userInput(() => readCreateKeyRequest(body, now()));
      if (request.owner === undefined) {
        throw new KeyAdministrationError('Say whose key it is with --owner <subject or service name>.');
      }
      const outcome = await parts.issuer.create({
        owner: request.owner,
        name: request.name,
        scopes: request.scopes,
        expiresAt: request.expiresAt,
        createdBy: parts.actor,
        credential: undefined,
      });
      if (!outcome.created) throw new KeyAdministrationError(ownerDisabled(request.owner));
      return { key: outcome.issued.key, view: view(outcome.issued.record) };
    },
    async list(owner) {
      return (await parts.store.list(owner)).map(view);
    },
    async rotate(reference, body) {
      const request = userInput(() => readRotateKeyRequest(body, now()));
      const record = await find(reference);
      const outcome = await parts.issuer.rotate(record.id, {
        graceUntil: now() + (request.graceSeconds ?? parts.rotationGraceSeconds) * 1000,
        expiresAt: request.expiresAt,
        createdBy: parts.actor,
        credential: undefined,
      });
      if (!outcome.rotated) {
        if (outcome.refusal === 'owner_disabled') throw new KeyAdministrationError(ownerDisabled(record.owner));
        throw new KeyAdministrationError(`Key ${shown(reference)} cannot be rotated: it is ${outcome.refusal.replace('_', ' ')}.`);
      }
      return { key: outcome.issued.key, view: view(outcome.issued.record), replaces: view(outcome.previous) };
    },
    async revoke(reference) {
      const record = await find(reference);
      if (record.revoked) return { view: view(record), alreadyRevoked: true };
      const revoked = await parts.issuer.revoke(record.id);
      return { view: view(revoked ?? record), alreadyRevoked: false };
    },
  };
}

/**
 * The refusal of a key for a disabled user. The CLI passes no credential, so the database's
 * other refusal, a revoked credential, does not happen here.
 */
function ownerDisabled(owner: string): string {
  return `${owner} is a disabled user: enable the user (fraiseql-ts users enable) before creating or rotating its keys.`;
}

/** A reference as it may be echoed: never a whole key. */
function shown(reference: string): string {
  return reference.startsWith('sk_') ? `${reference.slice(0, 12)}...` : reference;
}

function userInput<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PublicError) throw new KeyAdministrationError(error.message);
    throw error;
  }
}
