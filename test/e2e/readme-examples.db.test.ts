/**
 * Every example in README.md, run as written: the "Try it" commands (curl bodies sent to the
 * bundled example's server, `fraiseql-ts token` run through the real CLI) and the "Declaring a
 * schema" module compiled. An example the README gains without an expectation here fails the
 * test, so the README cannot drift from what the server does.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { loadConfig } from '../../src/config/load-config.ts';
import { compileSchema } from '../../src/schema/compile-schema.ts';
import { loadSchemaSource } from '../../src/schema/load-schema-source.ts';
import { ROOT, runCli } from '../cli/run-cli.ts';
import {
  startTestServer,
  TEST_JWT_SECRET,
  type GraphQLResponse,
  type TestServer,
} from '../support/test-server.ts';
import { TITLE } from './blog-client.ts';
import { codeBlocks, readmeSection, shellCommands, type ReadmeCommand } from './readme-commands.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What each README query must answer, keyed by its text with whitespace collapsed. */
const EXPECTED: Readonly<Record<string, (response: GraphQLResponse, withToken: boolean) => void>> =
  {
    '{ public_posts { title author { name } } }': (response) => {
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body.data?.public_posts, [
        { title: TITLE.alicePublic, author: { name: 'Alice Johnson' } },
        { title: TITLE.bobPublic, author: { name: 'Bob Smith' } },
        { title: TITLE.carolPublic, author: { name: 'Carol Diaz' } },
      ]);
    },
    '{ posts { title } }': (response, withToken) => {
      assert.equal(withToken, false, 'the README sends this query without a token');
      assert.equal(response.status, 401, response.text);
      assert.equal(response.body.errors?.[0]?.message, 'Missing Authorization header');
      assert.equal(response.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.match(String(response.headers['www-authenticate']), /^Bearer/);
    },
    '{ posts(where: {published: {eq: false}}) { title } }': (response, withToken) => {
      assert.equal(withToken, true, 'the README sends this query with Alice’s token');
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body.data?.posts, [{ title: TITLE.aliceDraft }]);
    },
    'mutation { create_post(title: "Hello", body: "Written with fraiseql-ts") { id title author { name } } }':
      (response) => {
        assert.equal(response.status, 200, response.text);
        const created = response.body.data?.create_post as {
          id: string;
          title: string;
          author: unknown;
        };
        assert.match(created.id, UUID);
        assert.deepEqual(
          { title: created.title, author: created.author },
          { title: 'Hello', author: { name: 'Alice Johnson' } },
        );
      },
  };

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

let server: TestServer;
before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
});
after(async () => {
  await server?.close();
});

describe('README "Try it"', () => {
  test('every command runs as written and answers what the README says', async () => {
    const commands = shellCommands(readmeSection('Try it'));
    assert.ok(
      commands.length >= 6,
      `expected the README's six commands, found ${String(commands.length)}`,
    );
    const port = loadConfig({ dir: join(ROOT, 'examples/blog'), env: {} }).server.port;
    const variables: Record<string, string> = {};

    for (const command of commands) {
      await runReadmeCommand(command, variables, port);
    }
    assert.ok(variables.TOKEN !== undefined, 'the README issues a token into $TOKEN');
  });
});

async function runReadmeCommand(
  command: ReadmeCommand,
  variables: Record<string, string>,
  port: number,
): Promise<void> {
  if (command.kind === 'curl') {
    assert.equal(command.url, `http://localhost:${String(port)}/graphql`, command.text);
    const expectation = EXPECTED[collapse(command.body.query)];
    assert.ok(
      expectation !== undefined,
      `README example without an expectation in this test: ${command.body.query}`,
    );
    const token = variables.TOKEN;
    if (command.withToken)
      assert.ok(token !== undefined, `$TOKEN is used before it is set: ${command.text}`);
    const response = await server.graphql(
      command.body.query,
      command.withToken && token !== undefined ? { token } : {},
    );
    expectation(response, command.withToken);
    return;
  }

  const args = command.args.map((arg) => (arg === '$TOKEN' ? (variables.TOKEN ?? '') : arg));
  const result = await runCli(args, { cwd: ROOT, env: { JWT_SECRET: TEST_JWT_SECRET } });
  assert.equal(result.code, 0, `${command.text}\n${result.stdout}${result.stderr}`);
  if (command.assignsTo !== undefined) {
    const value = result.stdout.trim();
    assert.match(value, /^[\w-]+\.[\w-]+\.[\w-]+$/, `${command.text} prints one token`);
    variables[command.assignsTo] = value;
  }
  if (args[0] === 'token' && args[1] === 'inspect') assert.match(result.stdout, /ACCEPTED/);
}

describe('README "Declaring a schema"', () => {
  test('the example module compiles without problems', async () => {
    const [source] = codeBlocks(readmeSection('Declaring a schema'), 'ts');
    assert.ok(source !== undefined, 'the section has a ts block');
    // Inside the repository, so that `from 'fraiseql-ts'` resolves to this checkout.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, 'tmp', 'readme-schema-'));
    try {
      const path = join(dir, 'schema.ts');
      writeFileSync(path, source);
      const { schema } = compileSchema(await loadSchemaSource(path));
      assert.deepEqual(Object.keys(schema.queries).sort(), ['posts', 'public_posts']);
      assert.deepEqual(Object.keys(schema.mutations), ['create_post']);
      assert.deepEqual(schema.queries.posts?.sqlSource, { name: 'v_post' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
