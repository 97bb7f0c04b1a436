import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the test JWKS server answers `GET /jwks.json`. */
export type JwksBehaviour =
  | { readonly kind: 'serve' }
  | { readonly kind: 'fail'; readonly status: number }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'huge'; readonly bytes: number };

/** A JWKS provider on loopback: `/jwks.json` and `/.well-known/openid-configuration`. */
export interface JwksServer {
  readonly origin: string;
  readonly jwksUrl: string;
  /** The keys served. */
  keys: Record<string, unknown>[];
  behaviour: JwksBehaviour;
  /** The issuer the discovery document announces. Default: the origin. */
  issuer: string | undefined;
  /** Requests per path. */
  readonly hits: Map<string, number>;
  hitsOf(path: string): number;
  close(): Promise<void>;
}

/** Starts the provider on 127.0.0.1 with a free port. */
export async function startJwksServer(): Promise<JwksServer> {
  const hanging: ServerResponse[] = [];
  const state = {
    keys: [] as Record<string, unknown>[],
    behaviour: { kind: 'serve' } as JwksBehaviour,
    issuer: undefined as string | undefined,
    hits: new Map<string, number>(),
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1);
    if (path === '/.well-known/openid-configuration') {
      const body = JSON.stringify({
        issuer: state.issuer ?? origin,
        jwks_uri: `${origin}/jwks.json`,
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (path !== '/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    const behaviour = state.behaviour;
    switch (behaviour.kind) {
      case 'serve':
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ keys: state.keys }));
        return;
      case 'fail':
        response.writeHead(behaviour.status).end('down');
        return;
      case 'redirect':
        response.writeHead(302, { location: behaviour.location }).end();
        return;
      case 'hang':
        hanging.push(response);
        return;
      case 'huge':
        // No Content-Length: the cap must hold while streaming.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(`{"keys":[],"padding":"${'x'.repeat(behaviour.bytes)}"}`);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const handle: JwksServer = {
    origin,
    jwksUrl: `${origin}/jwks.json`,
    get keys() {
      return state.keys;
    },
    set keys(value) {
      state.keys = value;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value) {
      state.behaviour = value;
    },
    get issuer() {
      return state.issuer;
    },
    set issuer(value) {
      state.issuer = value;
    },
    hits: state.hits,
    hitsOf: (path) => state.hits.get(path) ?? 0,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return handle;
}
