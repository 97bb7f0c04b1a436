import { PublicError } from '../errors/public-error.ts';
import type { ScalarFamily } from './scalar-family.ts';

/**
 * Turns a client value into the text that is bound for it, after checking that it fits the
 * scalar. GraphQL has already coerced the value; this is the second line of defence, and it also
 * refuses text PostgreSQL cannot store (NUL) before it reaches the database.
 */

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * JSON.stringify writes NUL as `\u0000` and a lone surrogate as `\udXXX`; jsonb refuses both. The
 * escape counts only when its backslash is not itself escaped (an even run of backslashes before).
 */
const UNSTORABLE_JSON_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refuse(path: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? 'a string' : value === null ? 'null' : typeof value;
  throw new PublicError('BAD_USER_INPUT', { message: `${path} must be ${expected}, got ${shown}` });
}

/**
 * Checks that a string can be bound as PostgreSQL text: no NUL character (text cannot hold one)
 * and no lone UTF-16 surrogate (it has no UTF-8 form). Returns the string.
 */
export function checkedText(value: string, path: string): string {
  if (value.includes('\0')) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path} contains a NUL character, which PostgreSQL text cannot hold`,
    });
  }
  if (LONE_SURROGATE.test(value)) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path} contains an unpaired UTF-16 surrogate: send well-formed Unicode text`,
    });
  }
  return value;
}

/**
 * The bound text for one operand of a scalar family. `path` names the operand in messages
 * (`where.views.gt`). Null is the caller's business: it never reaches here.
 */
export function operandText(value: unknown, family: ScalarFamily, path: string): string {
  switch (family) {
    case 'string':
      if (typeof value === 'string') return checkedText(value, path);
      // IDs and claim values may arrive as numbers; their text form is what the document holds.
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      return refuse(path, 'a string', value);
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) return value;
      return refuse(path, 'an integer', value);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return value;
      return refuse(path, 'a finite number', value);
    case 'boolean':
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      return refuse(path, 'true or false', value);
    case 'datetime':
    case 'date':
    case 'time':
      if (typeof value === 'string') return checkedText(value, path);
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      return refuse(path, 'a date or time string', value);
    case 'json':
    case 'vector':
      return jsonText(value, path);
  }
}

/** Deeper JSON is refused rather than risking the stack. */
const MAX_JSON_DEPTH = 256;

/**
 * Checks that a value survives JSON.stringify unchanged: JSON.stringify turns NaN and Infinity
 * into null and drops functions silently, which would bind something the client never sent.
 */
function checkJsonValue(value: unknown, path: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) {
    throw new PublicError('BAD_USER_INPUT', {
      message: `${path} is nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    refuse(path, 'a finite number', value);
  }
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return;
    refuse(path, 'a valid date', value);
  }
  if (Array.isArray(value)) {
    value.forEach((element: unknown, index) => {
      if (element === undefined) refuse(`${path}[${index}]`, 'a JSON value', element);
      checkJsonValue(element, `${path}[${index}]`, depth + 1);
    });
    return;
  }
  if (typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) {
      // An undefined entry is an absent key, as in GraphQL input objects.
      if (entry !== undefined) checkJsonValue(entry, `${path}.${key}`, depth + 1);
    }
    return;
  }
  refuse(path, 'a JSON value', value);
}

/** JSON text for a value bound as `jsonb`; refuses what JSON cannot carry or jsonb cannot store. */
export function jsonText(value: unknown, path: string): string {
  checkJsonValue(value, path, 0);
  const text = JSON.stringify(value);
  if (UNSTORABLE_JSON_ESCAPE.test(text)) {
    throw new PublicError('BAD_USER_INPUT', {
      message:
        `${path} contains a NUL character or an unpaired UTF-16 surrogate, ` +
        'which PostgreSQL jsonb cannot hold',
    });
  }
  return text;
}
