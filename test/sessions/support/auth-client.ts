/**
 * Calls to the /auth routes and /graphql of a test server through fastify.inject, and the
 * example's login users.
 *
 *   const tokens = await login(server.app, 'alice', ['read:posts']);
 *   const reply = await graphql(server.app, '{ posts { title } }', tokens.access_token);
 */
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';

/** The development password of the example's seeded users (examples/blog/migrations/006). */
export const DEMO_PASSWORD = 'fraiseql-demo-password';

export const ALICE = '11111111-1111-1111-1111-111111111111';
export const BOB = '22222222-2222-2222-2222-222222222222';
export const CAROL = '33333333-3333-3333-3333-333333333333';

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  // The JSON body; tests read the keys they expect.
  readonly json: Record<string, unknown> & {
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    data?: Record<string, unknown> | null;
  };
  readonly text: string;
}

/** A login or refresh response. */
export interface Tokens {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly scope: string;
}

/** POST `url` with a JSON body (or none) and optional bearer token. */
export async function post(
  app: FastifyInstance,
  url: string,
  body?: unknown,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.statusCode, headers: response.headers, json: parse(response.body), text: response.body };
}

/** GET `url` with an optional bearer token. */
export async function get(app: FastifyInstance, url: string, token?: string): Promise<Reply> {
  const response = await app.inject({
    method: 'GET',
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.statusCode, headers: response.headers, json: parse(response.body), text: response.body };
}

/** POST /auth/login; fails the test unless it succeeds. */
export async function login(
  app: FastifyInstance,
  username: string,
  scopes?: readonly string[],
  password = DEMO_PASSWORD,
): Promise<Tokens> {
  const reply = await post(app, '/auth/login', { username, password, ...(scopes === undefined ? {} : { scopes }) });
  if (reply.status !== 200) throw new Error(`login of ${username} failed: ${reply.status} ${reply.text}`);
  return reply.json as unknown as Tokens;
}

/** POST /graphql. */
export function graphql(app: FastifyInstance, query: string, token?: string, variables?: Record<string, unknown>): Promise<Reply> {
  return post(app, '/graphql', { query, ...(variables === undefined ? {} : { variables }) }, token === undefined ? {} : { token });
}

/** The first error's message and `extensions.reason`. */
export function refusal(reply: Reply): { status: number; message: string | undefined; reason: unknown } {
  const error = reply.json.errors?.[0];
  return { status: reply.status, message: error?.message, reason: error?.extensions?.['reason'] };
}

/** The claims of a token, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return decodeJwt(token);
}

function parse(text: string): Reply['json'] {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Reply['json']) : {};
  } catch {
    return {};
  }
}
