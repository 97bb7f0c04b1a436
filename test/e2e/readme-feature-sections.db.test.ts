/**
 * The README's sections on login, API keys and permissions, run as a newcomer runs them: each
 * `sh` block through bash, against `fraiseql-ts serve` on a real port, with only the port and
 * the project directory changed. Each section must print what the README says it prints.
 * Needs `jq`, as the README says (`.ci/run` installs it).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { cliEnvironment, ROOT, scratchProject, startCli, type ScratchProject } from '../cli/run-cli.ts';
import { codeBlocks, readmeSection } from './readme-commands.ts';

const LONG = { timeout: 240_000 };

/** What each section's output must hold, in order. */
const EXPECTED_OUTPUT: Readonly<Record<string, readonly string[]>> = {
  'Log in, refresh, log out': ['"posts":[', 'Token has been revoked'],
  'API keys': ['"posts":[', '"grace_until"', '"status":"revoked"', 'Invalid API key'],
  'Scopes, roles and database permissions': [
    'Insufficient scope for this operation',
    'User does not have permission',
    'granted role staff',
    '"users":[',
    'read:users',
    'revoked role staff',
  ],
};

let project: ScratchProject;
let server: ChildProcess | undefined;
let port: number;

before(async () => {
  project = scratchProject('blog');
  port = await freePort();
  server = startCli(['serve'], { cwd: project.dir, env: { FRAISEQL_PORT: String(port) } });
  await waitForOutput(server, /serving GraphQL at/, 120_000);
});
after(async () => {
  server?.kill('SIGTERM');
  await new Promise((resolve) => (server?.exitCode === null ? server.on('close', resolve) : resolve(null)));
  project?.remove();
});

describe('README sections run as written', () => {
  for (const [title, expected] of Object.entries(EXPECTED_OUTPUT)) {
    test(title, LONG, async () => {
      const blocks = codeBlocks(readmeSection(title), 'sh');
      assert.ok(blocks.length > 0, `README section "${title}" has no sh block`);
      let output = '';
      for (const block of blocks) output += await runBlock(localise(block));
      let from = 0;
      for (const text of expected) {
        const at = output.indexOf(text, from);
        assert.ok(at >= 0, `"${title}" should print ${text} (after offset ${String(from)}):\n${output}`);
        from = at + text.length;
      }
    });
  }
});

/** The block with this test's server port and scratch project in place of the README's. */
function localise(block: string): string {
  return block
    .replaceAll('localhost:8000', `localhost:${String(port)}`)
    .replaceAll('--dir examples/blog', `--dir ${project.dir}`);
}

async function runBlock(script: string): Promise<string> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: ROOT,
    env: cliEnvironment({ FRAISEQL_PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `README block failed:\n${script}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return `${stdout}\n`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start in time:\n${seen}`)), timeoutMs);
    const look = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${String(code)} before it was ready:\n${seen}`));
    });
  });
}
