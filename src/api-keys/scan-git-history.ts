import { findKeysInText, type KeyInText } from './find-keys-in-text.ts';
import { runGit } from './run-git.ts';

/** A key found in a file version stored in a git repository. */
export interface GitFinding extends KeyInText {
  /** The repository's top-level directory. */
  readonly repository: string;
  /** The file's path in `commit`, or in the index when no commit holds the file version. */
  readonly path: string;
  /** The stored file version (blob id). */
  readonly blob: string;
  /**
   * A commit that added this file version at `path`: its tree holds it there and its
   * parents' trees do not. Undefined when no commit holds it (staged only).
   */
  readonly commit: string | undefined;
  /** The stash entry `commit` belongs to (`stash@{0}`), when it is one of a stash's commits. */
  readonly stash?: string;
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
 * distinct blob is read once (`git cat-file --batch`); for blobs holding a key, the commits
 * that added them are looked up (`commitsAddingBlob`), one finding per commit, the earliest
 * ancestor first. Commits of a stash are named by their entry (`stash@{0}`).
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

  const stashes = await stashEntries(repository);
  const findings: GitFinding[] = [];
  for (const [blob, found] of hits) {
    const additions = await commitsAddingBlob(repository, blob);
    if (additions.length === 0) {
      for (const item of found) findings.push({ ...item, repository, path: pathOf.get(blob) ?? '', blob, commit: undefined });
      continue;
    }
    for (const { commit, path } of additions) {
      const stash = stashes.get(commit);
      for (const item of found) {
        findings.push({ ...item, repository, path, blob, commit, ...(stash === undefined ? {} : { stash }) });
      }
    }
  }
  return findings;
}

/** A commit that added a file version, and the path it added it at. */
export interface BlobAddition {
  readonly commit: string;
  readonly path: string;
}

/**
 * The commits whose tree holds `blob` at a path where their parents' trees do not, every
 * branch, tag, stash and reflog entry included, ancestors before their descendants.
 *
 * `git log --find-object` alone lists the commits that delete the blob as well as those that
 * add it, and orders commits of equal date arbitrarily (scripts often commit within one
 * second), so its last line may name the deletion. Here the raw diff says which side holds the
 * blob, and `--topo-order --reverse` orders by ancestry, not date. A merge is diffed against
 * its first parent (so a stash's work-tree commit is seen), and kept only when no other
 * parent held the blob at that path either: a merge that merely brings a branch's addition
 * in did not add it.
 */
export async function commitsAddingBlob(repository: string, blob: string): Promise<BlobAddition[]> {
  const output = await runGit(repository, [
    'log',
    '--all',
    '--reflog',
    '--topo-order',
    '--reverse',
    '--root',
    '--diff-merges=first-parent',
    '--no-renames',
    '--raw',
    '--no-abbrev',
    '--no-color',
    '--no-show-signature',
    '-z',
    '--format=%x01%H %P',
    `--find-object=${blob}`,
  ]);
  const additions: BlobAddition[] = [];
  for (const entry of output.toString('utf8').split('\x01')) {
    const fields = entry.split('\0');
    const [commit = '', ...parents] = (fields[0] ?? '').trim().split(' ').filter((part) => part !== '');
    if (commit === '') continue;
    // Raw diff entries, each ":<modes> <old id> <new id> <status>" then the path, NUL-separated.
    for (let index = 1; index + 1 < fields.length; index += 1) {
      const meta = (fields[index] ?? '').trim();
      if (!meta.startsWith(':')) continue;
      const path = fields[index + 1] ?? '';
      index += 1;
      if (meta.split(' ')[3] !== blob) continue;
      if (await anyParentHolds(repository, parents.slice(1), path, blob)) continue;
      if (!additions.some((added) => added.commit === commit && added.path === path)) additions.push({ commit, path });
    }
  }
  return additions;
}

async function anyParentHolds(repository: string, parents: readonly string[], path: string, blob: string): Promise<boolean> {
  for (const parent of parents) {
    const held = await runGit(repository, ['rev-parse', '--verify', '--quiet', `${parent}:${path}`]).catch(() => undefined);
    if (held?.toString('utf8').trim() === blob) return true;
  }
  return false;
}

/**
 * The stash entry (`stash@{0}`, ...) of each commit a stash is made of: its work-tree commit,
 * and its index and untracked-files commits (second and third parents). Empty without a stash.
 */
async function stashEntries(repository: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const ref = (await runGit(repository, ['for-each-ref', '--format=%(refname)', 'refs/stash'])).toString('utf8').trim();
  if (ref === '') return entries;
  // Newest first, as `git stash list` numbers them.
  const log = await runGit(repository, ['log', '--walk-reflogs', '--no-show-signature', '--format=%H %P', 'refs/stash']);
  const lines = log.toString('utf8').split('\n').filter((line) => line !== '');
  lines.forEach((line, index) => {
    const [workTree = '', , ...own] = line.split(' ');
    for (const commit of [workTree, ...own]) if (!entries.has(commit)) entries.set(commit, `stash@{${index}}`);
  });
  return entries;
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
