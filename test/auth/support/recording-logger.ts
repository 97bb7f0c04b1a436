import type { AuthLogger } from '../../../src/auth/auth-logger.ts';

/** One captured log line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A logger that keeps every line, to assert on what was (and was not) written. */
export function recordingLogger(): AuthLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const record =
    (level: LogLine['level']) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields: { ...fields }, message });
    };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => lines.map((line) => `${line.message} ${JSON.stringify(line.fields)}`).join('\n'),
  };
}
