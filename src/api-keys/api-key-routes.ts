import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Principal } from '../auth/principal.ts';
import { PublicError } from '../errors/public-error.ts';
import { callerAccess, type CallerAccess, type RoleScopes } from '../graphql/access/caller-access.ts';
import type { HttpRoutes, RouteContext } from '../http/create-http-server.ts';
import { adminPermissionLost, administratorStanding, type AdministratorStanding } from '../rbac/administrator-standing.ts';
import type { ApiKeyIssuer, RotationRefusal } from './api-key-issuer.ts';
import { describeApiKey, type ApiKeyRecord } from './api-key-record.ts';
import { readCreateKeyRequest, readRotateKeyRequest } from './api-key-requests.ts';
import type { ApiKeyStore, CredentialRefusal } from './api-key-store.ts';
import { creatingCredentialOf } from './creating-credential.ts';

/** Options of `apiKeyRoutes`. */
export interface ApiKeyRoutesOptions {
  readonly issuer: ApiKeyIssuer;
  readonly store: ApiKeyStore;
  /** `[security.roles]`: scopes granted by roles count as held when checking key scopes. */
  readonly roleScopes: RoleScopes;
  /** The scope that lets a token manage every owner's keys. */
  readonly adminScope: string;
  /** Default grace of a rotated key, in seconds. */
  readonly rotationGraceSeconds: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
}

/** A request's authenticated token holder and what it may do. */
interface Manager {
  readonly principal: Principal;
  readonly access: CallerAccess;
  /**
   * Whether it may manage other owners' keys now (`administratorStanding`: the admin scope,
   * and a database user's admin permission). Asked only when needed, at most once a request.
   */
  readonly standing: () => Promise<AdministratorStanding>;
}

/**
 * The key management API. Managing keys takes a bearer token (JWT): a request made with an API
 * key is refused, so a leaked key can neither mint new keys nor outlive its own revocation.
 * The one exception is `/api/keys/current`, where a key may describe or revoke itself.
 *
 * - `POST /api/keys` {name, scopes, expires_in | expires_at, owner?}: 201 with `key`, shown once.
 *   Every scope must be held by the creator (in its token, or granted by its roles); `owner`
 *   other than the caller needs the admin scope.
 * - `GET /api/keys` (`?owner=` or `?all=true` for admins): the caller's keys, never a secret.
 * - `POST /api/keys/{id}/rotate` {grace?, expires_in | expires_at}: 201 with the new key; the
 *   old one keeps working for the grace time.
 * - `DELETE /api/keys/{id}`: revoke now.
 * - `GET` / `DELETE /api/keys/current` with the key itself: describe or revoke that key.
 *
 * Keys of other owners answer 404 to non-admins, as if they did not exist. The admin scope in a
 * token counts only while a database user still holds the permission of that name (403
 * PERMISSION_DENIED for a demoted administrator's token, whatever the key).
 */
