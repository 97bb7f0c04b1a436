import { randomUUID } from 'node:crypto';

import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

import type { Caller } from '../auth/principal.ts';
import type { RequestAuthenticator } from '../auth/request-authenticator.ts';
import { PublicError } from '../errors/public-error.ts';
import { errorsBody, publicErrorEntry } from '../graphql/error-body.ts';
import {
  executeOperation,
  type ExecutorContext,
  type GraphQLRequest,
  type GraphQLResult,
} from '../graphql/execute-operation.ts';
import type { SubjectPermissions } from '../graphql/access/subject-permissions.ts';
import type { Logger } from '../log/logger.ts';
import { runInRequestLogScope } from '../log/request-log-scope.ts';
import { negotiateMediaType } from './negotiate-media-type.ts';
import { readGetRequest, readPostRequest } from './read-graphql-request.ts';
import { refuseNulCharacters } from './refuse-nul-characters.ts';

/** What a feature's routes get to answer requests the same way /graphql does. */
export interface RouteContext {
  /** The caller of a request (anonymous when it sends no credentials). @throws PublicError */
  authenticate(request: FastifyRequest): Promise<Caller>;
  /** Sends a catalogue error as `{ errors: [...] }` with its status and any WWW-Authenticate. */
  sendError(request: FastifyRequest, reply: FastifyReply, error: PublicError): FastifyReply;
  /** The database permissions `requiresPermission` reads, for the administration routes' check. */
  readonly permissions: SubjectPermissions | undefined;
}

/** A feature's HTTP routes (sessions, API keys, administration), registered at start. */
export type HttpRoutes = (app: FastifyInstance, context: RouteContext) => void | Promise<void>;

export interface HttpServerOptions {
  readonly executor: ExecutorContext;
  readonly authenticator: RequestAuthenticator;
  /** The RFC 6750 `WWW-Authenticate` value for an error, or undefined when it needs none. */
  readonly wwwAuthenticate: (error: PublicError) => string | undefined;
  readonly logger: Logger;
  /** Largest request body, in bytes. */
  readonly maxBodyBytes: number;
  /** Largest GET query string `query` parameter, in bytes. Default 100 000. */
  readonly maxGetQueryBytes?: number;
  /** Throws when the server cannot serve (database unreachable). */
  readonly readiness: () => Promise<void>;
  /** Further routes; each registers its own paths. Default: none. */
  readonly routes?: readonly HttpRoutes[];
  /**
   * Extra headers for a /graphql response, from the authenticated caller (a renewed session
   * token). Default: none.
   */
  readonly responseHeaders?: (caller: Caller) => Promise<Readonly<Record<string, string>> | undefined>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The HTTP surface: `POST`/`GET /graphql` (GraphQL over HTTP), `/health` and `/ready`.
 * Parsing, limits and headers live here; GraphQL and SQL do not.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    // One line per request, written by the onResponse hook below, labelled `requestId`.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: options.maxBodyBytes,
    trustProxy: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });

  // Everything that serves the request runs in its log scope, so lines written by shared
  // loggers (authentication, stores) carry the request id too.
  app.addHook('onRequest', (request, _reply, done) => runInRequestLogScope(request.id, done));
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request finished',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const publicError = transportError(error);
    if (publicError === undefined) {
      request.log.error({ err: error }, 'unhandled error in the HTTP layer');
    }
    sendError(reply, publicError ?? new PublicError('INTERNAL'), request.id);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    sendError(
      reply,
      new PublicError('NOT_FOUND', { message: `Nothing is served at ${path}. GraphQL is at /graphql.` }),
      request.id,
    );
  });

  const challenge = (reply: FastifyReply, error: PublicError): void => {
    const value = options.wwwAuthenticate(error);
    if (value !== undefined) reply.header('www-authenticate', value);
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply, read: () => GraphQLRequest) => {
    const mediaType = negotiateMediaType(request.headers.accept);
    if (mediaType === undefined) return sendError(reply, new PublicError('NOT_ACCEPTABLE'), request.id);
    let result: GraphQLResult;
    try {
      const graphqlRequest = read();
      const caller = await options.authenticator.authenticate(request.headers, request.raw.rawHeaders);
      const extraHeaders = await options.responseHeaders?.(caller);
      if (extraHeaders !== undefined) reply.headers(extraHeaders);
      result = await executeOperation(options.executor, graphqlRequest, caller, request.id);
    } catch (error) {
      if (!(error instanceof PublicError)) throw error;
      logRefusal(request, error, undefined);
      challenge(reply, error);
      return sendError(reply, error, request.id, mediaType);
    }
    logOutcome(request, result);
    if (result.error !== undefined) challenge(reply, result.error);
    if (result.error?.reason === 'MUTATION_OVER_GET') reply.header('allow', 'POST');
    const status = mediaType === 'application/json' ? result.legacyStatus : result.status;
    return reply.code(status).type(`${mediaType}; charset=utf-8`).send(result.body);
  };

  const maxGetQueryBytes = options.maxGetQueryBytes ?? 100_000;
  app.post('/graphql', async (request, reply) => {
    if (!isJsonContentType(request.headers['content-type'])) {
      return sendError(reply, new PublicError('UNSUPPORTED_MEDIA_TYPE'), request.id);
    }
    return handle(request, reply, () => readPostRequest(request.body));
  });
  app.get('/graphql', async (request, reply) =>
    handle(request, reply, () => readGetRequest(searchParamsOf(request.url), maxGetQueryBytes)),
  );
  // RFC 9110 §9.3.7: OPTIONS names the methods. No Access-Control-* header is sent, so a
  // browser's cross-origin preflight fails, as it must while CORS is not configured.
  app.options('/graphql', async (_request, reply) => reply.header('allow', 'GET, POST, OPTIONS').code(204).send());
  app.route({
    method: ['PUT', 'PATCH', 'DELETE'],
    url: '/graphql',
    handler: async (request, reply) => {
      reply.header('allow', 'GET, POST');
      return sendError(
        reply,
        new PublicError('METHOD_NOT_ALLOWED', { message: `${request.method} is not allowed; use GET or POST.` }),
        request.id,
      );
    },
  });

  const routeContext: RouteContext = {
    authenticate: (request) => options.authenticator.authenticate(request.headers, request.raw.rawHeaders),
    sendError: (request, reply, error) => {
      logRefusal(request, error, undefined);
      challenge(reply, error);
      return sendError(reply, error, request.id);
    },
    permissions: options.executor.permissions,
  };
  // Feature routes bind request strings as PostgreSQL text, which cannot hold a NUL: refuse it
  // here once, for every route, rather than let a statement fail as an internal error. /graphql
  // checks its variables itself (BAD_USER_INPUT, naming the argument).
  app.addHook('preValidation', async (request, reply) => {
    if (request.routeOptions.url === '/graphql') return;
    try {
      refuseNulCharacters(request);
    } catch (error) {
      if (!(error instanceof PublicError)) throw error;
      return routeContext.sendError(request, reply, error);
    }
  });
  for (const routes of options.routes ?? []) {
    await routes(app as unknown as FastifyInstance, routeContext);
  }

  app.get('/health', async (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/ready', async (request, reply) => {
    try {
      await options.readiness();
      return reply.send({ status: 'ready' });
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'not_ready', reason: 'The database does not answer.' });
    }
  });

  await app.ready();
  return app as unknown as FastifyInstance;
}

