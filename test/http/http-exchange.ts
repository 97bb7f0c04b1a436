/**
 * Raw HTTP exchanges with a test server through fastify.inject, for requests the GraphQL helper
 * of test/support/test-server.ts does not make (GET, other methods, odd headers and bodies).
 *
 *   const reply = await exchange(server.app, { method: 'GET', url: graphqlUrl({ query }) });
 *   assert.equal(reply.status, 200);
 */
import type { FastifyInstance } from 'fastify';

/** One entry of a GraphQL response's `errors`. */
export interface ResponseError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** A JSON response body as the server sends it (GraphQL or not). */
export interface ResponseBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly ResponseError[];
  readonly [key: string]: unknown;
}

export interface ExchangeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  readonly url: string;
  /** A list value sends the header once per item (as a client repeating it would). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Sent as is (a string) or as JSON (anything else). */
  readonly body?: unknown;
}

export interface ExchangeReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  readonly json: ResponseBody | undefined;
}

/** Sends one request through fastify.inject (no socket) and reads the reply whole. */
export async function exchange(
  app: FastifyInstance,
  request: ExchangeRequest,
): Promise<ExchangeReply> {
  const payload =
    request.body === undefined || typeof request.body === 'string'
      ? request.body
      : JSON.stringify(request.body);
  const response = await app.inject({
    method: request.method,
    url: request.url,
    ...(request.headers === undefined ? {} : { headers: copyHeaders(request.headers) }),
    ...(payload === undefined ? {} : { payload }),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: response.body,
    json: parseJson(response.body),
  };
}

/** POST /graphql with a JSON body and the given headers (content-type defaults to JSON). */
export async function postGraphQL(
  app: FastifyInstance,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<ExchangeReply> {
  return exchange(app, {
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** `/graphql?query=...&variables=...&operationName=...`, each part URL-encoded. */
export function graphqlUrl(params: {
  readonly query?: string;
  readonly variables?: unknown;
  readonly operationName?: string;
}): string {
  const search = new URLSearchParams();
  if (params.query !== undefined) search.set('query', params.query);
  if (params.variables !== undefined) search.set('variables', JSON.stringify(params.variables));
  if (params.operationName !== undefined) search.set('operationName', params.operationName);
  return `/graphql?${search.toString()}`;
}

/** The single header value (the first when repeated). */
export function headerOf(reply: ExchangeReply, name: string): string | undefined {
  const value = reply.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value === undefined ? undefined : String(value);
}

/** The `extensions.code` of every error, in order. */
export function errorCodes(reply: { readonly json?: ResponseBody | undefined }): unknown[] {
  return (reply.json?.errors ?? []).map((error) => error.extensions?.code);
}

function copyHeaders(
  headers: Readonly<Record<string, string | readonly string[]>>,
): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : [...value],
    ]),
  );
}

function parseJson(text: string): ResponseBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as ResponseBody)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The GraphQL-over-HTTP media type; asking for it makes request errors 4xx. */
export const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** The first error's message and code, failing the test when there is none. */
export function firstError(reply: ExchangeReply): { message: string; code: unknown } {
  const error = reply.json?.errors?.[0];
  if (error === undefined) throw new Error(`expected an error in the response: ${reply.text}`);
  return { message: error.message, code: error.extensions?.code };
}