export function apiKeyRoutes(options: ApiKeyRoutesOptions): HttpRoutes {
  const now = options.now ?? Date.now;

  return (app, context) => {
    const guarded =
      (handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
      async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
        try {
          return await handler(request, reply);
        } catch (error) {
          if (error instanceof PublicError) return context.sendError(request, reply, error);
          throw error;
        }
      };
    const manager = (request: FastifyRequest): Promise<Manager> => tokenHolder(context, request, options);
    const requireAdmin = async (who: Manager, what: string): Promise<void> => {
      const standing = await who.standing();
      if (standing === 'scope-missing') throw needsAdmin(options.adminScope, what);
      if (standing === 'permission-lost') throw adminPermissionLost(who.principal, options.adminScope);
    };
    const visible = async (who: Manager, request: FastifyRequest): Promise<ApiKeyRecord> => {
      const record = await options.store.findById(idParam(request));
      if (record !== undefined && record.owner === who.principal.subject) return record;
      // Decided before telling whether the key exists: a demoted administrator learns nothing.
      const standing = await who.standing();
      if (standing === 'permission-lost') throw adminPermissionLost(who.principal, options.adminScope);
      if (record === undefined || standing !== 'admin') {
        throw new PublicError('NOT_FOUND', { message: 'No API key with this id belongs to you.' });
      }
      return record;
    };

    app.post(
      '/api/keys',
      guarded(async (request, reply) => {
        const who = await manager(request);
        const body = readCreateKeyRequest(request.body, now());
        const owner = body.owner ?? who.principal.subject;
        if (owner !== who.principal.subject) await requireAdmin(who, 'create a key for another owner');
        requireHeld(who, body.scopes);
        const outcome = await options.issuer.create({
          owner,
          name: body.name,
          scopes: body.scopes,
          expiresAt: body.expiresAt,
          createdBy: who.principal.subject,
          credential: creatingCredentialOf(who.principal),
        });
        if (!outcome.created) throw credentialRefused(outcome.refusal, who.principal, owner);
        const { issued } = outcome;
        return reply.code(201).send({
          key: issued.key,
          ...describeApiKey(issued.record, now()),
          notice: 'Store this key now: it is shown only once and cannot be recovered.',
        });
      }),
    );

    app.get(
      '/api/keys',
      guarded(async (request, reply) => {
        const who = await manager(request);
        const query = (request.query ?? {}) as Record<string, unknown>;
        const all = query['all'] === 'true' || query['all'] === '1';
        const owner = typeof query['owner'] === 'string' ? query['owner'] : undefined;
        if (all || (owner !== undefined && owner !== who.principal.subject)) {
          await requireAdmin(who, "list other owners' keys");
        }
        const records = await options.store.list(all ? undefined : (owner ?? who.principal.subject));
        return reply.send({ keys: records.map((record) => describeApiKey(record, now())) });
      }),
    );

    app.get(
      '/api/keys/current',
      guarded(async (request, reply) => reply.send(describeApiKey(await currentKey(context, request, options.store), now()))),
    );

    app.delete(
      '/api/keys/current',
      guarded(async (request, reply) => {
        const record = await currentKey(context, request, options.store);
        const revoked = await options.issuer.revoke(record.id);
        return reply.send(describeApiKey(revoked ?? record, now()));
      }),
    );

    app.post(
      '/api/keys/:id/rotate',
      guarded(async (request, reply) => {
        const who = await manager(request);
        const body = readRotateKeyRequest(request.body, now());
        const record = await visible(who, request);
        // The new key is a new grant: its rotator must still hold every scope it carries.
        requireHeld(who, record.scopes);
        const graceSeconds = body.graceSeconds ?? options.rotationGraceSeconds;
        const outcome = await options.issuer.rotate(record.id, {
          graceUntil: now() + graceSeconds * 1000,
          expiresAt: body.expiresAt,
          createdBy: who.principal.subject,
          credential: creatingCredentialOf(who.principal),
        });
        if (!outcome.rotated) throw rotationRefused(outcome.refusal, who.principal, record.owner);
        return reply.code(201).send({
          key: outcome.issued.key,
          ...describeApiKey(outcome.issued.record, now()),
          replaces: describeApiKey(outcome.previous, now()),
          notice: 'Store this key now: it is shown only once. The old key works until its grace_until.',
        });
      }),
    );

    app.delete(
      '/api/keys/:id',
      guarded(async (request, reply) => {
        const who = await manager(request);
        const record = await visible(who, request);
        const revoked = await options.issuer.revoke(record.id);
        return reply.send(describeApiKey(revoked ?? record, now()));
      }),
    );
  };

  function requireHeld(who: Manager, scopes: readonly string[]): void {
    const missing = who.access.missingScopes(scopes);
    if (missing.length > 0) {
      throw new PublicError('API_KEY_SCOPE_NOT_HELD', {
        extensions: { reason: 'API_KEY_SCOPE_NOT_HELD', scopes: missing },
        logDetail: { subject: who.principal.subject, missing },
      });
    }
  }
}

