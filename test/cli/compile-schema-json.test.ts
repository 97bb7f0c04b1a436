/**
 * `fraiseql-ts compile` beside a schema.json it did not write (one from FraiseQL's SDKs, or
 * edited by hand): it never overwrites it, and says how to serve it instead.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { FRAISEQL_FIXTURES } from '../schema/schema-test-support.ts';
import { runCli, scratchProject, type ScratchProject } from './run-cli.ts';

describe('compile and a schema.json it did not write', () => {
  let scratch: ScratchProject;
  before(() => {
    scratch = scratchProject('empty');
  });
  after(() => scratch?.remove());

  const SDK_SCHEMA = join(FRAISEQL_FIXTURES, 'golden', '06-tenant-scoped.json');
  const FOREIGN =
    /^error: schema\.json was not written by fraiseql-ts from schema\.ts \(it differs from what schema\.ts gives, and no compiled schema records writing it\), so compile will not overwrite it\. This project serves schema\.ts, not schema\.json\. To serve schema\.json, e\.g\. one from FraiseQL's SDKs, set \[schema\] source = "schema\.json" in fraiseql\.toml\. To keep schema\.ts, delete or rename schema\.json/m;

  test('an SDK schema.json in an init project is refused, never overwritten', async () => {
    const dir = join(scratch.dir, 'sdk');
    const init = await runCli(['init', dir], { cwd: scratch.dir });
    assert.equal(init.code, 0, init.stderr);
    const sdk = readFileSync(SDK_SCHEMA, 'utf8');
    writeFileSync(join(dir, 'schema.json'), sdk);

    for (const args of [['compile'], ['compile', '--check']]) {
      const result = await runCli(args, { cwd: dir });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /^Compiled schema\.ts: 4 types, 5 queries, 2 mutations\./m);
      assert.match(result.stdout, FOREIGN);
      assert.match(result.stdout, /Not written: fix the errors above first\.|Check failed/);
      assert.equal(readFileSync(join(dir, 'schema.json'), 'utf8'), sdk);
      assert.equal(existsSync(join(dir, 'schema.compiled.json')), false);
    }
  });

  test('with [schema] source = "schema.json" the SDK file is what compiles', async () => {
    const dir = join(scratch.dir, 'sdk');
    const toml = join(dir, 'fraiseql.toml');
    const before = readFileSync(toml, 'utf8');
    const after = before.replace(/^source = "schema\.ts".*$/m, 'source = "schema.json"');
    assert.notEqual(after, before);
    writeFileSync(toml, after);

    const result = await runCli(['compile'], { cwd: dir });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^Compiled schema\.json: 1 types, 0 queries, 0 mutations\./m);
    assert.doesNotMatch(result.stdout, /Wrote schema\.json/);
    assert.equal(readFileSync(join(dir, 'schema.json'), 'utf8'), readFileSync(SDK_SCHEMA, 'utf8'));
    const compiled = JSON.parse(readFileSync(join(dir, 'schema.compiled.json'), 'utf8')) as {
      types: Record<string, { tenantScoped?: boolean }>;
      schemaJsonHash?: string;
    };
    assert.equal(compiled.types.Invoice?.tenantScoped, true);
    assert.equal(compiled.schemaJsonHash, undefined);
  });

  test('the schema.json compile wrote is rewritten after schema.ts changes', async () => {
    const project = scratchProject('blog');
    try {
      const schemaTs = join(project.dir, 'schema.ts');
      const schemaJson = join(project.dir, 'schema.json');
      const compiledPath = join(project.dir, 'schema.compiled.json');
      let current = 'Every user of the blog, for staff.';
      const describeUsers = (text: string): void => {
        const source = readFileSync(schemaTs, 'utf8');
        const edited = source.replace(`description: '${current}'`, `description: '${text}'`);
        assert.notEqual(edited, source);
        writeFileSync(schemaTs, edited);
        current = text;
      };
      const usersDescription = (): unknown =>
        (
          JSON.parse(readFileSync(schemaJson, 'utf8')) as {
            queries: { name: string; description?: string }[];
          }
        ).queries.find((query) => query.name === 'users')?.description;

      const first = await runCli(['compile'], { cwd: project.dir });
      assert.equal(first.code, 0, first.stdout + first.stderr);
      const recorded = JSON.parse(readFileSync(compiledPath, 'utf8')) as {
        contentHash: string;
        schemaJsonHash?: string;
      };
      assert.match(recorded.schemaJsonHash ?? '', /^[0-9a-f]{64}$/);

      // The compiled file committed beside it tells the next compile the file is its own, also
      // after a checkout that re-wrote its whitespace.
      describeUsers('Staff only, first edit.');
      writeFileSync(schemaJson, JSON.stringify(JSON.parse(readFileSync(schemaJson, 'utf8'))));
      const second = await runCli(['compile'], { cwd: project.dir });
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.match(second.stdout, /Wrote schema\.json \(FraiseQL schema\.json format\)\./);
      assert.equal(usersDescription(), 'Staff only, first edit.');
      // The record does not change what is served: the content hash ignores it.
      const served = JSON.parse(readFileSync(compiledPath, 'utf8')) as { contentHash: string };
      assert.notEqual(served.contentHash, recorded.contentHash);

      // Edited by hand since: not compile's any more.
      const handEdited = readFileSync(schemaJson, 'utf8').replace(
        'Staff only, first edit.',
        'Edited by hand.',
      );
      writeFileSync(schemaJson, handEdited);
      describeUsers('Staff only, second edit.');
      const third = await runCli(['compile'], { cwd: project.dir });
      assert.equal(third.code, 1, third.stdout + third.stderr);
      assert.match(third.stdout, FOREIGN);
      assert.equal(readFileSync(schemaJson, 'utf8'), handEdited);

      // Without a compiled file recording it, an earlier output cannot be told from a foreign
      // file either: the message says deleting it is then safe.
      rmSync(compiledPath);
      writeFileSync(schemaJson, JSON.stringify({ ...JSON.parse(handEdited), queries: [] }));
      const fourth = await runCli(['compile'], { cwd: project.dir });
      assert.equal(fourth.code, 1, fourth.stdout + fourth.stderr);
      assert.match(fourth.stdout, /deleting it loses nothing: compile writes it again/);
      rmSync(schemaJson);
      const fifth = await runCli(['compile'], { cwd: project.dir });
      assert.equal(fifth.code, 0, fifth.stdout + fifth.stderr);
      assert.equal(usersDescription(), 'Staff only, second edit.');
    } finally {
      project.remove();
    }
  });
});
