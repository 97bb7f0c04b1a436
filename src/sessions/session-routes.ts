import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Principal } from '../auth/principal.ts';
import { refuseApiKey } from '../auth/refuse-api-key.ts';
import { PublicError } from '../errors/public-error.ts';
import type { RoleScopes } from '../graphql/access/caller-access.ts';
import type { HttpRoutes, RouteContext } from '../http/create-http-server.ts';
import { requireAdministrator } from '../rbac/administrator-standing.ts';
import type { SessionIssuer } from './session-issuer.ts';
import { loginBody, logoutBody, readBody, refreshBody, revokeAllBody } from './session-requests.ts';
import type { TokenRevoker } from './token-revoker.ts';

/** What the /auth routes are built from; an absent part answers with the reason it is off. */
export interface SessionRoutesParts {
  /** Login and refresh; or why they are off. */
  readonly issuer: SessionIssuer | { readonly off: string };
  /** Logout and revoke-all; or why they are off. */
  readonly revoker: TokenRevoker | { readonly off: string };
  /** Scope that may revoke another user's tokens. */
  readonly adminScope: string;
  readonly roleScopes: RoleScopes;
}

/** A route body: returns the JSON to send (it may set the status), or throws a PublicError. */
type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Runs a handler; catalogue errors go out the way /graphql sends them. */
export function answer(context: RouteContext, handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const body = await handler(request, reply);
      return reply.type('application/json; charset=utf-8').send(body);
    } catch (error) {
      if (error instanceof PublicError) return context.sendError(request, reply, error);
      throw error;
    }
  };
}

/** The authenticated caller's principal, or MISSING_TOKEN. */
export async function requirePrincipal(context: RouteContext, request: FastifyRequest): Promise<Principal> {
  const caller = await context.authenticate(request);
  if (caller.kind === 'anonymous') {
    throw new PublicError('MISSING_TOKEN', { extensions: { reason: 'MISSING_TOKEN' } });
  }
  return caller.principal;
}

/**
 * `POST /auth/login`, `/auth/refresh`, `/auth/logout` and `/auth/revoke-all`, answering JSON.
 * Errors have the /graphql error body and status (401 with WWW-Authenticate, ...).
 */
export function sessionRoutes(parts: SessionRoutesParts): HttpRoutes {
  return (app, context) => {
    const issuer = (): SessionIssuer => {
      if ('off' in parts.issuer) {
        throw new PublicError('LOGIN_UNAVAILABLE', {
          message: `Login is off on this server: ${parts.issuer.off}.`,
          extensions: { reason: 'LOGIN_UNAVAILABLE' },
        });
      }
      return parts.issuer;
    };
    const revoker = (): TokenRevoker => {
      if ('off' in parts.revoker) {
        throw new PublicError('REVOCATION_DISABLED', {
          message: `Tokens cannot be revoked on this server: ${parts.revoker.off}.`,
          extensions: { reason: 'REVOCATION_DISABLED' },
        });
      }
      return parts.revoker;
    };

    app.post(
      '/auth/login',
      answer(context, async (request) => {
        const service = issuer();
        const body = readBody(request, loginBody);
        return service.login({
          username: body.username,
          password: body.password,
          ...(body.scopes === undefined ? {} : { scopes: body.scopes }),
        });
      }),
    );

    app.post(
      '/auth/refresh',
      answer(context, async (request) => {
        const service = issuer();
        return service.refresh(readBody(request, refreshBody).refresh_token);
      }),
    );

    // With a bearer token: that token and its session. Without one, a refresh token in the
    // body ends its session, so a client whose access token expired can still log out.
    app.post(
      '/auth/logout',
      answer(context, async (request) => {
        const service = revoker();
        const body = readBody(request, logoutBody);
        const hasCredentials =
          request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
        if (!hasCredentials && body.refresh_token !== undefined) {
          return service.logoutWithRefreshToken(body.refresh_token);
        }
        const principal = await requirePrincipal(context, request);
        if (principal.method !== 'jwt') {
          throw new PublicError('BAD_REQUEST', {
            message: 'An API key is not a session: revoke it through the API key administration instead.',
            extensions: { reason: 'BAD_REQUEST' },
          });
        }
        return service.logout(principal);
      }),
    );

    app.post(
      '/auth/revoke-all',
      answer(context, async (request) => {
        const service = revoker();
        const body = readBody(request, revokeAllBody);
        const principal = await requirePrincipal(context, request);
        refuseApiKey(principal, '/auth/revoke-all');
        const target = body.sub ?? principal.subject;
        if (target !== principal.subject) {
          // Another subject's tokens: an administrative action, checked like /auth/users.
          await requireAdministrator(context.permissions, principal, parts, () =>
            new PublicError('REVOKE_OTHER_FORBIDDEN', {
              extensions: { reason: 'REVOKE_OTHER_FORBIDDEN', requiredScopes: [parts.adminScope] },
            }),
          );
        }
        const reason = target === principal.subject ? 'revoke-all' : `revoke-all by ${principal.subject}`;
        return service.revokeAll(target, reason);
      }),
    );
  };
}
