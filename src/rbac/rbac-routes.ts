import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { refuseApiKey } from '../auth/refuse-api-key.ts';
import { PublicError } from '../errors/public-error.ts';
import type { RoleScopes } from '../graphql/access/caller-access.ts';
import type { HttpRoutes, RouteContext } from '../http/create-http-server.ts';
import { requireAdministrator } from './administrator-standing.ts';
import type { RbacAdmin } from './rbac-admin.ts';
import { RbacError } from './rbac-error.ts';

/** Where the admin API is served. */
export const RBAC_ADMIN_PREFIX = '/admin/rbac';

/** What the admin routes need. */
export interface RbacRoutesOptions {
  readonly admin: RbacAdmin;
  /** The scope every route requires (`[authorization] admin_scope`). */
  readonly adminScope: string;
  /** `[security.roles]`, so a role may grant the admin scope. */
  readonly roleScopes: RoleScopes;
  /** Called after every change, before answering (drops this instance's permission cache). */
  readonly onChange: () => void;
}

type Params = Readonly<Record<string, string>>;
type Handler = (request: FastifyRequest, params: Params) => Promise<{ status: number; body: unknown }>;

/**
 * The role and permission administration API, JSON in and out, every route guarded by the
 * admin scope in a user's token (401 without credentials, 403 without the scope, as on
 * /graphql; 403 for an API key, whatever its scopes) and, for a database user, by the admin
 * permission the user still holds now (403 PERMISSION_DENIED once demoted: see
 * `administratorStanding`):
 *
 *   GET    /admin/rbac/roles                               roles with their permissions
 *   POST   /admin/rbac/roles                {name, description?}
 *   DELETE /admin/rbac/roles/:role
 *   GET    /admin/rbac/permissions                         permissions with the roles holding them
 *   POST   /admin/rbac/permissions          {name, description?}
 *   DELETE /admin/rbac/permissions/:permission
 *   PUT    /admin/rbac/roles/:role/permissions/:permission  grant a permission to a role
 *   DELETE /admin/rbac/roles/:role/permissions/:permission  revoke it
 *   GET    /admin/rbac/users/:subject                      a user's roles and permissions
 *   PUT    /admin/rbac/users/:subject/roles/:role          grant a role (creates the user row)
 *   DELETE /admin/rbac/users/:subject/roles/:role          revoke it
 *
 * Refusals use the catalogue: 400 BAD_REQUEST, 404 NOT_FOUND, 409 CONFLICT.
 */
export function rbacRoutes(options: RbacRoutesOptions): HttpRoutes {
  const { admin } = options;
  return (app: FastifyInstance, context: RouteContext) => {
    const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: Handler, action?: string) => {
      app.route({
        method,
        url: `${RBAC_ADMIN_PREFIX}${path}`,
        handler: async (request, reply) => serve(request, reply, context, options, handler, action),
      });
    };

    route('GET', '/roles', async () => ({ status: 200, body: { roles: await admin.listRoles() } }));
    route(
      'POST',
      '/roles',
      async (request) => {
        const body = readNamedBody(request.body);
        return { status: 201, body: { role: await admin.createRole(body.name, body.description) } };
      },
      'create role',
    );
    route(
      'DELETE',
      '/roles/:role',
      async (_request, params) => {
        await admin.deleteRole(param(params, 'role'));
        return { status: 200, body: { deleted: true, role: param(params, 'role') } };
      },
      'delete role',
    );

    route('GET', '/permissions', async () => ({
      status: 200,
      body: { permissions: await admin.listPermissions() },
    }));
    route(
      'POST',
      '/permissions',
      async (request) => {
        const body = readNamedBody(request.body);
        return {
          status: 201,
          body: { permission: await admin.createPermission(body.name, body.description) },
        };
      },
      'create permission',
    );
    route(
      'DELETE',
      '/permissions/:permission',
      async (_request, params) => {
        await admin.deletePermission(param(params, 'permission'));
        return { status: 200, body: { deleted: true, permission: param(params, 'permission') } };
      },
      'delete permission',
    );

    route(
      'PUT',
      '/roles/:role/permissions/:permission',
      async (_request, params) => {
        const role = param(params, 'role');
        const permission = param(params, 'permission');
        const outcome = await admin.grantPermission(role, permission);
        return { status: 200, body: { granted: true, role, permission, ...outcome } };
      },
      'grant permission',
    );
    route(
      'DELETE',
      '/roles/:role/permissions/:permission',
      async (_request, params) => {
        const role = param(params, 'role');
        const permission = param(params, 'permission');
        await admin.revokePermission(role, permission);
        return { status: 200, body: { revoked: true, role, permission } };
      },
      'revoke permission',
    );

    route('GET', '/users/:subject', async (_request, params) => ({
      status: 200,
      body: await admin.userGrants(param(params, 'subject')),
    }));
    route(
      'PUT',
      '/users/:subject/roles/:role',
      async (_request, params) => {
        const subject = param(params, 'subject');
        const role = param(params, 'role');
        const outcome = await admin.grantRole(subject, role);
        return { status: 200, body: { granted: true, subject, role, ...outcome } };
      },
      'grant role',
    );
    route(
      'DELETE',
      '/users/:subject/roles/:role',
      async (_request, params) => {
        const subject = param(params, 'subject');
        const role = param(params, 'role');
        await admin.revokeRole(subject, role);
        return { status: 200, body: { revoked: true, subject, role } };
      },
      'revoke role',
    );
  };
}

