import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * Where a server holding an embedded data directory listens, written beside the directory's
 * lock. The CLI commands that must go through that server (`rbac`, `keys`) read it, so they
 * reach the server wherever `--port` put it, and never send their short-lived admin token to
 * whatever else happens to listen on the configured port.
 */
export const SERVER_ADDRESS_FILE = '.fraiseql-ts.server.json';

interface RecordedAddress {
  readonly pid: number;
  readonly url: string;
}

/** The URL a client reaches a listening address at; wildcard addresses through the loopback. */
export function urlOfAddress(address: AddressInfo): string {
  const host =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '[::1]' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Records that this process serves `dataDir` at `url`. */
export function recordServerAddress(dataDir: string, url: string): void {
  const recorded: RecordedAddress = { pid: process.pid, url };
  writeFileSync(join(dataDir, SERVER_ADDRESS_FILE), `${JSON.stringify(recorded)}\n`, { mode: 0o600 });
}

/** Removes the record, if it is this process's own. */
export function forgetServerAddress(dataDir: string): void {
  if (readRecord(dataDir)?.pid === process.pid) rmSync(join(dataDir, SERVER_ADDRESS_FILE), { force: true });
}

/**
 * The URL of the server holding `dataDir`, when the process `holderPid` (the lock's holder)
 * recorded one; `undefined` when there is no record or it belongs to another process.
 */
export function recordedServerUrl(dataDir: string, holderPid: number | undefined): string | undefined {
  const record = readRecord(dataDir);
  return record !== undefined && holderPid !== undefined && record.pid === holderPid ? record.url : undefined;
}

function readRecord(dataDir: string): RecordedAddress | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dataDir, SERVER_ADDRESS_FILE), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, url } = parsed as Record<string, unknown>;
    return typeof pid === 'number' && typeof url === 'string' && /^https?:\/\/[^/]+$/.test(url) ? { pid, url } : undefined;
  } catch {
    return undefined;
  }
}
