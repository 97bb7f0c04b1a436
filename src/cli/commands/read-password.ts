import { readFileSync } from 'node:fs';

import { CommandError } from '../run-command.ts';

/**
 * A new password, never from the command line (argv is visible to every user through `ps`):
 * with `fromStdin`, standard input whole (one trailing newline removed), as in
 * `printf '%s' "$PASSWORD" | fraiseql-ts users add alice --password-stdin`; otherwise typed
 * twice at the terminal without echo.
 */
export async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (!process.stdin.isTTY) {
    throw new CommandError(
      'No terminal to type the password at. Pipe it in with --password-stdin, e.g. ' +
        "printf '%s' \"$PASSWORD\" | fraiseql-ts users add alice --password-stdin",
    );
  }
  const first = await readHiddenLine('Password: ');
  const second = await readHiddenLine('Password again: ');
  if (first !== second) throw new CommandError('The two passwords differ; nothing was changed.');
  return first;
}

/** One line typed at the terminal, not echoed. Ctrl-C aborts. */
function readHiddenLine(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  let typed = '';
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error === undefined) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done();
        if (char === '\u0003') return done(new CommandError('Cancelled.', 130));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
