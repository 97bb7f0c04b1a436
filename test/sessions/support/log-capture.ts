/**
 * A logger whose lines a test can read: `createCapturingLogger()` gives the logger and the
 * parsed JSON lines written so far.
 */
import { Writable } from 'node:stream';

import { createLogger, type Logger } from '../../../src/log/logger.ts';

export interface LogLine {
  readonly level: string;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface CapturingLogger {
  readonly logger: Logger;
  readonly lines: LogLine[];
}

/** A logger at `level` (default info) that keeps every line. */
export function createCapturingLogger(level = 'info'): CapturingLogger {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
      }
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}
