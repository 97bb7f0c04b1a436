import type {
  CompiledField,
  CompiledObjectType,
  CompiledSchema,
  TypeRef,
} from '../../../src/schema/compiled-schema.ts';

/**
 * A small hand-written compiled schema for the SQL tests: posts with a nested author, a list of
 * comments, every scalar family, an enum, a scoped field and a role-protected nested type.
 */

function named(name: string, nullable = true): TypeRef {
  return { kind: 'named', name, nullable };
}

function listOf(name: string): TypeRef {
  return { kind: 'list', of: named(name, false), nullable: true };
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function field(name: string, type: TypeRef, requiresScope: readonly string[] = []): CompiledField {
  return { name, storageKey: snake(name), type, access: { requiresScope, onDeny: 'reject' } };
}

function objectType(
  name: string,
  fields: readonly CompiledField[],
  requiresRole: readonly string[] = [],
): CompiledObjectType {
  return {
    name,
    fields,
    requiresRole,
    isError: false,
    sqlSource: { name: `v_${snake(name).slice(1)}` },
  };
}

export const USER = objectType('User', [
  field('id', named('ID', false)),
  field('name', named('String', false)),
  field('email', named('String')),
  field('age', named('Int')),
]);

export const COMMENT = objectType('Comment', [
  field('id', named('ID', false)),
  field('body', named('String', false)),
  field('author', named('User')),
  field('createdAt', named('DateTime')),
]);

export const REVIEWER = objectType('Reviewer', [field('name', named('String'))], ['editor']);

export const POST = objectType('Post', [
  field('id', named('ID', false)),
  field('title', named('String', false)),
  field('body', named('String')),
  field('slug', named('String')),
  field('views', named('Int')),
  field('rating', named('Float')),
  field('price', named('Decimal')),
  field('published', named('Boolean')),
  field('createdAt', named('DateTime')),
  field('publishedOn', named('Date')),
  field('publishAt', named('Time')),
  field('externalId', named('UUID')),
  field('tags', listOf('String')),
  field('metadata', named('Json')),
  field('embedding', named('Vector')),
  field('status', named('PostStatus')),
  field('contactEmail', named('Email')),
  field('author', named('User')),
  field('comments', listOf('Comment')),
  field('reviewer', named('Reviewer')),
  field('secretNote', named('String'), ['read:Post.secretNote']),
]);

export const SCHEMA: CompiledSchema = {
  formatVersion: 1,
  contentHash: '00000000000000000000000000000000',
  namingConvention: 'camelCase',
  types: { Post: POST, User: USER, Comment: COMMENT, Reviewer: REVIEWER },
  enums: {
    PostStatus: { name: 'PostStatus', values: [{ name: 'DRAFT' }, { name: 'PUBLISHED' }] },
  },
  inputTypes: {},
  customScalars: ['DateTime', 'Date', 'Time', 'UUID', 'Json', 'Decimal', 'Vector', 'Email'],
  queries: {},
  mutations: {},
  ignoredKeys: [],
};

/** The columns of `v_post` as the catalog reports them (`format_type` spelling). */
export const POST_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['id', 'uuid'],
  ['created_at', 'timestamp with time zone'],
  ['slug', 'character varying(80)'],
  ['data', 'jsonb'],
]);

/** A view exposing only `id` and `data`. */
export const DOCUMENT_ONLY_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['id', 'uuid'],
  ['data', 'jsonb'],
]);
