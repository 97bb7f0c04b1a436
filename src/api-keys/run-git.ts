import { spawn } from 'node:child_process';

/** git failed or is missing; the message has git's own words. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/**
 * Settings that make git run a program named in the scanned repository's own configuration,
 * turned off for every command: a scanned repository may be untrusted (a downloaded archive,
 * a CI checkout), and reading its history must not run its code. `core.fsmonitor` runs when
 * the index is read; the others on log, diff or signature output.
 */
const NO_REPOSITORY_PROGRAMS = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'diff.external=',
  'log.showSignature=false',
  'gpg.program=false',
].flatMap((setting) => ['-c', setting]);

/**
 * Runs `git <args>` in `cwd` and resolves to its standard output. `input` is written to its
 * standard input; `onStdout` receives output as it comes instead (the result is then empty),
 * for output too large to hold. Nothing the scanned repository configures runs (hooks,
 * fsmonitor, pagers, external diff, signature programs), and no `GIT_*` variable of the
 * caller's environment can point git elsewhere or add settings.
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { readonly input?: string; readonly onStdout?: (chunk: Buffer) => void } = {},
): Promise<Buffer> {
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')),
  );
  Object.assign(env, { GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' });
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...NO_REPOSITORY_PROGRAMS, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => (options.onStdout === undefined ? out.push(chunk) : options.onStdout(chunk)));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new GitError(`cannot run git (${error.message}); install git to scan history`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(`git ${args[0] ?? ''} failed in ${cwd}: ${Buffer.concat(err).toString('utf8').trim() || `exit code ${String(code)}`}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
