import { randomBytes } from 'node:crypto';

import type { SqlStatement } from '../db/database.ts';
import { checkedText } from '../sql/operand-text.ts';
import type { InjectedValue } from './inject-values.ts';

/**
 * Stand-ins for injected claim values, so that one statement can be built once and bound with
 * each caller's own values. The random part is made once per process and never leaves it (the
 * statements that hold sentinels are substituted before they reach the database), so a client
 * cannot send a value that is mistaken for one.
 *
 * The quote, the backslash, the spaces at both ends and the non-ASCII letter are there so that
 * a builder that escaped, quoted, trimmed or re-encoded the value would change the sentinel,
 * and the comparison in `injectionSlots` would then refuse to cache the statement.
 */
const PROCESS_TOKEN = randomBytes(18).toString('base64url');

/** Two independent sets: a statement is built with each, and only what differs is a slot. */
export type SentinelSet = 'a' | 'b';

/** The sentinel of set `set` for the injected value at `index`. */
export function sentinel(set: SentinelSet, index: number): string {
  return ` "\\fraiseql-injected-${set}${index}-${PROCESS_TOKEN}\u00e9 `;
}

/** The injected values with every value replaced by its sentinel of `set`. */
export function withSentinels(injected: readonly InjectedValue[], set: SentinelSet): InjectedValue[] {
  return injected.map(({ name }, index) => ({ name, value: sentinel(set, index) }));
}

/** Where a caller's injected value goes: `values[position] = injected[injectedIndex].value`. */
export interface InjectionSlot {
  readonly position: number;
  readonly injectedIndex: number;
}

/**
 * Compares the statement built with sentinel set `a` to the one built with set `b` and returns
 * the bound positions that hold an injected value whole. Returns `undefined` (do not cache)
 * unless the two agree on the text, agree on every other value, hold each sentinel only as a
 * complete bound value, and the text holds none: then the injected values can have reached the
 * statement in no other way, and substituting the caller's values gives exactly what building
 * with them would (see `bindsUnchanged` for the check the builder applies to them).
 */
export function injectionSlots(
  a: SqlStatement,
  b: SqlStatement,
  injectedCount: number,
): InjectionSlot[] | undefined {
  if (a.text !== b.text || a.text.includes(PROCESS_TOKEN) || a.values.length !== b.values.length) {
    return undefined;
  }
  const indexA = sentinelIndexes('a', injectedCount);
  const indexB = sentinelIndexes('b', injectedCount);

  const slots: InjectionSlot[] = [];
  for (let position = 0; position < a.values.length; position += 1) {
    const valueA = a.values[position];
    const valueB = b.values[position];
    const injectedA = typeof valueA === 'string' ? indexA.get(valueA) : undefined;
    const injectedB = typeof valueB === 'string' ? indexB.get(valueB) : undefined;
    if (injectedA !== undefined || injectedB !== undefined) {
      if (injectedA !== injectedB || injectedA === undefined) return undefined;
      slots.push({ position, injectedIndex: injectedA });
      continue;
    }
    if (valueA !== valueB) return undefined;
    if (typeof valueA === 'string' && valueA.includes(PROCESS_TOKEN)) return undefined;
  }
  return slots;
}

function sentinelIndexes(set: SentinelSet, count: number): Map<string, number> {
  const indexes = new Map<string, number>();
  for (let index = 0; index < count; index += 1) indexes.set(sentinel(set, index), index);
  return indexes;
}

/**
 * True when the builder would bind `value` as it is. Both places an injected value is bound as
 * text (the equality filter of a read, a mutation argument) pass it through `checkedText`,
 * which returns it unchanged or refuses it; a value it refuses must go through the builder so
 * that the caller gets the builder's error.
 */
export function bindsUnchanged(value: string): boolean {
  try {
    return checkedText(value, 'injected value') === value;
  } catch {
    return false;
  }
}