/** The token holder of a management request. @throws PublicError when there is none. */
async function tokenHolder(
  context: RouteContext,
  request: FastifyRequest,
  options: ApiKeyRoutesOptions,
): Promise<Manager> {
  const caller = await context.authenticate(request);
  if (caller.kind === 'anonymous') {
    throw new PublicError('MISSING_TOKEN', { extensions: { reason: 'MISSING_TOKEN' }, logDetail: { route: 'api keys' } });
  }
  if (caller.principal.method === 'api_key') {
    throw new PublicError('API_KEY_MANAGEMENT_NEEDS_TOKEN', {
      extensions: { reason: 'API_KEY_MANAGEMENT_NEEDS_TOKEN' },
      logDetail: { keyId: caller.principal.claims['api_key_id'] },
    });
  }
  const { principal } = caller;
  const access = callerAccess(caller, options.roleScopes);
  let standing: Promise<AdministratorStanding> | undefined;
  return {
    principal,
    access,
    standing: () => (standing ??= administratorStanding(context.permissions, principal, options)),
  };
}

/** The key a request is made with (`/api/keys/current`). */
async function currentKey(context: RouteContext, request: FastifyRequest, store: ApiKeyStore): Promise<ApiKeyRecord> {
  const caller = await context.authenticate(request);
  const id = caller.kind === 'authenticated' ? caller.principal.claims['api_key_id'] : undefined;
  if (caller.kind === 'anonymous' || caller.principal.method !== 'api_key' || typeof id !== 'string') {
    throw new PublicError('BAD_REQUEST', {
      message: '/api/keys/current is about the API key a request is made with: send it as X-API-Key: sk_...',
    });
  }
  const record = await store.findById(id);
  if (record === undefined) throw new PublicError('INVALID_API_KEY', { extensions: { reason: 'INVALID_API_KEY' } });
  return record;
}

function idParam(request: FastifyRequest): string {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const id = params['id'];
  return typeof id === 'string' ? id : '';
}

function needsAdmin(adminScope: string, what: string): PublicError {
  return new PublicError('INSUFFICIENT_SCOPE', {
    extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: [adminScope] },
    logDetail: { why: `only holders of ${adminScope} may ${what}` },
  });
}

/**
 * The answer when the database refused to write a key (built-in migration 010): the token was
 * revoked by the time the key was written (its jti, its session, or a revoke-all of its subject
 * since it was issued), which the token's own check had not seen yet; or the owner is a
 * disabled user, whose keys would not work.
 */
function credentialRefused(refusal: CredentialRefusal, principal: Principal, owner: string): PublicError {
  switch (refusal) {
    case 'credential_revoked':
      return new PublicError('TOKEN_REVOKED', {
        extensions: { reason: 'TOKEN_REVOKED' },
        logDetail: {
          explanation:
            'the token was revoked (its jti, its session, or a revoke-all of its subject) before the key was written',
          subject: principal.subject,
          ...(principal.tokenId === undefined ? {} : { tokenId: principal.tokenId }),
        },
      });
    case 'owner_disabled':
      return new PublicError('CONFLICT', {
        message: `The owner of this key, ${owner}, is a disabled user: enable the user before creating or rotating its keys.`,
      });
  }
}

function rotationRefused(refusal: RotationRefusal, principal: Principal, owner: string): PublicError {
  switch (refusal) {
    case 'credential_revoked':
    case 'owner_disabled':
      return credentialRefused(refusal, principal, owner);
    case 'not_found':
      return new PublicError('NOT_FOUND', { message: 'No API key with this id belongs to you.' });
    case 'revoked':
      return new PublicError('CONFLICT', { message: 'This API key is revoked; create a new key instead of rotating it.' });
    case 'expired':
      return new PublicError('CONFLICT', { message: 'This API key has expired; create a new key instead of rotating it.' });
    case 'already_rotated':
      return new PublicError('CONFLICT', {
        message: 'This API key was already rotated; rotate its replacement (replaced_by) instead.',
      });
  }
}
