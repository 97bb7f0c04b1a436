import { compileProjectSchema } from '../src/cli/project-schema.ts';
import type { ResolvedConfig } from '../src/config/resolved-config.ts';
import type { Database, RequestContext, SqlStatement } from '../src/db/database.ts';
import { openPostgresDatabase } from '../src/db/postgres-database.ts';
import { createLogger } from '../src/log/logger.ts';
import { prepareServer } from '../src/server/start-server.ts';

/** One request's transaction, as the server handed it to the database layer. */
export interface CapturedTransaction {
  /** Role, `app.*` settings and statement timeout of the transaction. */
  readonly context: RequestContext;
  /** The statements run between the settings and COMMIT (one per root field). */
  readonly statements: readonly SqlStatement[];
  /** The GraphQL response body the server sent for it. */
  readonly responseBody: string;
}

/** What to send: a GraphQL document with a bearer token. */
export interface CaptureRequest {
  readonly query: string;
  readonly token: string;
}

/**
 * Serves `config`'s project in this process on the database at `url`, sends `request` once and
 * returns the transaction the server ran for it. The SQL is taken from the real request path
 * (authentication, plan, SQL generation), not rebuilt here: a wrapper around the database
 * records what `runInRequestTransaction` receives and then runs it. Fails unless the server
 * answered 200 without errors.
 */
export async function captureRequestTransaction(
  config: ResolvedConfig,
  url: string,
  request: CaptureRequest,
): Promise<CapturedTransaction> {
  const { schema } = await compileProjectSchema(config);
  const database = await openPostgresDatabase({ url, poolMax: 2 });
  const seen: { context: RequestContext; statements: readonly SqlStatement[] }[] = [];
  const recording = recordTransactions(database, (context, statements) =>
    seen.push({ context, statements }),
  );

  try {
    const server = await prepareServer({
      config,
      schema,
      logger: createLogger({ level: 'silent' }),
      database: recording,
      migrate: false,
    });
    try {
      const response = await server.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` },
        payload: JSON.stringify({ query: request.query }),
      });
      const body = JSON.parse(response.body) as { errors?: unknown };
      if (response.statusCode !== 200 || body.errors !== undefined) {
        throw new Error(
          `The benchmark query failed when sent once (HTTP ${String(response.statusCode)}): ` +
            response.body,
        );
      }
      const [only, ...more] = seen;
      if (only === undefined || more.length > 0) {
        throw new Error(`Expected one request transaction, the server ran ${String(seen.length)}.`);
      }
      return { ...only, responseBody: response.body };
    } finally {
      await server.close();
    }
  } finally {
    await database.close();
  }
}

/**
 * `database` with `runInRequestTransaction` reporting its arguments first. A Proxy rather than
 * a class, so every other member of the Database interface passes through untouched.
 */
function recordTransactions(
  database: Database,
  record: (context: RequestContext, statements: readonly SqlStatement[]) => void,
): Database {
  return new Proxy(database, {
    get(target, property) {
      if (property === 'runInRequestTransaction') {
        const run: Database['runInRequestTransaction'] = (context, statements) => {
          record(context, statements);
          return target.runInRequestTransaction(context, statements);
        };
        return run;
      }
      // Bound to the real object: its methods use private fields a proxy receiver lacks.
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}
