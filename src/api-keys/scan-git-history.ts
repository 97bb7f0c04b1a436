import { findKeysInText, type KeyInText } from './find-keys-in-text.ts';
import { runGit } from './run-git.ts';

/** A key found in a file version stored in a git repository. */
export interface GitFinding extends KeyInText {
  /** The repository's top-level directory. */
  readonly repository: string;
  /** The file's path in the first version found to hold it. */
  readonly path: string;
  /** The stored file version (blob id). */
  readonly blob: string;
  /** The oldest commit that added this file version; undefined when only staged. */
  readonly commit: string | undefined;
}

/** Options of `scanGitHistory`. */
export interface ScanGitOptions {
  /** Blobs larger than this are skipped. Default 50 MiB. */
  readonly maxBlobBytes?: number;
}

/**
 * Reads every file version in the repository holding `dir`: every blob reachable from any ref
 * (branches, tags, stash, remotes), from the reflogs (amended or reset commits) and from the
 * index (staged but not committed), so a key committed and later deleted is still found. Each
 * distinct blob is read once (`git cat-file --batch`); for blobs holding a key, the commit
 * that added them is looked up.
 */
export async function scanGitHistory(dir: string, options: ScanGitOptions = {}): Promise<GitFinding[]> {
  const maxBytes = options.maxBlobBytes ?? 50 * 1024 * 1024;
  const repository = await gitTopLevel(dir);
  const listing = await runGit(repository, [
    'rev-list',
    '--objects',
    '--all',
    '--reflog',
    '--indexed-objects',
    '--filter=object:type=blob',
  ]);
  const pathOf = new Map<string, string>();
  for (const line of listing.toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    // Commits print their id alone; blobs print "<id> <path>".
    if (space === 40 || space === 64) {
      const id = line.slice(0, space);
      if (!pathOf.has(id)) pathOf.set(id, line.slice(space + 1));
    }
  }
  if (pathOf.size === 0) return [];

  const hits = new Map<string, KeyInText[]>();
  const reader = new BatchReader(maxBytes, (id, content) => {
    const found = findKeysInText(content.toString('latin1'));
    if (found.length > 0) hits.set(id, found);
  });
  await runGit(repository, ['cat-file', '--batch'], {
    input: `${[...pathOf.keys()].join('\n')}\n`,
    onStdout: (chunk) => reader.push(chunk),
  });

  const findings: GitFinding[] = [];
  for (const [blob, found] of hits) {
    const commits = (await runGit(repository, ['log', '--all', '--reflog', '--format=%H', `--find-object=${blob}`]))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '');
    // Newest first: the last commit listed is where this file version first appeared.
    const commit = commits[commits.length - 1];
    for (const item of found) {
      findings.push({ ...item, repository, path: pathOf.get(blob) ?? '', blob, commit });
    }
  }
  return findings;
}

/** The top-level directory of the work tree holding `dir`. @throws GitError outside one. */
export async function gitTopLevel(dir: string): Promise<string> {
  return (await runGit(dir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
}

/**
 * Parses `git cat-file --batch` output as it streams: "<id> <type> <size>\n", the content,
 * "\n", for each object. Contents over the size limit are skipped without being held.
 */
class BatchReader {
  #header = Buffer.alloc(0);
  #current: { id: string; remaining: number; parts: Buffer[] | undefined } | undefined;
  /** The newline after each content still to be skipped. */
  #skipNewline = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onObject: (id: string, content: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.#skipNewline) {
        this.#skipNewline = false;
        data = data.subarray(1);
        continue;
      }
      if (this.#current !== undefined) {
        const take = Math.min(this.#current.remaining, data.length);
        this.#current.parts?.push(data.subarray(0, take));
        this.#current.remaining -= take;
        data = data.subarray(take);
        if (this.#current.remaining === 0) {
          if (this.#current.parts !== undefined) this.onObject(this.#current.id, Buffer.concat(this.#current.parts));
          this.#current = undefined;
          this.#skipNewline = true;
        }
        continue;
      }
      const newline = data.indexOf(0x0a);
      if (newline === -1) {
        this.#header = Buffer.concat([this.#header, data]);
        return;
      }
      const header = Buffer.concat([this.#header, data.subarray(0, newline)]).toString('utf8');
      this.#header = Buffer.alloc(0);
      data = data.subarray(newline + 1);
      const [id = '', type = '', sizeText = ''] = header.split(' ');
      if (type === 'missing' || sizeText === '') continue;
      const size = Number(sizeText);
      this.#current = { id, remaining: size, parts: size <= this.maxBytes ? [] : undefined };
      if (size === 0) {
        this.onObject(id, Buffer.alloc(0));
        this.#current = undefined;
        this.#skipNewline = true;
      }
    }
  }
}
