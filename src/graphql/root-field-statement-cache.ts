import { createHash } from 'node:crypto';

import { LRUCache } from 'lru-cache';

import type { SqlStatement } from '../db/database.ts';
import type { FieldAuthorizer } from '../sql/field-authorizer.ts';
import { argumentsKey } from './arguments-key.ts';
import type { ExecutorContext } from './execute-operation.ts';
import {
  bindsUnchanged,
  injectionSlots,
  withSentinels,
  type InjectionSlot,
} from './injected-sentinels.ts';
import type { InjectedValue } from './inject-values.ts';
import type { OperationPlan } from './operation-plan.ts';
import type { ResolvedRootField } from './resolve-root-fields.ts';
import { buildRootFieldStatement } from './root-field-statement.ts';

/** A root field that becomes SQL, with the selection already authorized for the caller. */
export type SqlRootField = Extract<ResolvedRootField, { kind: 'query' | 'mutation' }>;

/** Builds one root field's statement; `buildRootFieldStatement` unless a test passes its own. */
export type RootFieldStatementBuilder = (
  context: ExecutorContext,
  field: SqlRootField,
  injected: readonly InjectedValue[],
  authorizeField: FieldAuthorizer,
) => SqlStatement;

/** One `where`/`orderBy` authorization the builder asked for. */
type FieldCheck = Parameters<FieldAuthorizer>;

type CacheEntry =
  | {
      readonly kind: 'statement';
      readonly text: string;
      /** The values with sentinels where the injected values go. */
      readonly values: readonly unknown[];
      readonly slots: readonly InjectionSlot[];
      /** Replayed for every caller: each must pass them, as building afresh would require. */
      readonly checks: readonly FieldCheck[];
    }
  /** The builder transforms an injected value (or the sentinels failed): always build afresh. */
  | { readonly kind: 'uncacheable' };

/** A kept entry, with what the cache needs to account for it and to find its field's index. */
interface Slot {
  readonly entry: CacheEntry;
  /** The index of the root field this statement belongs to, where it is listed under `digest`. */
  readonly index: LRUCache<string, string>;
  readonly digest: string;
  /** Accounted bytes: see `accountedSize`. */
  readonly size: number;
}

/** Distinct statements kept per root field of a plan. */
export const DEFAULT_STATEMENTS_PER_FIELD = 32;

/** Limits on what the statement cache keeps, besides the count per root field. */
export interface StatementCacheLimits {
  /**
   * The accounted size of every kept statement together, in bytes: text and bound values at two
   * bytes a character, plus a fixed amount per entry, value and check. The least recently used
   * statements, of any plan, make room. Default 32 MiB.
   */
  readonly maxSize?: number;
  /** The accounted size above which one statement is not kept. Default 256 KiB. */
  readonly maxEntrySize?: number;
  /**
   * Statements whose coerced arguments take more characters than this as key text are built
   * for every request and never kept: building one again costs little next to receiving its
   * arguments, and keeping it would hold the client's values. Default 4096.
   */
  readonly maxArgumentsLength?: number;
  /** Statements kept in all. Default 10,000. */
  readonly maxEntries?: number;
}

/** The defaults of `StatementCacheLimits`. */
export const DEFAULT_STATEMENT_CACHE_LIMITS: Required<StatementCacheLimits> = {
  maxSize: 32 * 1024 * 1024,
  maxEntrySize: 256 * 1024,
  maxArgumentsLength: 4096,
  maxEntries: 10_000,
};

/**
 * The SQL of each root field, cached beside its plan (the second half of "plans are cached by
 * document"). A root field keeps up to `maxEntriesPerField` statements, least recently used out,
 * keyed by everything the SQL text and values depend on apart from the caller's claim values:
 * the field's operation and response key, its coerced arguments (variables applied), its
 * selection after field authorization (so which fields are masked for this caller), and which
 * injected names filter a view column. Claim values are not in the key: the statement is built
 * with sentinels in their place, and each caller's own values are bound where the sentinels
 * were (see injected-sentinels.ts for why that is exact). The field checks the builder made
 * (`where`, `orderBy`, and arguments that filter on a field) are replayed with each caller's
 * authorizer, so a caller who may not filter on a field is refused exactly as a fresh build
 * would refuse them, and a cached statement never reaches a caller with a different
 * authorization outcome.
 *
 * Memory is bounded by size, not only by counts: the statements of all plans share one budget
 * (`StatementCacheLimits.maxSize`); a key is kept as the SHA-256 digest of its text, never as
 * the arguments themselves; and a statement with large arguments is not kept at all, so a
 * client's large values live only as long as its own request.
 *
 * A kept statement does not spare its request the filter budget: the executor counts every root
 * field's `where` from its arguments before any statement is looked up here
 * (request-filter-budget.ts), so a hit counts exactly as a fresh build would.
 *
 * Queries and mutations are both cached: mutation arguments and claims are bound the same way.
 * A claim that a mutation binds as JSON (a `jsonb` parameter) is re-encoded, so such a
 * statement is marked uncacheable and built per request.
 */
