import { PublicError } from '../errors/public-error.ts';
import type { GraphQLRequest } from '../graphql/execute-operation.ts';

/**
 * Turns a GraphQL-over-HTTP request into `{ query, variables, operationName }`.
 * POST carries a JSON body; GET carries `query`, `variables` (JSON text) and `operationName`
 * in the query string. Every malformed part is refused with a message naming it.
 */
export function readPostRequest(body: unknown): GraphQLRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object with a "query" string.');
  }
  const fields = body as Record<string, unknown>;
  return {
    query: readQuery(fields.query, fields.extensions),
    variables: readVariables(fields.variables),
    ...readOperationName(fields.operationName),
    method: 'POST',
  };
}

export function readGetRequest(search: URLSearchParams, maxQueryBytes: number): GraphQLRequest {
  for (const name of ['query', 'variables', 'operationName', 'extensions']) {
    if (search.getAll(name).length > 1) throw badRequest(`The "${name}" parameter is given more than once.`);
  }
  const query = search.get('query');
  if (query !== null && Buffer.byteLength(query) > maxQueryBytes) {
    throw new PublicError('PAYLOAD_TOO_LARGE', {
      message: `The GET query is longer than ${maxQueryBytes} bytes. Send it with POST.`,
    });
  }
  const variablesText = search.get('variables');
  let variables: unknown;
  if (variablesText !== null && variablesText !== '') {
    try {
      variables = JSON.parse(variablesText);
    } catch {
      throw badRequest('The "variables" parameter is not valid JSON.');
    }
  }
  return {
    query: readQuery(query ?? undefined, undefined),
    variables: readVariables(variables),
    ...readOperationName(search.get('operationName') ?? undefined),
    method: 'GET',
  };
}

function readQuery(query: unknown, extensions: unknown): string {
  if (typeof query === 'string' && query.trim() !== '') return query;
  const persisted =
    extensions !== null && typeof extensions === 'object' && 'persistedQuery' in (extensions as object);
  if (persisted) {
    throw badRequest('Persisted queries are not supported by this server; send the query text in "query".');
  }
  if (query === undefined || query === null) throw badRequest('The request has no "query".');
  throw badRequest('"query" must be a non-empty string holding a GraphQL document.');
}

function readVariables(variables: unknown): Readonly<Record<string, unknown>> {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) {
    throw badRequest('"variables" must be a JSON object mapping variable names to values.');
  }
  return variables as Record<string, unknown>;
}

function readOperationName(name: unknown): { operationName?: string } {
  if (name === undefined || name === null || name === '') return {};
  if (typeof name !== 'string') throw badRequest('"operationName" must be a string.');
  return { operationName: name };
}

function badRequest(message: string): PublicError {
  return new PublicError('BAD_REQUEST', { message });
}
