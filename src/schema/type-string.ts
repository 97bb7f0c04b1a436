import type { TypeRef } from './compiled-schema.ts';

/**
 * A GraphQL type as written in a type string, with `!` kept where it was written:
 * `[String!]` is a list (no `!`) of non-null `String`.
 */
export type TypeExpression =
  | { readonly kind: 'named'; readonly name: string; readonly nonNull: boolean }
  | { readonly kind: 'list'; readonly of: TypeExpression; readonly nonNull: boolean };

/** The outcome of reading a type string. */
export type TypeStringResult =
  | { readonly ok: true; readonly type: TypeExpression }
  | { readonly ok: false; readonly message: string };

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Deeper nesting than this is almost certainly a mistake, and bounds the recursion. */
const MAX_LIST_DEPTH = 5;

/**
 * Reads a GraphQL type string such as `String`, `User!`, `[String!]` or `[[Item!]!]`.
 * Whitespace is ignored. Returns a message instead of throwing, so callers can collect problems.
 */
export function parseTypeString(text: string): TypeStringResult {
  const compact = text.replace(/\s+/g, '');
  if (compact === '') return { ok: false, message: 'the type is empty' };
  const type = readType(compact, 0);
  if (type === undefined) {
    return {
      ok: false,
      message: `"${text}" is not a GraphQL type; write a name such as "String", "User!" or "[Tag!]"`,
    };
  }
  return { ok: true, type };
}

function readType(text: string, depth: number): TypeExpression | undefined {
  const nonNull = text.endsWith('!');
  const body = nonNull ? text.slice(0, -1) : text;
  if (body.startsWith('[') && body.endsWith(']')) {
    if (depth >= MAX_LIST_DEPTH) return undefined;
    const of = readType(body.slice(1, -1), depth + 1);
    return of === undefined ? undefined : { kind: 'list', of, nonNull };
  }
  return NAME.test(body) ? { kind: 'named', name: body, nonNull } : undefined;
}

/** The innermost type name: `[[Item!]!]` gives `Item`. */
export function namedTypeOf(type: TypeExpression): string {
  return type.kind === 'named' ? type.name : namedTypeOf(type.of);
}

/**
 * The compiled `TypeRef`: the outermost nullability comes from `nullable` (FraiseQL's rule), the
 * inner levels from the `!` written inside the brackets.
 */
export function toTypeRef(type: TypeExpression, nullable: boolean): TypeRef {
  return type.kind === 'named'
    ? { kind: 'named', name: type.name, nullable }
    : { kind: 'list', of: toTypeRef(type.of, !type.of.nonNull), nullable };
}

/** Writes a type back in GraphQL notation, `!` included: `[String!]!`. */
export function formatTypeRef(type: TypeRef): string {
  const body = type.kind === 'named' ? type.name : `[${formatTypeRef(type.of)}]`;
  return type.nullable ? body : `${body}!`;
}
