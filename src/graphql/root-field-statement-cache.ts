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

/** Root fields' statement caches, per plan and then per response key. */
type PlanStatements = Map<string, LRUCache<string, CacheEntry>>;

/** Distinct statements kept per root field of a plan. */
export const DEFAULT_STATEMENTS_PER_FIELD = 32;

/**
 * The SQL of each root field, cached beside its plan (the second half of "plans are cached by
 * document"). A root field keeps up to `maxEntriesPerField` statements, least recently used out,
 * keyed by everything the SQL text and values depend on apart from the caller's claim values:
 * the field's operation and response key, its coerced arguments (variables applied), its
 * selection after field authorization (so which fields are masked for this caller), and which
 * injected names filter a view column. Claim values are not in the key: the statement is built
 * with sentinels in their place, and each caller's own values are bound where the sentinels
 * were (see injected-sentinels.ts for why that is exact). The `where`/`orderBy` field checks the
 * builder made are replayed with each caller's authorizer, so a caller who may not filter on a
 * field is refused exactly as a fresh build would refuse them, and a cached statement never
 * reaches a caller with a different authorization outcome.
 *
 * Queries and mutations are both cached: mutation arguments and claims are bound the same way.
 * A claim that a mutation binds as JSON (a `jsonb` parameter) is re-encoded, so such a
 * statement is marked uncacheable and built per request.
 */
export class RootFieldStatementCache {
  private readonly plans = new WeakMap<OperationPlan, PlanStatements>();

  /**
   * @param build The statement builder. Default: `buildRootFieldStatement`.
   * @param maxEntriesPerField Statements kept per root field of a plan. Default 32.
   */
  constructor(
    private readonly build: RootFieldStatementBuilder = buildRootFieldStatement,
    private readonly maxEntriesPerField = DEFAULT_STATEMENTS_PER_FIELD,
  ) {}

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
    const key = statementKey(context, field, injected);
    if (key === undefined || !injected.every(({ value }) => bindsUnchanged(value))) {
      return this.build(context, field, injected, authorizeField);
    }

    const entries = this.entriesOf(plan, field.responseKey);
    const cached = entries.get(key);
    if (cached !== undefined) {
      if (cached.kind === 'uncacheable') return this.build(context, field, injected, authorizeField);
      for (const check of cached.checks) authorizeField(...check);
      return bind(cached, injected);
    }

    const entry = this.buildEntry(context, field, injected, authorizeField);
    entries.set(key, entry);
    return entry.kind === 'statement' ? bind(entry, injected) : this.build(context, field, injected, authorizeField);
  }

  /** Statements kept for one root field of a plan (tests, diagnostics). */
  sizeOf(plan: OperationPlan, responseKey: string): number {
    return this.plans.get(plan)?.get(responseKey)?.size ?? 0;
  }

  private entriesOf(plan: OperationPlan, responseKey: string): LRUCache<string, CacheEntry> {
    let fields = this.plans.get(plan);
    if (fields === undefined) {
      fields = new Map();
      this.plans.set(plan, fields);
    }
    let entries = fields.get(responseKey);
    if (entries === undefined) {
      entries = new LRUCache({ max: this.maxEntriesPerField });
      fields.set(responseKey, entries);
    }
    return entries;
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

/**
 * Everything the statement depends on except claim values, or `undefined` when the arguments
 * cannot be keyed exactly. The authorized selection carries the masking outcome (a masked field
 * is `{ kind: 'masked' }`) and any `@skip`/`@include` decided by variables.
 */
function statementKey(
  context: ExecutorContext,
  field: SqlRootField,
  injected: readonly InjectedValue[],
): string | undefined {
  const args = argumentsKey(field.args);
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
