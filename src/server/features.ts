import { apiKeysFeature } from '../api-keys/api-keys-feature.ts';
import { rbacFeature } from '../rbac/rbac-feature.ts';
import { sessionsFeature } from '../sessions/sessions-feature.ts';
import type { FeatureFactory } from './server-feature.ts';

/**
 * The server's optional parts, started in this order after the database is ready. Add a
 * feature here with one line; its own module decides from the configuration whether it is on.
 */
export const FEATURES: readonly FeatureFactory[] = [
  rbacFeature,
  apiKeysFeature,
  sessionsFeature,
];