export class RootFieldStatementCache {
  /** Every kept statement, keyed by plan id and digest; the byte budget is kept here. */
  private readonly slots: LRUCache<string, Slot>;
  /** Per plan and response key: digest -> key in `slots`, at most `maxEntriesPerField`. */
  private readonly indexes = new WeakMap<OperationPlan, Map<string, LRUCache<string, string>>>();
  /** A number per plan, never reused, so that no two plans share a key in `slots`. */
  private readonly planIds = new WeakMap<OperationPlan, number>();
  private nextPlanId = 1;
  private readonly limits: Required<StatementCacheLimits>;

  /**
   * @param build The statement builder. Default: `buildRootFieldStatement`.
   * @param maxEntriesPerField Statements kept per root field of a plan. Default 32.
   * @param limits Size limits; each defaults to its `DEFAULT_STATEMENT_CACHE_LIMITS` value.
   */
  constructor(
    private readonly build: RootFieldStatementBuilder = buildRootFieldStatement,
    private readonly maxEntriesPerField = DEFAULT_STATEMENTS_PER_FIELD,
    limits: StatementCacheLimits = {},
  ) {
    this.limits = { ...DEFAULT_STATEMENT_CACHE_LIMITS, ...limits };
    this.slots = new LRUCache<string, Slot>({
      max: this.limits.maxEntries,
      maxSize: this.limits.maxSize,
      maxEntrySize: this.limits.maxEntrySize,
      sizeCalculation: (slot) => slot.size,
      // Called once the operation is over, so the index can drop the entry without re-entering.
      disposeAfter: (slot, _key, reason) => {
        if (reason !== 'set') slot.index.delete(slot.digest);
      },
    });
  }

  /**
   * The statement for `field` as this caller sends it: from the cache when an equal request was
   * built before, otherwise built (and cached when that is safe).
   *
   * @throws PublicError whatever building the statement would throw for this caller.
   */
  statementFor(
    context: ExecutorContext,
    plan: OperationPlan,
    field: SqlRootField,
    injected: readonly InjectedValue[],
    authorizeField: FieldAuthorizer,
  ): SqlStatement {
    const key = statementKey(context, field, injected, this.limits.maxArgumentsLength);
    if (key === undefined || !injected.every(({ value }) => bindsUnchanged(value))) {
      return this.build(context, field, injected, authorizeField);
    }

    const digest = createHash('sha256').update(key).digest('base64url');
    const slotKey = `${this.planIdOf(plan)}:${digest}`;
    const index = this.indexOf(plan, field.responseKey);
    const cached = index.get(digest) === undefined ? undefined : this.slots.get(slotKey)?.entry;
    if (cached !== undefined) {
      if (cached.kind === 'uncacheable') return this.build(context, field, injected, authorizeField);
      for (const check of cached.checks) authorizeField(...check);
      return bind(cached, injected);
    }

    const entry = this.buildEntry(context, field, injected, authorizeField);
    const size = accountedSize(entry, slotKey);
    if (size <= this.limits.maxEntrySize) {
      this.slots.set(slotKey, { entry, index, digest, size });
      if (this.slots.has(slotKey)) index.set(digest, slotKey);
    }
    return entry.kind === 'statement'
      ? bind(entry, injected)
      : this.build(context, field, injected, authorizeField);
  }

  /** Statements kept for one root field of a plan (tests, diagnostics). */
  sizeOf(plan: OperationPlan, responseKey: string): number {
    return this.indexes.get(plan)?.get(responseKey)?.size ?? 0;
  }

  /** Statements kept for all plans (tests, diagnostics). */
  get size(): number {
    return this.slots.size;
  }

  /** The accounted size of every kept statement, in bytes: at most `limits.maxSize`. */
  get accountedSize(): number {
    return this.slots.calculatedSize;
  }

  private planIdOf(plan: OperationPlan): number {
    let id = this.planIds.get(plan);
    if (id === undefined) {
      id = this.nextPlanId;
      this.nextPlanId += 1;
      this.planIds.set(plan, id);
    }
    return id;
  }

