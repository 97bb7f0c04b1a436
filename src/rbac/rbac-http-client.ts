import type {
  GrantOutcome,
  PermissionSummary,
  RbacAdmin,
  RoleGrantOutcome,
  RoleSummary,
  UserGrants,
} from './rbac-admin.ts';
import { RbacError } from './rbac-error.ts';
import { RBAC_ADMIN_PREFIX } from './rbac-routes.ts';

/** Thrown when the server cannot be reached or refuses the credentials (not an RBAC refusal). */
export class RbacServerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RbacServerError';
  }
}

/**
 * The admin API of a running server, as an `RbacAdmin`: what `fraiseql-ts rbac` uses when the
 * server holds the embedded database (only one process may open it). 400/404/409 answers
 * become `RbacError`s with the server's message.
 */
export class RbacHttpClient implements RbacAdmin {
  /** `baseUrl`: e.g. `http://127.0.0.1:8000`; `token`: a bearer token holding the admin scope. */
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async listRoles(): Promise<RoleSummary[]> {
    return (await this.call<{ roles: RoleSummary[] }>('GET', '/roles')).roles;
  }

  async createRole(name: string, description?: string): Promise<RoleSummary> {
    const body = { name, ...(description === undefined ? {} : { description }) };
    return (await this.call<{ role: RoleSummary }>('POST', '/roles', body)).role;
  }

  async deleteRole(name: string): Promise<void> {
    await this.call('DELETE', `/roles/${segment(name)}`);
  }

  async listPermissions(): Promise<PermissionSummary[]> {
    return (await this.call<{ permissions: PermissionSummary[] }>('GET', '/permissions')).permissions;
  }

  async createPermission(name: string, description?: string): Promise<PermissionSummary> {
    const body = { name, ...(description === undefined ? {} : { description }) };
    return (await this.call<{ permission: PermissionSummary }>('POST', '/permissions', body)).permission;
  }

  async deletePermission(name: string): Promise<void> {
    await this.call('DELETE', `/permissions/${segment(name)}`);
  }

  async grantPermission(role: string, permission: string): Promise<GrantOutcome> {
    return this.call<GrantOutcome>('PUT', `/roles/${segment(role)}/permissions/${segment(permission)}`);
  }

  async revokePermission(role: string, permission: string): Promise<void> {
    await this.call('DELETE', `/roles/${segment(role)}/permissions/${segment(permission)}`);
  }

  async grantRole(subject: string, role: string): Promise<RoleGrantOutcome> {
    return this.call<RoleGrantOutcome>('PUT', `/users/${segment(subject)}/roles/${segment(role)}`);
  }

  async revokeRole(subject: string, role: string): Promise<void> {
    await this.call('DELETE', `/users/${segment(subject)}/roles/${segment(role)}`);
  }

  async userGrants(subject: string): Promise<UserGrants> {
    return this.call<UserGrants>('GET', `/users/${segment(subject)}`);
  }

  private async call<Body>(method: string, path: string, body?: unknown): Promise<Body> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${RBAC_ADMIN_PREFIX}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new RbacServerError(`Could not reach the server at ${this.baseUrl}: ${describe(error)}`, { cause: error });
    }
    const text = await response.text();
    const parsed = parse(text);
    if (response.ok) return parsed as Body;

    const message = errorMessage(parsed) ?? `HTTP ${response.status}`;
    switch (response.status) {
      case 400:
        throw new RbacError('invalid', message);
      case 404:
        throw new RbacError(
          'not_found',
          message.startsWith('Nothing is served at')
            ? `The server at ${this.baseUrl} does not serve the admin API ([authorization] admin_api is false).`
            : message,
        );
      case 409:
        throw new RbacError('conflict', message);
      default:
        throw new RbacServerError(`The server at ${this.baseUrl} refused the request: ${message} (HTTP ${response.status}).`);
    }
  }
}

/** A path segment: subjects such as `auth0|42` or `a/b` travel intact. */
function segment(value: string): string {
  return encodeURIComponent(value);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return undefined;
  const first: unknown = errors[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const message = (first as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
