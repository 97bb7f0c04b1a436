/**
 * `fraiseql-ts compile --database`, run as a user runs it on the blog example, names every
 * table an exposed view reads with its owner's rights: here the example's v_public_post is
 * switched to security_invoker = false, so tb_user (no policy) and tb_post (policies its
 * superuser owner bypasses) are read unfiltered by every caller of public_posts. These are
 * warnings: the check still passes. The rules themselves are covered in owner-reads.db.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { runCli, scratchProject, type ScratchProject } from '../cli/run-cli.ts';
import { createTestDatabase, hasPostgres, testEngine, type TestDatabase } from '../support/test-database.ts';

const LONG = { timeout: 240_000 };

let project: ScratchProject;
let database: TestDatabase | undefined;
let env: Record<string, string>;

before(async () => {
  project = scratchProject('blog');
  writeFileSync(
    join(project.dir, 'migrations', '900_definer_view.sql'),
    'ALTER VIEW v_public_post SET (security_invoker = false);\n',
  );
  env = { JWT_SECRET: 'compile-owner-reads-secret-0123456789abcdef0123456789' };
  if (hasPostgres()) {
    database = await createTestDatabase();
    env = { ...env, DATABASE_URL: database.url ?? '' };
  }
});
after(async () => {
  project?.remove();
  await database?.close();
});

describe(`compile --database on a view without security_invoker (${testEngine()})`, () => {
  test('each table the view reads unfiltered is named in a warning; the check passes', LONG, async () => {
    const migrated = await runCli(['migrate'], { cwd: project.dir, env });
    assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);

    const result = await runCli(['compile', '--database', '--check'], { cwd: project.dir, env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('warning: query public_posts: Table '));
    assert.equal(warnings.length, 3, result.stdout);
    assert.match(
      result.stdout,
      /^warning: query public_posts: Table public\.tb_user has no row-level security policy, and view public\.v_public_post reads it with the rights of its owner \(role \w+; security_invoker is off\)/m,
    );
    for (const table of ['tb_post', 'tb_comment']) {
      assert.match(
        result.stdout,
        new RegExp(`^warning: query public_posts: Table public\\.${table} has row-level security policies, but view public\\.v_public_post reads it as its owner \\w+, who bypasses them`, 'm'),
      );
    }
    // Queries on security_invoker views name no table.
    assert.doesNotMatch(result.stdout, /^warning: query (posts|user_posts|users|user_by_email): Table /m);
    assert.match(result.stdout, /Check passed/);
  });
});
