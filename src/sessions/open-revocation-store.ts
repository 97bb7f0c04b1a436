import type { Database } from '../db/database.ts';
import type { Logger } from '../log/logger.ts';
import { RedisRevocationStore } from './redis-revocation-store.ts';
import { describeRedisUrl } from './redis-url.ts';
import type { RevocationLifetime } from './revocation-lifetime.ts';
import { RevocationStore, type RevocationBackend } from './revocation-store.ts';
import type { RevocationConfig } from './sessions-config-schema.ts';

/**
 * The store `[revocation] store` names: the project's database (default), or Redis at
 * `redis_url`, connected before this resolves (an unreachable Redis refuses the start).
 * `lifetime` (`revocationLifetimeOf(config)`) decides how long its revocations are kept.
 */
export async function openRevocationStore(
  revocation: RevocationConfig,
  database: Database,
  logger: Logger,
  lifetime: RevocationLifetime,
): Promise<RevocationBackend> {
  switch (revocation.store) {
    case 'postgres':
      return new RevocationStore(database, lifetime);
    case 'redis': {
      const url = revocation.redis_url;
      if (url === undefined) {
        // The config schema refuses this already; kept so no path reaches Redis without a URL.
        throw new Error('[revocation] store = "redis" needs REDIS_URL or [revocation] redis_url.');
      }
      const store = await RedisRevocationStore.connect({ url, database, logger, lifetime });
      logger.info(`revocations are kept in Redis at ${describeRedisUrl(url)}; sessions stay in the database`);
      return store;
    }
    default: {
      const unknown: never = revocation.store;
      throw new Error(`Unknown revocation store "${String(unknown)}".`);
    }
  }
}
