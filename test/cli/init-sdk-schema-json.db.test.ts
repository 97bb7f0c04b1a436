/**
 * The route the README gives for a schema.json from FraiseQL's SDKs, taken in a project made by
 * `fraiseql-ts init`: put it in the project as schema.json and set `[schema] source =
 * "schema.json"`. Before the setting, compile refuses to overwrite the file; after it, the file
 * is what compiles and what a server started on the project serves.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ROOT, runCli, scratchProject, type ScratchProject } from './run-cli.ts';

const LONG = { timeout: 240_000 };

let scratch: ScratchProject;
let dir: string;
let sdkSchema: string;
let server: TestServer | undefined;

before(async () => {
  scratch = scratchProject('empty');
  dir = join(scratch.dir, 'api');
  const init = await runCli(['init', dir], { cwd: scratch.dir });
  assert.equal(init.code, 0, init.stderr);

  // A FraiseQL-format schema.json that differs from the project's schema.ts: the blog's own,
  // with public_posts renamed, so that which file is served shows in the API.
  const document = JSON.parse(
    readFileSync(join(ROOT, 'examples', 'blog', 'schema.json'), 'utf8'),
  ) as { queries: { name: string }[] };
  const publicPosts = document.queries.find((query) => query.name === 'public_posts');
  assert.ok(publicPosts !== undefined);
  publicPosts.name = 'sdk_public_posts';
  sdkSchema = `${JSON.stringify(document, null, 2)}\n`;
  writeFileSync(join(dir, 'schema.json'), sdkSchema);
});
after(async () => {
  await server?.close();
  scratch?.remove();
});

test('compile in the init project refuses to overwrite the SDK file', LONG, async () => {
  const result = await runCli(['compile'], { cwd: dir });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /set \[schema\] source = "schema\.json" in fraiseql\.toml/);
  assert.equal(readFileSync(join(dir, 'schema.json'), 'utf8'), sdkSchema);
});

test('with [schema] source = "schema.json" the SDK file is compiled and served', LONG, async () => {
  const toml = join(dir, 'fraiseql.toml');
  writeFileSync(
    toml,
    readFileSync(toml, 'utf8').replace(/^source = "schema\.ts".*$/m, 'source = "schema.json"'),
  );
  const compiled = await runCli(['compile'], { cwd: dir });
  assert.equal(compiled.code, 0, compiled.stdout + compiled.stderr);
  assert.match(compiled.stdout, /^Compiled schema\.json: /m);
  assert.equal(readFileSync(join(dir, 'schema.json'), 'utf8'), sdkSchema);

  server = await startTestServer({ projectDir: dir });
  const served = await server.graphql('{ sdk_public_posts { title } }');
  assert.equal(served.status, 200, served.text);
  assert.ok(Array.isArray(served.body.data?.sdk_public_posts), served.text);
  assert.ok((served.body.data?.sdk_public_posts as unknown[]).length > 0, served.text);

  // schema.ts's name for the query is not served.
  const fromSchemaTs = await server.graphql('{ public_posts { title } }');
  assert.match(fromSchemaTs.body.errors?.[0]?.message ?? '', /Cannot query field "public_posts"/);
});
