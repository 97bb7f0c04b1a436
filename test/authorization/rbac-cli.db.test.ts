/**
 * `fraiseql-ts rbac grant|revoke|list` as a new user would run it: a server is serving the
 * project, the CLI grants a permission, and the running server honours it on the next
 * request with the same token. On the embedded database the server holds the data directory,
 * so the CLI goes through the server's admin API (with a short token it signs itself); on
 * PostgreSQL it writes to the database and the server hears of it through NOTIFY. Once the
 * server is gone the CLI opens the database itself.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { SignJWT } from 'jose';

import { runRbacGrant, runRbacList, runRbacRevoke, type RbacCommandOptions } from '../../src/cli/commands/rbac.ts';
import { compileProjectSchema } from '../../src/cli/project-schema.ts';
import { CommandError } from '../../src/cli/run-command.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/log/logger.ts';
import { SERVER_ADDRESS_FILE } from '../../src/server/server-address-file.ts';
import { prepareServer, type RunningServer } from '../../src/server/start-server.ts';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/test-database.ts';
import { TEST_JWT_SECRET } from '../support/test-server.ts';
import { ALICE, FIXTURE_DIR } from './support/authz-server.ts';

let projectDir: string;
let env: Record<string, string | undefined>;
let port: number;
let postgres: TestDatabase | undefined;
let running: RunningServer | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

before(async () => {
  projectDir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-rbac-cli-'));
  port = await freePort();
  writeFileSync(
    join(projectDir, 'fraiseql.toml'),
    [
      '[schema]',
      `source = ${JSON.stringify(join(FIXTURE_DIR, 'schema.ts'))}`,
      '[database]',
      `migrations_dir = ${JSON.stringify(join(FIXTURE_DIR, 'migrations'))}`,
      '[server]',
      `port = ${port}`,
      '[auth]',
      'audience = "fraiseql-api"',
    ].join('\n'),
  );
  env = { ...process.env, JWT_SECRET: TEST_JWT_SECRET };
  delete env.DATABASE_URL;
  if (testEngine() === 'postgres') {
    postgres = await createTestDatabase();
    env.DATABASE_URL = postgres.url;
  }
  const config = loadConfig({ dir: projectDir, env });
  const compiled = await compileProjectSchema(config);
  running = await prepareServer({ config, schema: compiled.schema, logger: createLogger({ level: 'silent' }) });
  await running.app.listen({ host: '127.0.0.1', port });
});
after(async () => {
  await running?.close();
  await postgres?.close();
  rmSync(projectDir, { recursive: true, force: true });
});

/** Runs a command, returning what it printed. */
async function cli(
  run: (options: RbacCommandOptions, io: { stdout: (text: string) => void; env: typeof env }) => Promise<number>,
  options: Omit<RbacCommandOptions, 'dir'>,
): Promise<string> {
  let output = '';
  const code = await run({ dir: projectDir, ...options }, { stdout: (text) => void (output += text), env });
  assert.equal(code, 0);
  return output;
}

async function reports(token: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ reports { title } }' }),
  });
  await response.text();
  return response.status;
}

async function eventuallyStatus(token: string, status: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await reports(token)) !== status) {
    if (Date.now() > deadline) assert.fail(`the server did not answer ${status} in time`);
    await sleep(25);
  }
}

