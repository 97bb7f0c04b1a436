import type { FeatureFactory } from '../server/server-feature.ts';
import { PermissionCache } from './permission-cache.ts';
import { rbacRoutes } from './rbac-routes.ts';
import { RbacStore } from './rbac-store.ts';

/**
 * Database permissions and their administration (`[authorization]`):
 * - `permissions`: each subject's grants for `requiresPermission`, cached for
 *   `permission_cache_seconds` and flushed on every grant change (NOTIFY
 *   fraiseql_auth_changed), so a grant applies to the next request;
 * - `routes`: the admin API under /admin/rbac, guarded by `admin_scope`, unless `admin_api` is
 *   false. The same cache is what every administration route (/admin/rbac, /auth/users,
 *   /api/keys) asks whether a database user still holds its admin permission.
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
    ...(adminRoutes === undefined ? {} : { routes: adminRoutes }),
    close: () => cache.close(),
  };
};
