import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPostgresDatabase } from '../../src/db/postgres-database.ts';

test('a server that cannot be reached fails at open, naming host, port and database but not the password', async () => {
  await assert.rejects(
    openPostgresDatabase({
      url: 'postgres://app:hunter2-secret@127.0.0.1:1/blog',
      connectTimeoutMs: 3000,
    }),
    (error) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /^Could not connect to PostgreSQL at 127\.0\.0\.1:1\/blog: /);
      assert.match(error.message, /Check DATABASE_URL/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    },
  );
});