describe(`rbac CLI against a running server (${testEngine()})`, () => {
  test('a permission granted with the CLI applies to the next request without a new token', async () => {
    const token = await new SignJWT({ aud: 'fraiseql-api', sub: ALICE.sub, org: { id: ALICE.org } })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    assert.equal(await reports(token), 403);

    assert.equal(
      await cli(runRbacGrant, { role: 'analyst', permission: 'read:reports' }),
      'created role analyst\ncreated permission read:reports\ngranted permission read:reports to role analyst\n',
    );
    assert.equal(
      await cli(runRbacGrant, { user: ALICE.sub, role: 'analyst' }),
      `created user ${ALICE.sub}\ngranted role analyst to user ${ALICE.sub}\n`,
    );
    await eventuallyStatus(token, 200);

    assert.equal(
      await cli(runRbacGrant, { role: 'analyst', permission: 'read:reports' }),
      'role analyst already held permission read:reports\n',
    );
    assert.equal(
      await cli((options, io) => runRbacList(undefined, options, io), {}),
      'roles:\n  analyst  read:reports\npermissions:\n  read:reports  analyst\n',
    );

    assert.equal(
      await cli(runRbacRevoke, { user: ALICE.sub, role: 'analyst' }),
      `revoked role analyst from user ${ALICE.sub}\n`,
    );
    await eventuallyStatus(token, 403);
  });

  test('a server listening elsewhere than its configuration is found by the address it recorded, or --server', async () => {
    const otherPort = await freePort();
    const elsewhere = { ...env, PORT: String(otherPort) };
    const quiet = { stdout: () => undefined, env: elsewhere };
    if (testEngine() === 'embedded') {
      // The configuration now names a port nobody listens on; the server's own record is used.
      assert.equal(await runRbacList('roles', { dir: projectDir }, quiet), 0);

      // Without a record the command refuses rather than send its admin token to the
      // configured port, where anything may listen.
      const dataDir = loadConfig({ dir: projectDir, env }).paths.dataDir;
      const record = join(dataDir, SERVER_ADDRESS_FILE);
      const saved = readFileSync(record, 'utf8');
      rmSync(record);
      try {
        await assert.rejects(
          runRbacList(undefined, { dir: projectDir }, quiet),
          (error: unknown) =>
            error instanceof CommandError &&
            error.message.includes('recorded no address') &&
            error.message.includes('Pass --server http://<host>:<port>'),
        );
      } finally {
        writeFileSync(record, saved);
      }
    }
    let output = '';
    const code = await runRbacList(
      'roles',
      { dir: projectDir, server: `http://127.0.0.1:${port}` },
      { stdout: (text) => void (output += text), env: elsewhere },
    );
    assert.equal(code, 0);
    assert.match(output, /^roles:/);
    for (const bad of ['127.0.0.1:8000', 'http://127.0.0.1:8000/admin']) {
      await assert.rejects(
        runRbacList(undefined, { dir: projectDir, server: bad }, quiet),
        (error: unknown) =>
          error instanceof CommandError && error.message.startsWith('--server must be') && error.message.endsWith(`got "${bad}".`),
      );
    }
  });

  test('refusals are messages, not stack traces', async () => {
    await assert.rejects(
      cli(runRbacRevoke, { user: ALICE.sub, role: 'analyst' }),
      (error: unknown) => error instanceof CommandError && /does not hold role analyst/.test(error.message),
    );
    await assert.rejects(
      cli(runRbacGrant, { role: 'analyst' }),
      (error: unknown) => error instanceof CommandError && /rbac grant --role <role> --permission <permission>/.test(error.message),
    );
    await assert.rejects(
      cli((options, io) => runRbacList('users', options, io), {}),
      (error: unknown) => error instanceof CommandError && /Cannot list "users"/.test(error.message),
    );
    await assert.rejects(
      cli(runRbacGrant, { role: 'bad role', permission: 'x:y' }),
      (error: unknown) => error instanceof CommandError && /"bad role" is not a role name/.test(error.message),
    );
  });
});

describe(`rbac CLI on the database itself (${testEngine()})`, () => {
  test('with the server stopped, the CLI opens the database and lists a user as JSON', async () => {
    await running?.close();
    running = undefined;
    await cli(runRbacGrant, { user: ALICE.sub, role: 'analyst' });
    const listed = JSON.parse(await cli((options, io) => runRbacList(undefined, options, io), { user: ALICE.sub, json: true })) as unknown;
    assert.deepEqual(listed, {
      subject: ALICE.sub,
      primaryRole: null,
      disabled: false,
      roles: ['analyst'],
      permissions: ['read:reports'],
    });
    assert.equal(
      await cli((options, io) => runRbacList('permissions', options, io), {}),
      'permissions:\n  read:reports  analyst\n',
    );
  });
});
