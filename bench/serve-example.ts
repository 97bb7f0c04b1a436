import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** A `fraiseql-ts serve` child process. */
export interface ServedExample {
  /** e.g. http://127.0.0.1:8123 */
  readonly origin: string;
  /** Sends SIGTERM and waits for the process to end. */
  stop(): Promise<void>;
}

/** What the served process needs. */
export interface ServeOptions {
  /** The project directory, relative to the repository or absolute. */
  readonly projectDir: string;
  readonly databaseUrl: string;
  readonly jwtSecret: string;
  /** The loopback port to serve on; a free one when omitted. */
  readonly port?: number;
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/fraiseql-ts.js', import.meta.url));

/**
 * Runs `fraiseql-ts serve` on the given loopback port (a free one by default), exactly as a user would, with DATABASE_URL
 * and JWT_SECRET set and `--no-migrate` (the benchmark migrated already), and waits until
 * `/ready` answers 200. The environment is built from scratch so that nothing from the caller
 * (a stray NODE_ENV, CORS_ORIGINS, ...) changes what is measured; logs are kept at `warn`.
 */
export async function serveExample(options: ServeOptions): Promise<ServedExample> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--dir', options.projectDir, '--port', String(port), '--no-migrate'],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DATABASE_URL: options.databaseUrl,
        JWT_SECRET: options.jwtSecret,
        // Set so the server does not write a development secret file into the example.
        API_KEY_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      },
    },
  );
  // Always drained: a full pipe would block the server mid-run.
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    tail.push(chunk.toString('utf8'));
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const origin = `http://127.0.0.1:${String(port)}`;
  const stop = (): Promise<void> => stopChild(child);
  try {
    await waitUntilReady(origin, child, () => tail.join(''));
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, stop };
}

async function waitUntilReady(
  origin: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`fraiseql-ts serve exited with ${String(child.exitCode)}:\n${output()}`);
    }
    const ready = await fetch(`${origin}/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await sleep(200);
  }
  throw new Error(`fraiseql-ts serve was not ready within 60 s:\n${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await ended;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
