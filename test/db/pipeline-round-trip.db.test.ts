/**
 * A request transaction costs one round trip on PostgreSQL (pipeline mode). The pool talks to
 * the server through a proxy that holds every server-to-client chunk back by DELAY_MS: a
 * transaction that waited for each answer before sending the next statement (BEGIN, role and
 * settings, the statement, COMMIT: four waits) would take four delays; a pipelined one takes
 * one. PostgreSQL only: PGlite runs in process.
 */
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';

import type { Database } from '../../src/db/database.ts';
import { openPostgresDatabase } from '../../src/db/postgres-database.ts';
import {
  createTestDatabase,
  TEST_ROLES,
  testDatabaseUrl,
  type TestDatabase,
} from '../support/test-database.ts';

const DELAY_MS = 300;

/** A loopback TCP proxy to `target` that delays what the server sends, keeping its order. */
function delayingProxy(target: URL): Promise<{ server: Server; port: number }> {
  const host = target.hostname;
  const port = Number(target.port || 5432);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host, port });
    sockets.add(client).add(upstream);
    let releaseAt = 0;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      releaseAt = Math.max(Date.now() + DELAY_MS, releaseAt);
      setTimeout(() => client.write(chunk), releaseAt - Date.now());
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

const serverUrl = testDatabaseUrl();

describe(
  'request transactions on PostgreSQL',
  { skip: serverUrl === undefined ? 'needs FRAISEQL_TEST_DATABASE_URL' : false },
  () => {
    let testDatabase: TestDatabase;
    let proxy: { server: Server; port: number };
    let throughProxy: Database;

    before(async () => {
      testDatabase = await createTestDatabase({ poolMax: 1 });
      proxy = await delayingProxy(new URL(testDatabase.url ?? ''));
      const url = new URL(testDatabase.url ?? '');
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      throughProxy = await openPostgresDatabase({ url: url.toString(), poolMax: 1 });
    });
    after(async () => {
      await throughProxy?.close();
      proxy?.server.close();
      await testDatabase?.close();
    });

    const request = (): Promise<unknown> =>
      throughProxy.runInRequestTransaction(
        {
          role: TEST_ROLES.authenticated,
          settings: { 'app.user_id': 'u1' },
          statementTimeoutMs: 5000,
        },
        [
          {
            text: "SELECT current_setting('app.user_id', true) AS who, current_user AS role",
            values: [],
          },
        ],
      );

    test('BEGIN, role, settings, statement and COMMIT cost one round trip', async () => {
      await request(); // the connection is opened (several round trips) outside the measure
      const started = performance.now();
      const [result] = (await request()) as { rows: unknown[] }[];
      const elapsed = performance.now() - started;

      assert.deepEqual(result?.rows, [{ who: 'u1', role: TEST_ROLES.authenticated }]);
      assert.ok(
        elapsed < 2 * DELAY_MS,
        `the transaction took ${elapsed.toFixed(0)} ms through a proxy delaying each answer by ` +
          `${String(DELAY_MS)} ms: it waited for answers between statements (not pipelined)`,
      );
    });

    test('a failing statement still ends the transaction in the same round trip', async () => {
      const started = performance.now();
      await assert.rejects(
        throughProxy.runInRequestTransaction({ role: TEST_ROLES.authenticated, settings: {} }, [
          { text: 'SELECT 1 / 0', values: [] },
          { text: 'SELECT 2', values: [] },
        ]),
        /division by zero/,
      );
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 2 * DELAY_MS, `took ${elapsed.toFixed(0)} ms: more than one round trip`);

      const [after] = (await request()) as { rows: unknown[] }[];
      assert.deepEqual(after?.rows, [{ who: 'u1', role: TEST_ROLES.authenticated }]);
    });
  },
);