  private indexOf(plan: OperationPlan, responseKey: string): LRUCache<string, string> {
    let fields = this.indexes.get(plan);
    if (fields === undefined) {
      fields = new Map();
      this.indexes.set(plan, fields);
    }
    let index = fields.get(responseKey);
    if (index === undefined) {
      index = new LRUCache<string, string>({
        max: this.maxEntriesPerField,
        // A statement pushed out of its field's index leaves the cache too.
        disposeAfter: (slotKey, _digest, reason) => {
          if (reason === 'evict') this.slots.delete(slotKey);
        },
      });
      fields.set(responseKey, index);
    }
    return index;
  }

  /**
   * Builds the statement twice (once when the field injects no claims), with two independent
   * sets of sentinels, and keeps it only when
   * the sentinels show up as whole bound values and nothing else differs. An error from the
   * caller's own authorization propagates from the rebuild with the real values; an error only
   * the sentinels caused marks the key uncacheable.
   */
  private buildEntry(
    context: ExecutorContext,
    field: SqlRootField,
    injected: readonly InjectedValue[],
    authorizeField: FieldAuthorizer,
  ): CacheEntry {
    const checks: FieldCheck[] = [];
    const recording: FieldAuthorizer = (...check) => {
      authorizeField(...check);
      checks.push(check);
    };
    let first: SqlStatement;
    let second: SqlStatement;
    try {
      first = this.build(context, field, withSentinels(injected, 'a'), recording);
      // Without claims there is nothing to substitute, so one build is the statement itself.
      if (injected.length === 0) {
        return { kind: 'statement', text: first.text, values: [...first.values], slots: [], checks };
      }
      second = this.build(context, field, withSentinels(injected, 'b'), authorizeField);
    } catch {
      // Rethrows the caller's own error when the request itself is refused.
      this.build(context, field, injected, authorizeField);
      return { kind: 'uncacheable' };
    }
    const slots = injectionSlots(first, second, injected.length);
    if (slots === undefined) return { kind: 'uncacheable' };
    return { kind: 'statement', text: first.text, values: [...first.values], slots, checks };
  }
}

/** The caller's statement: the cached text, the cached values with the caller's claims bound. */
function bind(entry: Extract<CacheEntry, { kind: 'statement' }>, injected: readonly InjectedValue[]): SqlStatement {
  const values = [...entry.values];
  for (const { position, injectedIndex } of entry.slots) {
    const value = injected[injectedIndex];
    if (value === undefined) throw new Error(`No injected value ${injectedIndex} for a cached statement`);
    values[position] = value.value;
  }
  return { text: entry.text, values };
}

/** Accounted bytes for an entry, each bound value or slot, and each replayed check. */
const ENTRY_BYTES = 256;
const VALUE_BYTES = 32;
const CHECK_BYTES = 64;

/**
 * An estimate of the memory an entry holds beyond the shared schema objects, in bytes: strings
 * at two bytes a character (V8 stores some at one), plus fixed amounts for the entry, each bound
 * value, slot and check.
 */
function accountedSize(entry: CacheEntry, slotKey: string): number {
  let size = ENTRY_BYTES + 2 * slotKey.length;
  if (entry.kind === 'uncacheable') return size;
  size += 2 * entry.text.length;
  for (const value of entry.values) {
    size += VALUE_BYTES + (typeof value === 'string' ? 2 * value.length : 0);
  }
  size += VALUE_BYTES * entry.slots.length;
  for (const [, , path] of entry.checks) size += CHECK_BYTES + 2 * path.length;
  return size;
}

/**
 * Everything the statement depends on except claim values, or `undefined` when the arguments
 * cannot be keyed exactly or their key text is longer than `maxArgumentsLength`. The authorized selection carries the masking outcome (a masked field
 * is `{ kind: 'masked' }`) and any `@skip`/`@include` decided by variables.
 */
function statementKey(
  context: ExecutorContext,
  field: SqlRootField,
  injected: readonly InjectedValue[],
  maxArgumentsLength: number,
): string | undefined {
  const args = argumentsKey(field.args, maxArgumentsLength);
  const selection = argumentsKey(field.selection);
  if (args === undefined || selection === undefined) return undefined;
  const operation = field.kind === 'query' ? field.query : field.mutation;
  const columns = field.kind === 'query' ? context.catalog.columnsOf(field.query.sqlSource) : undefined;
  const injectedShape = injected.map(({ name }) => [name, columns?.has(name) === true]);
  return JSON.stringify([field.kind, operation.name, field.responseKey, injectedShape, args, selection]);
}

const defaultCaches = new WeakMap<ExecutorContext, RootFieldStatementCache>();

/** The context's statement cache: `context.statements`, or one made for the context. */
export function statementCacheOf(context: ExecutorContext): RootFieldStatementCache {
  if (context.statements !== undefined) return context.statements;
  let cache = defaultCaches.get(context);
  if (cache === undefined) {
    cache = new RootFieldStatementCache();
    defaultCaches.set(context, cache);
  }
  return cache;
}
