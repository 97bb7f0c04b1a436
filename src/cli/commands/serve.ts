import { loadConfig } from '../../config/load-config.ts';
import { createLogger } from '../../log/logger.ts';
import { CommandError } from '../run-command.ts';

export interface ServeOptions {
  readonly dir: string;
  readonly port?: string;
  readonly host?: string;
  readonly migrate: boolean;
}

/**
 * `fraiseql-ts serve`: loads the configuration and schema, prepares the database and listens.
 * Runs until SIGINT or SIGTERM, then closes connections cleanly.
 */
export async function runServe(options: ServeOptions): Promise<number> {
  // The run mode is decided from the environment as the operator set it...
  const config = loadConfig({ dir: options.dir });
  // ...then graphql-js, loaded below, is told to skip its development-only checks (about 30 %
  // of execution time). This does not change fraiseql-ts's own mode, decided above.
  process.env.NODE_ENV ??= 'production';
  const { prepareServer } = await import('../../server/start-server.ts');
  const { loadProjectSchema } = await import('../project-schema.ts');
  const logger = createLogger({ level: config.logging.level });

  const port = options.port === undefined ? config.server.port : parsePort(options.port);
  const host = options.host ?? config.server.host;
  const project = await loadProjectSchema(config);
  for (const warning of project.warnings) logger.warn(warning);
  for (const note of project.notes) logger.info(note);
  if (project.schema.ignoredKeys.length > 0) {
    logger.info(
      { ignored: project.schema.ignoredKeys.map((key) => `${key.path}: ${key.reason}`) },
      `the schema has ${project.schema.ignoredKeys.length} key(s) that fraiseql-ts reads but does not act on`,
    );
  }

  const server = await prepareServer({ config, schema: project.schema, logger, migrate: options.migrate });
  const address = await server.app.listen({ port, host });
  logger.info(
    {
      schema: project.origin,
      mode: config.production ? 'production' : 'development',
      queries: Object.keys(project.schema.queries).length,
      mutations: Object.keys(project.schema.mutations).length,
    },
    `serving GraphQL at ${address}/graphql`,
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      void server.close().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CommandError(`--port must be a number from 0 to 65535, got "${text}".`);
  }
  return port;
}
