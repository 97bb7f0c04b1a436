/**
 * The SQL docs/api-keys.md gives for the spec page's statements ("Keys in SQL") runs as
 * written on fraiseql_auth.api_keys: the SELECT finds a key's row by its label, the UPDATE
 * revokes it (recording revoked_at), and a revoked key cannot be reinstated.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { apiKeyLabel } from '../../src/api-keys/api-key-format.ts';
import { ApiKeyIssuer } from '../../src/api-keys/api-key-issuer.ts';
import { ApiKeyStore } from '../../src/api-keys/api-key-store.ts';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database?.close();
});

/** The statements of the `sql` blocks of a section of docs/api-keys.md. */
function documentedStatements(section: string): string[][] {
  const doc = readFileSync(new URL('../../docs/api-keys.md', import.meta.url), 'utf8');
  const start = doc.indexOf(`\n## ${section}\n`);
  assert.notEqual(start, -1, `docs/api-keys.md has a section "${section}"`);
  const end = doc.indexOf('\n## ', start + 1);
  const text = doc.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map((block) =>
    (block[1] ?? '')
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement !== ''),
  );
}

describe(`the documented SQL for keys (${testEngine()})`, () => {
  test("the spec page's SELECT and UPDATE, as docs/api-keys.md writes them for fraiseql-ts", async () => {
    const issuer = new ApiKeyIssuer(new ApiKeyStore(database.db), { bytes: () => Buffer.alloc(32, 7) });
    const created = await issuer.create({
      owner: 'svc-report',
      name: 'nightly',
      scopes: ['read:posts'],
      expiresAt: undefined,
      createdBy: 'cli:test',
      credential: undefined,
    });
    assert.ok(created.created);
    const { key, record } = created.issued;
    const blocks = documentedStatements('Keys in SQL');
    assert.equal(blocks.length, 2, 'the spec page form, then the form that works here');
    const [select = '', update = ''] = blocks[1] ?? [];
    assert.ok(select.startsWith('SELECT') && update.startsWith('UPDATE'), JSON.stringify(blocks[1]));
    const withKey = (statement: string): string => {
      assert.ok(statement.includes("'sk_...'"), statement);
      return statement.replaceAll("'sk_...'", `'${key}'`);
    };

    const found = await database.db.query<Record<string, unknown>>(withKey(select));
    assert.deepEqual(found.rows.map((row) => [row['id'], row['owner'], row['name']]), [[record.id, 'svc-report', 'nightly']]);
    const byLabel = await database.db.query<{ id: string }>('SELECT id FROM fraiseql_auth.api_keys WHERE key = $1', [
      apiKeyLabel(record.prefix, record.last4),
    ]);
    assert.deepEqual(byLabel.rows.map((row) => row.id), [record.id], 'a label copied from keys list works as is');

    await database.db.query(withKey(update));
    assert.deepEqual((await database.db.query(withKey(select))).rows, [], 'revoked: no longer selected');
    const row = await database.db.query<{ revoked: boolean; revoked_at: unknown }>(
      'SELECT revoked, revoked_at FROM fraiseql_auth.api_keys WHERE id = $1',
      [record.id],
    );
    assert.equal(row.rows[0]?.revoked, true);
    assert.notEqual(row.rows[0]?.revoked_at, null, 'the trigger records when');
    await assert.rejects(
      database.db.query('UPDATE fraiseql_auth.api_keys SET revoked = false WHERE id = $1', [record.id]),
      /cannot be reinstated/,
    );
  });
});