async function serve(
  request: FastifyRequest,
  reply: FastifyReply,
  context: RouteContext,
  options: RbacRoutesOptions,
  handler: Handler,
  action: string | undefined,
): Promise<FastifyReply> {
  try {
    const caller = await context.authenticate(request);
    if (caller.kind === 'anonymous') {
      throw new PublicError('MISSING_TOKEN', { extensions: { reason: 'MISSING_TOKEN' } });
    }
    refuseApiKey(caller.principal, 'role administration');
    await requireAdministrator(context.permissions, caller.principal, options, () =>
      new PublicError('INSUFFICIENT_SCOPE', {
        extensions: { reason: 'INSUFFICIENT_SCOPE', requiredScopes: [options.adminScope] },
        logDetail: { subject: caller.principal.subject, route: request.routeOptions.url },
      }),
    );
    if (request.method === 'POST' && !isJson(request.headers['content-type'])) {
      throw new PublicError('UNSUPPORTED_MEDIA_TYPE');
    }
    const params = (request.params ?? {}) as Params;
    const result = await handler(request, params);
    if (action !== undefined) {
      options.onChange();
      request.log.info({ admin: caller.principal.subject, action, ...params }, `rbac: ${action}`);
    }
    return reply.code(result.status).type('application/json; charset=utf-8').send(JSON.stringify(result.body));
  } catch (error) {
    if (error instanceof PublicError) return context.sendError(request, reply, error);
    if (error instanceof RbacError) return context.sendError(request, reply, toPublicError(error));
    request.log.error({ err: error }, 'rbac admin request failed');
    return context.sendError(request, reply, new PublicError('INTERNAL'));
  }
}

function toPublicError(error: RbacError): PublicError {
  switch (error.kind) {
    case 'invalid':
      return new PublicError('BAD_REQUEST', { message: error.message });
    case 'not_found':
      return new PublicError('NOT_FOUND', { message: error.message });
    case 'conflict':
      return new PublicError('CONFLICT', { message: error.message });
  }
}

/** `{ "name": "...", "description": "..." }` and nothing else. */
function readNamedBody(body: unknown): { name: string; description?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RbacError('invalid', 'Send a JSON object such as {"name": "editor", "description": "..."}.');
  }
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'name' && key !== 'description');
  if (unknown.length > 0) {
    throw new RbacError('invalid', `Unknown field(s) ${unknown.join(', ')}: only "name" and "description" are accepted.`);
  }
  if (typeof record.name !== 'string') throw new RbacError('invalid', 'The body needs a "name" string.');
  const description = record.description;
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw new RbacError('invalid', 'The "description" must be a string.');
  }
  return { name: record.name, ...(typeof description === 'string' ? { description } : {}) };
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function param(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined) throw new RbacError('invalid', `The path needs a ${name}.`);
  return value;
}
