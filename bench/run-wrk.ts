import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LoadResult } from './load-result.ts';

/** How to drive wrk. */
export interface WrkOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:8123/graphql. */
  readonly url: string;
  /** The JSON request body. */
  readonly body: string;
  /** Extra request headers (Authorization). */
  readonly headers: Readonly<Record<string, string>>;
  /** Open connections, each with one request in flight. */
  readonly connections: number;
  /** wrk threads. */
  readonly threads: number;
}

/** Debian's package name, for the message when wrk is missing. */
const INSTALL_HINT = 'Install it (Debian/Ubuntu: apt-get install -y wrk) and run again.';

/**
 * Loads the server with wrk for `seconds`: POSTs of `body` over `connections` keep-alive
 * connections. wrk takes a POST body only from a Lua script, so one is written to a temporary
 * directory. Any non-2xx answer or socket error is counted as failed.
 */
export async function runWrk(options: WrkOptions, seconds: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-bench-wrk-'));
  try {
    const script = join(dir, 'post.lua');
    writeFileSync(script, luaScript(options.body, options.headers));
    const output = await wrk([
      `--threads=${String(options.threads)}`,
      `--connections=${String(options.connections)}`,
      `--duration=${String(seconds)}s`,
      '--latency',
      `--script=${script}`,
      options.url,
    ]);
    return parseWrkOutput(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fails with an install hint unless wrk can be started. */
export async function checkWrkInstalled(): Promise<void> {
  // wrk has no --version that exits 0; starting it without arguments proves it exists.
  await wrk([]).catch((error: unknown) => {
    if (error instanceof WrkMissingError) throw error;
  });
}

class WrkMissingError extends Error {
  constructor() {
    super(`wrk (the HTTP load generator) was not found on PATH. ${INSTALL_HINT}`);
    this.name = 'WrkMissingError';
  }
}

function wrk(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new WrkMissingError() : error),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`wrk exited with ${String(code)}:\n${output}`));
    });
  });
}

/** A Lua long string cannot contain its own closing bracket; pick a level that is free. */
function luaString(text: string): string {
  let level = 1;
  while (text.includes(`]${'='.repeat(level)}]`)) level += 1;
  const equals = '='.repeat(level);
  // A newline right after the opening bracket would be dropped; the body starts with `{`.
  return `[${equals}[${text}]${equals}]`;
}

function luaScript(body: string, headers: Readonly<Record<string, string>>): string {
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
    ...Object.entries(headers).map(
      // Spaces inside the index brackets: `[[` would open a long string.
      ([name, value]) => `wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** wrk's summary: requests/s, the 50 % and 99 % latency lines, failures. */
export function parseWrkOutput(output: string): LoadResult {
  const number = (pattern: RegExp): number | undefined => {
    const found = pattern.exec(output)?.[1];
    return found === undefined ? undefined : Number(found);
  };
  const latency = (percent: string): number => {
    const found = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(output);
    const unit = found?.[2] === undefined ? undefined : UNIT_MS[found[2]];
    if (found?.[1] === undefined || unit === undefined) {
      throw new Error(`wrk printed no ${percent}% latency:\n${output}`);
    }
    return Number(found[1]) * unit;
  };

  const perSecond = number(/^Requests\/sec:\s+([\d.]+)/m);
  const completed = number(/^\s*(\d+) requests in /m);
  if (perSecond === undefined || completed === undefined) {
    throw new Error(`Could not read wrk's summary:\n${output}`);
  }
  const non2xx = number(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0);
  return {
    perSecond,
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    completed,
    failed: non2xx + socketErrors,
  };
}
