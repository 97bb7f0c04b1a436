import {
  KeyAdministrationError,
  type IssuedKeyView,
  type KeyAdministration,
  type KeyView,
} from './key-administration.ts';
import { readKeyReference } from './read-key-reference.ts';

/** Makes a short-lived bearer token holding the admin scope plus `scopes`. */
export type AdminTokenSource = (scopes: readonly string[]) => Promise<string>;

/**
 * Key management through a running server's /api/keys, for when that server holds the
 * embedded database. Each call carries a fresh token from `tokenFor` that holds the admin
 * scope and the scopes the new key will carry (the server checks that rule for every creator).
 * A key named by the whole key is found with the key itself (`GET /api/keys/current`).
 */
export function serverKeyAdministration(
  baseUrl: string,
  tokenFor: AdminTokenSource,
  fetchImpl: typeof fetch = fetch,
): KeyAdministration {
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    credentials: { readonly token: string } | { readonly key: string },
    body?: unknown,
  ): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetchImpl(new URL(path, baseUrl), {
        method,
        headers: {
          accept: 'application/json',
          ...('token' in credentials ? { authorization: `Bearer ${credentials.token}` } : { 'x-api-key': credentials.key }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new KeyAdministrationError(
        `The server at ${baseUrl} does not answer (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const errors = json['errors'];
      const first = Array.isArray(errors) ? (errors[0] as Record<string, unknown> | undefined) : undefined;
      const message = typeof first?.['message'] === 'string' ? first['message'] : `HTTP ${response.status}`;
      throw new KeyAdministrationError(`The server at ${baseUrl} refused: ${message}`, response.status);
    }
    return json;
  };

  const listAll = async (): Promise<KeyView[]> => {
    const json = await call('GET', '/api/keys?all=true', { token: await tokenFor([]) });
    return Array.isArray(json['keys']) ? (json['keys'] as KeyView[]) : [];
  };

  /**
   * The key named by id, prefix or the key itself. A whole key is asked about with itself
   * (`GET /api/keys/current`); one the server no longer accepts (revoked, expired, replaced)
   * is then looked up by its prefix and last four characters among all keys.
   */
  const resolve = async (reference: string): Promise<KeyView> => {
    const named = readKeyReference(reference);
    if (named.kind === 'key') {
      try {
        return await call('GET', '/api/keys/current', { key: named.key });
      } catch (error) {
        if (!(error instanceof KeyAdministrationError) || error.httpStatus !== 401) throw error;
      }
    }
    const found = (await listAll()).find((view) => {
      switch (named.kind) {
        case 'id':
          return view['id'] === named.id;
        case 'prefix':
          return view['prefix'] === named.prefix;
        case 'key':
          return view['prefix'] === named.key.slice(0, 12) && view['last4'] === named.key.slice(-4);
      }
    });
    if (found === undefined) {
      throw new KeyAdministrationError(`The server at ${baseUrl} has no key ${named.kind === 'key' ? `${named.key.slice(0, 12)}...` : reference}.`);
    }
    return found;
  };

  const issued = (json: Record<string, unknown>): IssuedKeyView => {
    const { key, ...view } = json;
    if (typeof key !== 'string') throw new KeyAdministrationError(`The server at ${baseUrl} returned no key.`);
    return { key, view };
  };

  return {
    where: `server ${baseUrl}`,
    async create(body) {
      return issued(await call('POST', '/api/keys', { token: await tokenFor(body.scopes ?? []) }, body));
    },
    async list(owner) {
      if (owner === undefined) return listAll();
      const json = await call('GET', `/api/keys?owner=${encodeURIComponent(owner)}`, { token: await tokenFor([]) });
      return Array.isArray(json['keys']) ? (json['keys'] as KeyView[]) : [];
    },
    async rotate(reference, body) {
      const view = await resolve(reference);
      const scopes = Array.isArray(view['scopes']) ? view['scopes'].filter((item): item is string => typeof item === 'string') : [];
      const json = await call('POST', `/api/keys/${String(view['id'])}/rotate`, { token: await tokenFor(scopes) }, body);
      const { replaces, ...rest } = json;
      return { ...issued(rest), replaces: (replaces ?? {}) as KeyView };
    },
    async revoke(reference) {
      const view = await resolve(reference);
      if (view['revoked'] === true) return { view, alreadyRevoked: true };
      const revoked = await call('DELETE', `/api/keys/${String(view['id'])}`, { token: await tokenFor([]) });
      return { view: revoked, alreadyRevoked: false };
    },
  };
}
