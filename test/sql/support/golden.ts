import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { SqlStatement } from '../../../src/db/database.ts';

/**
 * Golden files for generated SQL: test/sql/golden/<name>.sql holds the statement text followed
 * by one `-- $n = <JSON value>` line per bound value. `UPDATE_GOLDEN=1` rewrites them.
 */

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));

export function renderGolden(statement: SqlStatement): string {
  const values = statement.values.map(
    (value, index) => `-- $${index + 1} = ${JSON.stringify(value)}`,
  );
  return `${statement.text}\n${values.length > 0 ? `${values.join('\n')}\n` : ''}`;
}

/** A line diff (longest common subsequence), `-` expected, `+` actual, with line numbers. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lengths = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      const row = lengths[i];
      if (row === undefined) continue;
      row[j] =
        a[i] === b[j]
          ? (lengths[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lengths[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i += 1;
      j += 1;
    } else if (
      i < a.length &&
      (j >= b.length || (lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0))
    ) {
      out.push(`-${i + 1}: ${a[i] ?? ''}`);
      i += 1;
    } else {
      out.push(`+${j + 1}: ${b[j] ?? ''}`);
      j += 1;
    }
  }
  return out.join('\n');
}

/** Compares a statement with its golden file (or writes it under UPDATE_GOLDEN=1). */
export function assertGolden(name: string, statement: SqlStatement): void {
  const path = `${GOLDEN_DIR}${name}.sql`;
  const actual = renderGolden(statement);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `Missing golden file ${path}: run with UPDATE_GOLDEN=1 to create it`);
  const expected = readFileSync(path, 'utf8');
  if (expected !== actual) {
    assert.fail(
      `Generated SQL differs from test/sql/golden/${name}.sql ` +
        `(UPDATE_GOLDEN=1 rewrites it if the change is intended):\n${lineDiff(expected, actual)}`,
    );
  }
}
