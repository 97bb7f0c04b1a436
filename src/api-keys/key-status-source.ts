import type { ApiKeyIssuer } from './api-key-issuer.ts';
import type { ApiKeyVerifier } from './api-key-verifier.ts';

/**
 * Where a found key stands. From the database: `active`, `grace` (rotated, still accepted),
 * `revoked`, `expired`, `replaced`, `not_found` (no key of this database). From a running
 * server: `active`/`grace`, or `inactive` (it answers Invalid API key, without saying why).
 * `unknown`: nothing could be asked.
 */
export type LeakStatus = 'active' | 'grace' | 'revoked' | 'expired' | 'replaced' | 'not_found' | 'inactive' | 'unknown';

/** The status of one key, with what is safe to show about it. */
export interface KeyStatusReport {
  readonly status: LeakStatus;
  readonly id?: string;
  readonly owner?: string;
  readonly name?: string;
  /** Why the status is what it is, when that is not obvious (an unreachable server...). */
  readonly detail?: string;
}

/** Tells whether keys are active, and revokes them. */
export interface KeyStatusSource {
  /** For the report: `database postgres://...`, `server http://...`, `none`. */
  readonly description: string;
  check(key: string): Promise<KeyStatusReport>;
  /** Revokes the key when it is active; resolves to its status afterwards. */
  revoke(key: string): Promise<KeyStatusReport>;
}

/** True for the statuses of a key that still works. */
export function isStillActive(status: LeakStatus): boolean {
  return status === 'active' || status === 'grace';
}

/** Asks the project's database directly (the key's HMAC is checked, not only its prefix). */
export function databaseStatusSource(description: string, verifier: ApiKeyVerifier, issuer: ApiKeyIssuer): KeyStatusSource {
  const check = async (key: string): Promise<KeyStatusReport> => {
    const inspection = await verifier.inspect(key);
    switch (inspection.kind) {
      case 'malformed':
      case 'unknown':
        return { status: 'not_found' };
      case 'found': {
        const { record, status } = inspection;
        return { status, id: record.id, owner: record.owner, name: record.name };
      }
    }
  };
  return {
    description,
    check,
    async revoke(key) {
      const before = await check(key);
      if (!isStillActive(before.status) || before.id === undefined) return before;
      await issuer.revoke(before.id);
      return check(key);
    },
  };
}

/**
 * Asks a running server (`GET` / `DELETE /api/keys/current` with the key itself), for when the
 * database cannot be opened here, e.g. an embedded database held by that server.
 */
export function serverStatusSource(baseUrl: string, fetchImpl: typeof fetch = fetch): KeyStatusSource {
  const call = async (method: 'GET' | 'DELETE', key: string): Promise<KeyStatusReport> => {
    let response: Response;
    try {
      response = await fetchImpl(new URL('/api/keys/current', baseUrl), {
        method,
        headers: { 'x-api-key': key, accept: 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return { status: 'unknown', detail: `the server at ${baseUrl} did not answer (${error instanceof Error ? error.message : String(error)})` };
    }
    if (response.status === 401) {
      return { status: 'inactive', detail: 'the server answers Invalid API key (revoked, expired, replaced or not one of its keys)' };
    }
    if (!response.ok) {
      return { status: 'unknown', detail: `the server at ${baseUrl} answered HTTP ${response.status}` };
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const status = typeof body['status'] === 'string' && isLeakStatus(body['status']) ? body['status'] : 'unknown';
    return {
      status,
      ...(typeof body['id'] === 'string' ? { id: body['id'] } : {}),
      ...(typeof body['owner'] === 'string' ? { owner: body['owner'] } : {}),
      ...(typeof body['name'] === 'string' ? { name: body['name'] } : {}),
    };
  };
  return {
    description: `server ${baseUrl}`,
    check: (key) => call('GET', key),
    async revoke(key) {
      const before = await call('GET', key);
      return isStillActive(before.status) ? call('DELETE', key) : before;
    },
  };
}

/** No database and no server: every key's status is unknown. */
export function noStatusSource(why: string): KeyStatusSource {
  const report: KeyStatusReport = { status: 'unknown', detail: why };
  return { description: 'none', check: async () => report, revoke: async () => report };
}

function isLeakStatus(value: string): value is LeakStatus {
  return ['active', 'grace', 'revoked', 'expired', 'replaced', 'not_found', 'inactive', 'unknown'].includes(value);
}
