import type { FastifyRequest } from 'fastify';

import { refuseApiKey } from '../auth/refuse-api-key.ts';
import { PublicError } from '../errors/public-error.ts';
import type { RoleScopes } from '../graphql/access/caller-access.ts';
import type { HttpRoutes } from '../http/create-http-server.ts';
import { requireAdministrator } from '../rbac/administrator-standing.ts';
import { passwordProblem, type PasswordHasher } from './password-hasher.ts';
import { answer, requirePrincipal } from './session-routes.ts';
import { createUserBody, readBody, setPasswordBody } from './session-requests.ts';
import type { TokenRevoker } from './token-revoker.ts';
import { UserChangeError, type UserStore, type UserSummary } from './user-store.ts';

export interface UserAdminParts {
  readonly users: UserStore;
  readonly hasher: PasswordHasher;
  /** Revokes a user's tokens when their password is set; absent when revocation is off. */
  readonly revoker?: TokenRevoker;
  readonly adminScope: string;
  readonly roleScopes: RoleScopes;
}

/**
 * The user administration API, for callers holding the admin scope in a user's token (API
 * keys are refused, whatever their scopes) and, when the caller is a database user, still
 * holding the admin permission in the database (`requireAdministrator`):
 * - `GET /auth/users`: every user (never a password hash);
 * - `POST /auth/users` `{ username, password, email?, role?, subject? }`: creates one (201);
 * - `POST /auth/users/:username/password` `{ password }`: sets it and revokes the user's tokens;
 * - `POST /auth/users/:username/disable` and `/enable` (disabling revokes every token).
 */
export function userAdminRoutes(parts: UserAdminParts): HttpRoutes {
  return (app, context) => {
    const admin = async (request: FastifyRequest): Promise<void> => {
      const principal = await requirePrincipal(context, request);
      refuseApiKey(principal, 'user administration');
      await requireAdministrator(context.permissions, principal, parts, () =>
        new PublicError('INSUFFICIENT_SCOPE', {
          extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: [parts.adminScope] },
        }),
      );
    };

    app.get(
      '/auth/users',
      answer(context, async (request) => {
        await admin(request);
        return { users: await parts.users.list() };
      }),
    );

    app.post(
      '/auth/users',
      answer(context, async (request, reply) => {
        await admin(request);
        const body = readBody(request, createUserBody);
        checkPassword(body.password);
        try {
          const user = await parts.users.create({
            username: body.username,
            passwordHash: await parts.hasher.hash(body.password),
            ...(body.email === undefined ? {} : { email: body.email }),
            ...(body.role === undefined ? {} : { role: body.role }),
            ...(body.subject === undefined ? {} : { subject: body.subject }),
          });
          reply.code(201);
          return { user };
        } catch (error) {
          throw changeError(error);
        }
      }),
    );

    app.post(
      '/auth/users/:username/password',
      answer(context, async (request) => {
        await admin(request);
        const { password } = readBody(request, setPasswordBody);
        checkPassword(password);
        const username = (request.params as { username: string }).username;
        const user = found(await parts.users.setPasswordHash(username, await parts.hasher.hash(password)), username);
        const revoked = parts.revoker === undefined ? undefined : await parts.revoker.revokeAll(user.subject, 'password set');
        return { user, tokens_revoked: revoked !== undefined };
      }),
    );

    for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
      app.post(
        `/auth/users/:username/${action}`,
        answer(context, async (request) => {
          await admin(request);
          const username = (request.params as { username: string }).username;
          return { user: found(await parts.users.setDisabled(username, disabled), username) };
        }),
      );
    }
  };
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== undefined) {
    throw new PublicError('BAD_REQUEST', { message: `Invalid request body (password: ${problem}).`, extensions: { reason: 'BAD_REQUEST' } });
  }
}

function found(user: UserSummary | undefined, username: string): UserSummary {
  if (user === undefined) {
    throw new PublicError('NOT_FOUND', { message: `No user is named "${username}".`, extensions: { reason: 'NOT_FOUND' } });
  }
  return user;
}

function changeError(error: unknown): unknown {
  if (!(error instanceof UserChangeError)) return error;
  return error.kind === 'exists'
    ? new PublicError('CONFLICT', { message: error.message, extensions: { reason: 'CONFLICT' } })
    : new PublicError('BAD_USER_INPUT', { message: error.message, extensions: { reason: 'BAD_USER_INPUT' } });
}
