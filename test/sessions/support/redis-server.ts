/**
 * A throw-away redis-server for the Redis revocation store tests: on a free loopback port, in
 * a temp directory, without persistence (`--save '' --appendonly no`) and with a password, so
 * tests can check it never reaches a log line.
 *
 *   const redis = await startRedisServer();
 *   try { ... redis.url ... await redis.stop(); await redis.start(); } finally { await redis.close(); }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where Debian's redis-server package installs the server. */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** Why the Redis tests cannot run here, or false when they can (for node:test's `skip`). */
export function redisSkipReason(): string | false {
  return existsSync(REDIS_SERVER)
    ? false
    : `${REDIS_SERVER} is not installed (apt-get install -y redis-server; .ci/run installs it)`;
}

export interface TestRedisServer {
  /** `redis://:<password>@127.0.0.1:<port>/0`. */
  readonly url: string;
  readonly password: string;
  readonly port: number;
  /** Stops the server (its data is gone: nothing is persisted). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  close(): Promise<void>;
}

export async function startRedisServer(): Promise<TestRedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-redis-'));
  const port = await freePort();
  const password = `test-redis-password-${process.pid}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const started = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
        '--requirepass', password, '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    child = started;
    await untilAccepting(port, started);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url: `redis://:${password}@127.0.0.1:${port}/0`,
    password,
    port,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port accepts a connection; fails when the server exits or takes 10 s. */
async function untilAccepting(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} before accepting connections.`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not accept connections on port ${port} within 10 s.`);
    await sleep(25);
  }
}
