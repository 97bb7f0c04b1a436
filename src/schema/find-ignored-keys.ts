import type { IgnoredKey } from './compiled-schema.ts';
import { closestName } from './edit-distance.ts';
import type { SchemaProblem } from './schema-compile-error.ts';
import { elementLabel, isPlainObject } from './schema-json-path.ts';
import {
  KEY_RULES,
  SECURITY_KEYS,
  type KeyRule,
  type ObjectKind,
} from './schema-json-key-rules.ts';

/** Keys read but not acted on, and keys refused, found in one `schema.json`. */
export interface KeyReport {
  readonly ignoredKeys: IgnoredKey[];
  readonly problems: SchemaProblem[];
}

/**
 * Walks a `schema.json` document and sorts every key that fraiseql-ts does not act on: FraiseQL
 * features not supported yet and unknown keys are reported as ignored (with the reason), while
 * misspelt security keys and features whose absence would widen access are problems. Values of
 * the wrong type are left to the zod shapes.
 */
export function findIgnoredKeys(document: Record<string, unknown>): KeyReport {
  const report: KeyReport = { ignoredKeys: [], problems: [] };
  visitObject(document, 'root', '', report);
  report.ignoredKeys.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return report;
}

function visitObject(
  value: Record<string, unknown>,
  kind: ObjectKind,
  path: string,
  report: KeyReport,
): void {
  const rule = KEY_RULES[kind];
  for (const [key, child] of Object.entries(value)) {
    const where = path === '' ? key : `${path}.${key}`;
    const refusal = rule.refused[key];
    if (refusal !== undefined) {
      if (carriesContent(child)) report.problems.push({ where, message: `"${key}" ${refusal}` });
    } else if (rule.acted.includes(key)) {
      const childKind = rule.children[key];
      if (childKind !== undefined) visitChild(child, childKind, where, report);
    } else {
      const reason = rule.ignored[key];
      if (reason !== undefined) {
        if (carriesContent(child)) report.ignoredKeys.push({ path: where, reason });
      } else {
        handleUnknownKey(key, where, rule, report);
      }
    }
  }
}

function visitChild(value: unknown, kind: ObjectKind, path: string, report: KeyReport): void {
  if (Array.isArray(value)) {
    value.forEach((element: unknown, index) => {
      if (isPlainObject(element)) {
        visitObject(element, kind, `${path}[${elementLabel(element, index)}]`, report);
      }
    });
  } else if (isPlainObject(value)) {
    visitObject(value, kind, path, report);
  }
}

function handleUnknownKey(key: string, where: string, rule: KeyRule, report: KeyReport): void {
  const securityKey = closestName(key, Object.keys(SECURITY_KEYS));
  if (securityKey !== undefined) {
    report.problems.push({ where, message: securityKeyMessage(key, securityKey, rule) });
    return;
  }
  if (rule.strict === true) {
    report.problems.push({
      where,
      message: `"${key}" is not a key of ${rule.label}; the accepted keys are ${rule.acted.join(', ')}`,
    });
    return;
  }
  const suggestion = closestName(key, [...rule.acted, ...Object.keys(rule.ignored)]);
  report.ignoredKeys.push({
    path: where,
    reason:
      suggestion === undefined
        ? `not a key fraiseql-ts knows on ${rule.label}`
        : `not a key fraiseql-ts knows on ${rule.label}; did you mean "${suggestion}"?`,
  });
}

function securityKeyMessage(key: string, securityKey: string, rule: KeyRule): string {
  const allowedOn = SECURITY_KEYS[securityKey] ?? '';
  if (key === securityKey) {
    return `"${key}" is not supported on ${rule.label}; it applies to ${allowedOn}. Remove it or move it there`;
  }
  if (rule.acted.includes(securityKey)) {
    return `"${key}" is not a schema.json key: write "${securityKey}". Misspelt security keys are refused rather than ignored, so a rule is never silently dropped`;
  }
  return `"${key}" looks like "${securityKey}", which is not supported on ${rule.label}; it applies to ${allowedOn}`;
}

/** False for values that ask for nothing (null, false, "", [], {}): ignoring them changes nothing. */
function carriesContent(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
