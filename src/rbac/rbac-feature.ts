import type { FeatureFactory } from '../server/server-feature.ts';
import { registerSubjectGrants } from './administrator-standing.ts';
import { PermissionCache } from './permission-cache.ts';
import { rbacRoutes } from './rbac-routes.ts';
import { RbacStore } from './rbac-store.ts';

/**
 * Database permissions and their administration (`[authorization]`):
 * - `permissions`: each subject's grants for `requiresPermission`, cached for
 *   `permission_cache_seconds` and flushed on every grant change (NOTIFY
 *   fraiseql_auth_changed), so a grant applies to the next request;
 * - `routes`: the admin API under /admin/rbac, guarded by `admin_scope`, unless `admin_api` is
 *   false; and, always, the cache registered as the database grants every administration route
 *   (/admin/rbac, /auth/users, /api/keys) checks a database user's admin permission against.
 * Always on: without a permission source every `requiresPermission` operation is refused.
 */
export const rbacFeature: FeatureFactory = async (context) => {
  const settings = context.config.authorization;
  const cache = new PermissionCache(context.database, {
    ttlMs: settings.permission_cache_seconds * 1000,
  });
  await cache.start();
  const adminRoutes = settings.admin_api
    ? rbacRoutes({
        admin: new RbacStore(context.database),
        adminScope: settings.admin_scope,
        roleScopes: context.config.security.roles,
        onChange: () => cache.invalidate(),
      })
    : undefined;
  return {
    name: 'rbac',
    permissions: cache,
    routes: async (app, routeContext) => {
      registerSubjectGrants(app, cache);
      await adminRoutes?.(app, routeContext);
    },
    close: () => cache.close(),
  };
};
