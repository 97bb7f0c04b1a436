/**
 * A debug-level logger whose JSON lines a test can read back:
 *
 *   const log = new CapturedLog();
 *   startTestServer({ ..., logger: log.logger });
 *   log.clear(); ...send a request...; await log.settled(); log.lines / log.entries()
 */
import { Writable } from 'node:stream';

import type { Logger } from 'pino';

import { createLogger } from '../../src/log/logger.ts';

export class CapturedLog {
  /** Every line written since the last `clear()`, in order. */
  lines: string[] = [];

  readonly logger: Logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
        done();
      },
    }),
  });

  clear(): void {
    this.lines = [];
  }

  /** pino writes synchronously; one turn of the event loop lets an onResponse line through. */
  async settled(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** The lines, parsed. */
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
