/**
 * Runs `node bin/fraiseql-ts.js ...` as a user would, in a scratch project under the
 * repository's git-ignored `tmp/` folder (inside the package, so that a project's
 * `import ... from 'fraiseql-ts'` resolves to this checkout).
 *
 *   const project = scratchProject('blog');          // a copy of examples/blog
 *   const result = await runCli(['compile'], { cwd: project.dir });
 *   project.remove();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'fraiseql-ts.js');
const EXAMPLE = join(ROOT, 'examples', 'blog');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  /** Added to a clean environment (see cliEnvironment). */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to standard input, then closed. */
  readonly input?: string;
  /** Kill the command after this many ms. Default 120 000. */
  readonly timeoutMs?: number;
}

/**
 * The environment a command runs with: this process's, without anything that would change
 * what the command does (database URL, mode, secrets, log level) or make a child node process
 * believe it runs under the test runner.
 */
export function cliEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'NODE_TEST_CONTEXT',
    'NODE_OPTIONS',
    'NODE_ENV',
    'FRAISEQL_ENV',
    'DATABASE_URL',
    'JWT_SECRET',
    'JWT_AUDIENCE',
    'JWT_ISSUER',
    'LOG_LEVEL',
    'PORT',
    'FRAISEQL_PORT',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** Starts the command and returns the child; for long-running commands such as `serve`. */
export function startCli(args: readonly string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: cliEnvironment(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs the command to its end and collects its output. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ScratchProject {
  readonly dir: string;
  remove(): void;
}

/**
 * A scratch directory under `<repo>/tmp/` (git-ignored). `blog` copies the example's
 * fraiseql.toml, schema.ts and migrations (not its database, not its compiled files); `empty`
 * leaves it empty.
 */
export function scratchProject(kind: 'blog' | 'empty'): ScratchProject {
  const parent = join(ROOT, 'tmp');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'cli-test-'));
  if (kind === 'blog') {
    for (const name of ['fraiseql.toml', 'schema.ts', 'migrations', '.gitignore']) {
      cpSync(join(EXAMPLE, name), join(dir, name), { recursive: true });
    }
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
