import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

import { computeSchemaJsonHash } from '../../schema/content-hash.ts';

/** What `compile` may do with the `schema.json` beside a TypeScript schema source. */
export type SchemaJsonVerdict =
  | {
      /** Absent, or written by fraiseql-ts: it may be (over)written. */
      readonly kind: 'writable';
    }
  | {
      /** Written by someone else (FraiseQL's SDKs, by hand): it must be left alone. */
      readonly kind: 'foreign';
      /** What the user can do, as one paragraph. */
      readonly message: string;
    };

/** Where `compile` is about to write, and what. */
export interface SchemaJsonTarget {
  /** The `schema.json` beside the source. */
  readonly path: string;
  /** The document compile would write there. */
  readonly document: unknown;
  /** The TypeScript source it comes from, as shown to the user. */
  readonly sourceName: string;
  /** The `schema.json` as shown to the user. */
  readonly shownPath: string;
  /**
   * Compiled files that may record the `schemaJsonHash` of what compile wrote last time: the one
   * about to be replaced and the project's configured one (they differ with `--output`).
   */
  readonly compiledPaths: readonly string[];
}

/**
 * Decides whether `compile` may write `schema.json` from a TypeScript source. It may when no
 * such file exists, when the file holds what compile would write now, or when a compiled file
 * records the file's hash, written by the compile that wrote the file. Each of those survives a
 * fresh clone of a project that commits its compiled schema; the hash ignores key order and
 * whitespace, so line-ending changes do not count. Anything else was not written by fraiseql-ts
 * from this source (typically a FraiseQL SDK's `schema.json` dropped into the project, which the
 * project does not serve while its source is `schema.ts`) and is never overwritten.
 *
 * A `schema.json` that fraiseql-ts wrote from an earlier version of the source, in a project
 * that does not keep its compiled file, is refused too: nothing tells it from a foreign file.
 * The message says that deleting it is then safe.
 */
export function checkSchemaJsonTarget(target: SchemaJsonTarget): SchemaJsonVerdict {
  if (!existsSync(target.path)) return { kind: 'writable' };

  const existing = readJson(target.path);
  if (existing.ok) {
    const hash = computeSchemaJsonHash(existing.value);
    if (hash === computeSchemaJsonHash(target.document)) return { kind: 'writable' };
    if (target.compiledPaths.some((path) => recordedSchemaJsonHash(path) === hash)) {
      return { kind: 'writable' };
    }
  }

  const name = target.shownPath;
  const file = basename(target.path);
  const source = target.sourceName;
  return {
    kind: 'foreign',
    message:
      `${name} was not written by fraiseql-ts from ${source} (it differs from what ${source} ` +
      `gives, and no compiled schema records writing it), so compile will not overwrite it. ` +
      `This project serves ${source}, not ${name}. To serve ${name}, e.g. one from FraiseQL's ` +
      `SDKs, set [schema] source = "${file}" in fraiseql.toml. To keep ${source}, delete or ` +
      `rename ${name} (if fraiseql-ts wrote it from an earlier ${source}, deleting it loses ` +
      `nothing: compile writes it again).`,
  };
}

/**
 * The `schema.json` document a TypeScript source stands for: its default export's
 * `toSchemaJson()` (a `defineSchema` result), or the default export itself when the module
 * exports a plain document. The module has already been loaded by the compile, so this import
 * is served from the module cache.
 */
export async function schemaJsonOfModule(source: string): Promise<unknown> {
  const module = (await import(pathToFileURL(source).href)) as { default?: unknown };
  const exported = module.default;
  if (
    typeof exported === 'object' &&
    exported !== null &&
    'toSchemaJson' in exported &&
    typeof exported.toSchemaJson === 'function'
  ) {
    return (exported.toSchemaJson as () => unknown)();
  }
  return exported;
}

/** The `schemaJsonHash` a compiled file records, if it exists and records one. */
function recordedSchemaJsonHash(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const compiled = readJson(path);
  if (!compiled.ok || typeof compiled.value !== 'object' || compiled.value === null) {
    return undefined;
  }
  const hash = (compiled.value as { schemaJsonHash?: unknown }).schemaJsonHash;
  return typeof hash === 'string' ? hash : undefined;
}

function readJson(path: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(readFileSync(path, 'utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}
