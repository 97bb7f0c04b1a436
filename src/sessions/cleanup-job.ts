import type { Logger } from '../log/logger.ts';
import type { RevocationBackend } from './revocation-store.ts';

/** A running cleanup schedule. */
export interface CleanupJob {
  stop(): void;
}

/**
 * Deletes expired revocations, refresh tokens and sessions every `intervalSeconds` (the first
 * run one interval after start). The timer is unref'd, so it never keeps the process alive; a
 * failed run is logged and the next one tries again. Several servers may run it at once:
 * deleting expired rows twice does no harm.
 */
export function startCleanupJob(store: Pick<RevocationBackend, 'cleanup'>, intervalSeconds: number, logger: Logger): CleanupJob {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    store
      .cleanup()
      .then((counts) => {
        const total = counts.revokedTokens + counts.revokedUsers + counts.refreshTokens + counts.sessions;
        if (total > 0) logger.info({ deleted: counts }, 'revocation cleanup: expired rows deleted');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'revocation cleanup failed; it will run again'))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
