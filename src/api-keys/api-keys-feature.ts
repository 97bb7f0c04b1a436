import type { FeatureFactory, ServerFeature } from '../server/server-feature.ts';
import { ApiKeyCache } from './api-key-cache.ts';
import { ApiKeyIssuer } from './api-key-issuer.ts';
import { apiKeyRoutes } from './api-key-routes.ts';
import { apiKeySecretFrom } from './api-key-secret.ts';
import { ApiKeyStore } from './api-key-store.ts';
import { ApiKeyVerifier } from './api-key-verifier.ts';
import { LastUsedRecorder } from './last-used-recorder.ts';

/**
 * API keys for the server (`[api_keys]`, on by default): verifies `X-API-Key` /
 * `Authorization: Bearer sk_...` through the ApiKeyAuthenticator seam and serves /api/keys.
 * Off when `enabled = false`: keys are then refused with `Invalid API key`.
 *
 * At start: the secret is checked (production refuses a missing or short one) and the
 * notification channel subscribed; a server that could not hear revocations does not start.
 */
export const apiKeysFeature: FeatureFactory = async (context): Promise<ServerFeature | undefined> => {
  const settings = context.config.api_keys;
  if (!settings.enabled) return undefined;

  const secret = apiKeySecretFrom({
    hashSecret: settings.hash_secret,
    production: context.config.production,
    projectDir: context.config.projectDir,
  });
  if (secret.developmentFile !== undefined) {
    context.logger.warn(
      { file: secret.developmentFile },
      'API_KEY_SECRET is not set: API keys are hashed with a development secret kept in this file. ' +
        'Set API_KEY_SECRET (32 bytes or more) before running in production.',
    );
  }

  const store = new ApiKeyStore(context.database);
  const cache = new ApiKeyCache({ ttlMs: settings.cache_ttl_seconds * 1000 });
  const stopFollowing = await cache.follow(context.database);
  const lastUsed = new LastUsedRecorder({
    store,
    logger: context.logger,
    flushIntervalMs: settings.last_used_flush_seconds * 1000,
  });
  const verifier = new ApiKeyVerifier({ store, secret, cache, onUse: (id, at) => lastUsed.record(id, at) });
  const issuer = new ApiKeyIssuer(store, secret, (prefix) => cache.invalidate(prefix));

  return {
    name: 'api-keys',
    apiKeys: verifier,
    routes: apiKeyRoutes({
      issuer,
      store,
      roleScopes: context.config.security.roles,
      adminScope: settings.admin_scope,
      rotationGraceSeconds: settings.rotation_grace_seconds,
    }),
    async close() {
      await lastUsed.close();
      await stopFollowing();
    },
  };
};
