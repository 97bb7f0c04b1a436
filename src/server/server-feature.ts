import type { Authenticator } from '../auth/authenticate-request.ts';
import type { Caller } from '../auth/principal.ts';
import type { ApiKeyAuthenticator, RevocationCheck } from '../auth/request-authenticator.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Database } from '../db/database.ts';
import type { SubjectPermissions } from '../graphql/access/subject-permissions.ts';
import type { BuiltinRootField } from '../graphql/builtin-root-field.ts';
import type { HttpRoutes } from '../http/create-http-server.ts';
import type { Logger } from '../log/logger.ts';
import type { CompiledSchema } from '../schema/compiled-schema.ts';

/** What a feature may use when the server starts. */
export interface FeatureContext {
  readonly config: ResolvedConfig;
  readonly database: Database;
  readonly logger: Logger;
  readonly schema: CompiledSchema;
  /** The JWT authenticator (to verify tokens a feature is handed, e.g. at logout). */
  readonly jwt: Authenticator;
}

/**
 * A part of the server beyond the GraphQL path (sessions, API keys, role administration).
 * Each contributes what it has; the server composes them at start, in the order listed in
 * src/server/features.ts.
 */
export interface ServerFeature {
  readonly name: string;
  /** HTTP routes of the feature. */
  readonly routes?: HttpRoutes;
  /** Checked on every JWT-authenticated request (at most one feature may provide it). */
  readonly revocation?: RevocationCheck;
  /** Verifies API keys (at most one feature may provide it). */
  readonly apiKeys?: ApiKeyAuthenticator;
  /** Database permissions for `requiresPermission` (at most one feature may provide it). */
  readonly permissions?: SubjectPermissions;
  /** GraphQL root fields the feature answers itself, without SQL (e.g. `refreshToken`). */
  readonly graphqlFields?: readonly BuiltinRootField[];
  /**
   * Headers to add to a /graphql response for this caller (sliding session renewal). Must not
   * throw: a failure is the feature's to log.
   */
  responseHeaders?(caller: Caller): Promise<Readonly<Record<string, string>> | undefined>;
  /** Stops timers and subscriptions at shutdown. */
  close?(): Promise<void>;
}

/** Builds a feature, or returns undefined when its configuration leaves it off. */
export type FeatureFactory = (context: FeatureContext) => Promise<ServerFeature | undefined>;
