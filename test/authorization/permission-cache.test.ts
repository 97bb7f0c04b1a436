/**
 * The permission cache and the executor's permission check, without a database: a fake
 * `Database` counts reads, answers from a table we change, and delivers notifications when
 * told, so caching, expiry, invalidation, the read-during-invalidation race and failures can be
 * checked exactly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { ANONYMOUS, type Caller } from '../../src/auth/principal.ts';
import type { Database, QueryResult } from '../../src/db/database.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { callerAccess } from '../../src/graphql/access/caller-access.ts';
import { authorizePermissions } from '../../src/graphql/authorize-permissions.ts';
import { AUTH_CHANGED_CHANNEL, PermissionCache } from '../../src/rbac/permission-cache.ts';
import type { OperationAccess } from '../../src/schema/compiled-schema.ts';

class FakeDatabase {
  readonly grants = new Map<string, string[]>();
  reads = 0;
  failNext = false;
  /** When set, reads wait for it: a test can notify while a read is in flight. */
  gate: Promise<void> | undefined;
  readonly handlers = new Map<string, (payload: string | undefined) => void>();

  asDatabase(): Database {
    const fake = this;
    return {
      kind: 'embedded',
      async query<Row>(_text: string, values: readonly unknown[] = []): Promise<QueryResult<Row>> {
        fake.reads += 1;
        const subject = String(values[0]);
        const snapshot = [...(fake.grants.get(subject) ?? [])];
        await fake.gate;
        if (fake.failNext) {
          fake.failNext = false;
          throw new Error('connection lost');
        }
        return { rows: snapshot.map((permission) => ({ permission }) as Row), fields: ['permission'] };
      },
      async listen(channel, onMessage) {
        fake.handlers.set(channel, onMessage);
        return async () => void fake.handlers.delete(channel);
      },
      runInRequestTransaction: () => Promise.reject(new Error('not used')),
      exec: () => Promise.reject(new Error('not used')),
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
  }

  notify(payload: string | undefined = 'user_roles'): void {
    this.handlers.get(AUTH_CHANGED_CHANNEL)?.(payload);
  }
}

describe('PermissionCache', () => {
  test('reads once per subject within the TTL, concurrent reads included', async () => {
    const fake = new FakeDatabase();
    fake.grants.set('alice', ['read:reports']);
    const cache = new PermissionCache(fake.asDatabase(), { ttlMs: 60_000 });
    const [first, second] = await Promise.all([cache.permissionsOf('alice'), cache.permissionsOf('alice')]);
    assert.deepEqual([...first], ['read:reports']);
    assert.equal(second, first);
    await cache.permissionsOf('alice');
    assert.equal(fake.reads, 1);
    assert.deepEqual([...(await cache.permissionsOf('bob'))], []);
    assert.equal(fake.reads, 2);
  });

  test('a notification drops every subject; a lost connection (undefined) too', async () => {
    const fake = new FakeDatabase();
    const cache = new PermissionCache(fake.asDatabase(), { ttlMs: 60_000 });
    await cache.start();
    assert.deepEqual([...(await cache.permissionsOf('alice'))], []);
    fake.grants.set('alice', ['read:reports']);
    assert.deepEqual([...(await cache.permissionsOf('alice'))], [], 'cached until told');
    fake.notify();
    assert.deepEqual([...(await cache.permissionsOf('alice'))], ['read:reports']);
    fake.grants.set('alice', []);
    fake.notify(undefined);
    assert.deepEqual([...(await cache.permissionsOf('alice'))], []);
    await cache.close();
    assert.equal(fake.handlers.size, 0, 'close unsubscribes');
  });

  test('a read overtaken by a notification answers its callers but is not kept', async () => {
    const fake = new FakeDatabase();
    const cache = new PermissionCache(fake.asDatabase(), { ttlMs: 60_000 });
    await cache.start();
    let open: () => void = () => undefined;
    fake.gate = new Promise((resolve) => (open = resolve));
    const stale = cache.permissionsOf('alice');
    await sleep(0);
    fake.grants.set('alice', ['read:reports']);
    fake.notify();
    fake.gate = undefined;
    open();
    assert.deepEqual([...(await stale)], []);
    assert.deepEqual([...(await cache.permissionsOf('alice'))], ['read:reports'], 'the stale answer was not cached');
  });

  test('entries expire after the TTL; ttlMs 0 reads every time; failures are not cached', async () => {
    const fake = new FakeDatabase();
    const short = new PermissionCache(fake.asDatabase(), { ttlMs: 30 });
    await short.permissionsOf('alice');
    await sleep(60);
    await short.permissionsOf('alice');
    assert.equal(fake.reads, 2);

    const none = new PermissionCache(fake.asDatabase(), { ttlMs: 0 });
    await none.permissionsOf('alice');
    await none.permissionsOf('alice');
    assert.equal(fake.reads, 4);

    fake.failNext = true;
    await assert.rejects(none.permissionsOf('alice'), /connection lost/);
    assert.deepEqual([...(await none.permissionsOf('alice'))], []);
  });
});

describe('authorizePermissions', () => {
  const access = (requiresPermission: string[]): OperationAccess => ({
    public: false,
    requiresScope: [],
    requiresRole: [],
    requiresPermission,
  });
  const alice: Caller = {
    kind: 'authenticated',
    principal: { subject: 'alice', scopes: new Set(), roles: new Set(['admin']), claims: {}, method: 'jwt' },
  };
  const held = new Set(['read:reports']);
  const source = { permissionsOf: async () => held, grantsOf: async () => ({ isUser: true, permissions: held }) };

  const refusal = async (promise: Promise<void>): Promise<PublicError> => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof PublicError);
      return error;
    }
    assert.fail('expected a refusal');
  };

  test('nothing required: allowed without asking, whoever calls', async () => {
    await authorizePermissions('q', access([]), callerAccess(ANONYMOUS, {}), undefined);
  });

  test('every required permission held: allowed', async () => {
    await authorizePermissions('q', access(['read:reports']), callerAccess(alice, {}), source);
  });

  test('missing ones are named; the held ones are not echoed; roles of the token do not count', async () => {
    const error = await refusal(
      authorizePermissions('q', access(['read:reports', 'export:reports', 'admin']), callerAccess(alice, {}), source),
    );
    assert.equal(error.reason, 'PERMISSION_DENIED');
    assert.equal(error.status, 403);
    assert.equal(error.message, 'User does not have permission');
    assert.deepEqual(error.extensions, {
      reason: 'PERMISSION_DENIED',
      requiredPermission: 'export:reports',
      requiredPermissions: ['export:reports', 'admin'],
    });
  });

  test('anonymous: 401; no permission source: refused (fail closed)', async () => {
    const anonymous = await refusal(
      authorizePermissions('q', access(['read:reports']), callerAccess(ANONYMOUS, {}), source),
    );
    assert.equal(anonymous.reason, 'MISSING_TOKEN');
    const unconfigured = await refusal(
      authorizePermissions('q', access(['read:reports']), callerAccess(alice, {}), undefined),
    );
    assert.equal(unconfigured.reason, 'PERMISSION_DENIED');
  });
});
