/**
 * Reads the shell and TypeScript examples out of README.md, so that a test can run each one
 * exactly as written and fail when the README and the server drift apart.
 *
 *   const section = readmeSection('Try it');
 *   for (const command of shellCommands(section)) ...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../cli/run-cli.ts';

/** One command of a README `sh` block, with its line continuations joined. */
export type ReadmeCommand =
  | {
      readonly kind: 'curl';
      readonly text: string;
      readonly url: string;
      /** The `-d '...'` body, parsed as JSON. */
      readonly body: { readonly query: string };
      /** True when the command sends `Authorization: Bearer $TOKEN`. */
      readonly withToken: boolean;
    }
  | {
      readonly kind: 'cli';
      readonly text: string;
      /** Arguments after `npx fraiseql-ts`, with `"$TOKEN"` left as the literal `$TOKEN`. */
      readonly args: readonly string[];
      /** The shell variable the output is assigned to (`TOKEN=$(...)`), if any. */
      readonly assignsTo?: string;
    };

/** README.md's text. */
export function readme(): string {
  return readFileSync(join(ROOT, 'README.md'), 'utf8');
}

/** The text of the `## <title>` section, up to the next `## ` heading. */
export function readmeSection(title: string, text = readme()): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section.`);
  const next = text.indexOf('\n## ', start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

/** The bodies of the fenced code blocks of one language, in order. */
export function codeBlocks(section: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  for (const match of section.matchAll(fence)) blocks.push(match[1] ?? '');
  return blocks;
}

/**
 * Every command of the section's `sh` blocks. Comments and blank lines are dropped; a line
 * ending in a backslash continues on the next. A command that is neither `curl` nor
 * `npx fraiseql-ts` is an error, so a new kind of example cannot go untested.
 */
export function shellCommands(section: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  for (const block of codeBlocks(section, 'sh')) {
    const lines = block.replace(/\\\n\s*/g, ' ').split('\n');
    for (const raw of lines) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      commands.push(parseCommand(line));
    }
  }
  return commands;
}

function parseCommand(line: string): ReadmeCommand {
  if (line.startsWith('curl ')) {
    const url = /\s(https?:\/\/\S+)/.exec(line)?.[1];
    const body = /\s-d '([^']*)'/.exec(line)?.[1];
    if (url === undefined || body === undefined) {
      throw new Error(`README curl command without a URL or a -d '...' body: ${line}`);
    }
    return {
      kind: 'curl',
      text: line,
      url,
      body: JSON.parse(body) as { query: string },
      withToken: line.includes('-H "Authorization: Bearer $TOKEN"'),
    };
  }
  const assigned = /^([A-Z_]+)=\$\((.*)\)$/.exec(line);
  const command = assigned?.[2] ?? line;
  if (!command.startsWith('npx fraiseql-ts ')) {
    throw new Error(`README command this test does not know how to run: ${line}`);
  }
  const args = command
    .slice('npx fraiseql-ts '.length)
    .split(/\s+/)
    .filter((arg) => arg !== '')
    .map((arg) => (arg === '"$TOKEN"' ? '$TOKEN' : arg));
  if (args.some((arg) => /["'`$]/.test(arg) && arg !== '$TOKEN')) {
    throw new Error(`README command with quoting this test does not parse: ${line}`);
  }
  return {
    kind: 'cli',
    text: line,
    args,
    ...(assigned?.[1] === undefined ? {} : { assignsTo: assigned[1] }),
  };
}
