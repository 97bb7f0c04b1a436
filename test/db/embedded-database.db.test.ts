import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { DATA_DIR_LOCK_FILE, DataDirLockedError } from '../../src/db/data-dir-lock.ts';
import { openEmbeddedDatabase } from '../../src/db/embedded-database.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { createTestDatabase, hasPostgres } from '../support/test-database.ts';

describe(
  'embedded database',
  { skip: hasPostgres() ? 'runs on the embedded engine only' : false },
  () => {
    test('a second open of the same data directory is refused; a stale lock is taken over', async () => {
      const test = await createTestDatabase();
      try {
        const dataDir = test.dataDir;
        assert.ok(dataDir !== undefined);
        await assert.rejects(openEmbeddedDatabase({ dataDir }), (error) => {
          assert.ok(error instanceof DataDirLockedError);
          assert.ok(
            error.message.includes(
              `The data directory ${dataDir} is in use by process ${String(process.pid)}`,
            ),
          );
          return true;
        });

        // A crash leaves the lock file behind with a pid that no longer runs.
        await test.db.close();
        const dead = Number(
          spawnSync(process.execPath, [
            '-e',
            'process.stdout.write(String(process.pid))',
          ]).stdout.toString(),
        );
        writeFileSync(
          join(dataDir, DATA_DIR_LOCK_FILE),
          JSON.stringify({
            pid: dead,
            hostname: hostname(),
            createdAt: new Date().toISOString(),
            token: 'crashed',
          }),
        );
        const reopened = await openDatabase({ dataDir });
        try {
          assert.equal(reopened.kind, 'embedded');
          const migrations = await reopened.query<{ name: string }>(
            "SELECT name FROM fraiseql.schema_migrations WHERE source = 'builtin' ORDER BY name",
          );
          assert.equal(
            migrations.rows[0]?.name,
            '001_fraiseql_schema.sql',
            'the data survived the reopen',
          );
        } finally {
          await reopened.close();
        }
      } finally {
        await test.close();
      }
    });

    test('the data directory is the owner\'s alone (0700), also one made by an earlier version', async () => {
      const parent = mkdtempSync(join(tmpdir(), 'fraiseql-ts-mode-'));
      try {
        const fresh = join(parent, 'fresh');
        const made = await openEmbeddedDatabase({ dataDir: fresh });
        await made.close();
        assert.equal(statSync(fresh).mode & 0o777, 0o700);

        chmodSync(fresh, 0o755);
        const reopened = await openEmbeddedDatabase({ dataDir: fresh });
        await reopened.close();
        assert.equal(statSync(fresh).mode & 0o777, 0o700);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    });
  },
);
