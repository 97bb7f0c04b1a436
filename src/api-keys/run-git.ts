import { spawn } from 'node:child_process';

/** git failed or is missing; the message has git's own words. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/**
 * Runs `git <args>` in `cwd` and resolves to its standard output. `input` is written to its
 * standard input; `onStdout` receives output as it comes instead (the result is then empty),
 * for output too large to hold. Hooks and pagers never run: these are read-only plumbing
 * commands, and `GIT_*` variables that could point git elsewhere are removed.
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { readonly input?: string; readonly onStdout?: (chunk: Buffer) => void } = {},
): Promise<Buffer> {
  const env: Record<string, string | undefined> = { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_NAMESPACE']) {
    delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
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
