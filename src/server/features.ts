import type { FeatureFactory } from './server-feature.ts';

/**
 * The server's optional parts, started in this order after the database is ready. Add a
 * feature here with one line; its own module decides from the configuration whether it is on.
 */
export const FEATURES: readonly FeatureFactory[] = [];