function logOutcome(request: FastifyRequest, result: GraphQLResult): void {
  // A database error the client caused (bad input, a constraint, a refused row) is a refusal,
  // logged like one: its detail says what failed, and no stack trace invites log flooding.
  if (result.cause !== undefined && result.error !== undefined && result.error.status < 500) {
    logRefusal(request, result.error, result.operationName);
  } else if (result.cause !== undefined && result.error !== undefined && isOperationalFailure(result.error)) {
    // A statement timeout or an unavailable database: the operator needs to know, but a stack
    // trace per request says nothing more and lets any client flood the log.
    request.log.warn(
      {
        operation: result.operationName,
        code: result.error.code,
        reason: result.error.reason,
        ...(result.error.logDetail === undefined ? {} : { detail: result.error.logDetail }),
      },
      `request failed: ${result.error.message}`,
    );
  } else if (result.cause !== undefined) {
    request.log.error(
      { operation: result.operationName, err: result.cause },
      'request failed inside the server; the client got a generic error',
    );
  } else if (result.error !== undefined) {
    logRefusal(request, result.error, result.operationName);
  }
}

function isOperationalFailure(error: PublicError): boolean {
  return error.reason === 'TIMEOUT' || error.reason === 'SERVICE_UNAVAILABLE';
}

function logRefusal(request: FastifyRequest, error: PublicError, operation: string | undefined): void {
  request.log.info(
    {
      ...(operation === undefined ? {} : { operation }),
      code: error.code,
      reason: error.reason,
      ...(error.logDetail === undefined ? {} : { detail: error.logDetail }),
    },
    `request refused: ${error.message}`,
  );
}

function sendError(
  reply: FastifyReply,
  error: PublicError,
  requestId: string,
  mediaType: string = 'application/json',
): FastifyReply {
  return reply
    .code(error.status)
    .type(`${mediaType}; charset=utf-8`)
    .send(errorsBody([publicErrorEntry(error, requestId)]));
}

/** Maps fastify's own request errors (body too large, bad JSON) to catalogue errors. */
function transportError(error: FastifyError): PublicError | undefined {
  if (error instanceof PublicError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PublicError('PAYLOAD_TOO_LARGE', {
        message: 'The request body is larger than the server accepts ([server] max_body_bytes).',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PublicError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new PublicError('BAD_REQUEST', { message: 'The request body is empty; send a JSON object with "query".' });
    default:
      if (error.statusCode === 400 && (error.code?.startsWith('FST_ERR_CTP') === true || error instanceof SyntaxError)) {
        return new PublicError('BAD_REQUEST', { message: 'The request body is not valid JSON.' });
      }
      return undefined;
  }
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const type = value.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

function searchParamsOf(url: string): URLSearchParams {
  const index = url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : url.slice(index + 1));
}
