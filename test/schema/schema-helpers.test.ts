import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isValidRole, isValidScope } from '../../src/schema/access-format.ts';
import { canonicalJson } from '../../src/schema/content-hash.ts';
import { closestName, editDistance } from '../../src/schema/edit-distance.ts';
import { checkInjectSource, splitInjectText } from '../../src/schema/inject-claim.ts';
import { isSqlIdentifier, parseQualifiedName } from '../../src/schema/sql-identifier.ts';
import { toStorageKey } from '../../src/schema/storage-key.ts';
import { formatTypeRef, parseTypeString, toTypeRef } from '../../src/schema/type-string.ts';

test('storage keys are the snake_case of GraphQL names', () => {
  const cases: [string, string][] = [
    ['createdAt', 'created_at'],
    ['tenant_id', 'tenant_id'],
    ['id', 'id'],
    ['userID', 'user_id'],
    ['HTTPStatus', 'http_status'],
    ['address2Line', 'address2_line'],
    ['authorName', 'author_name'],
  ];
  for (const [name, key] of cases) assert.equal(toStorageKey(name), key, name);
});

test('SQL identifiers and qualified names', () => {
  assert.ok(isSqlIdentifier('v_post'));
  assert.ok(!isSqlIdentifier('v-post'));
  assert.ok(!isSqlIdentifier('1v'));
  assert.ok(!isSqlIdentifier('x'.repeat(64)));
  assert.deepEqual(parseQualifiedName('blog.v_post'), { schema: 'blog', name: 'v_post' });
  assert.deepEqual(parseQualifiedName('v_post'), { name: 'v_post' });
  for (const bad of ['a.b.c', '.v', 'v.', '"v"', 'v post', '']) {
    assert.equal(parseQualifiedName(bad), undefined, bad);
  }
});

test('type strings parse into refs with explicit nullability', () => {
  const parsed = parseTypeString(' [ [Item!]! ] ');
  assert.ok(parsed.ok);
  const ref = toTypeRef(parsed.type, true);
  assert.equal(formatTypeRef(ref), '[[Item!]!]');
  for (const bad of ['', '[Item', 'Item]', 'It em!!', '[[[[[[X]]]]]]', 'a-b']) {
    assert.equal(parseTypeString(bad).ok, false, bad);
  }
});

test('scopes need a colon and no spaces or wildcards; roles no spaces', () => {
  for (const scope of [
    'read:posts',
    'write:posts',
    'read:User.salary',
    'fraiseql:admin',
    'a:b:c',
  ]) {
    assert.ok(isValidScope(scope), scope);
  }
  for (const scope of ['admin', 'read posts', 'read:*', ':x', 'x:', '']) {
    assert.ok(!isValidScope(scope), scope);
  }
  assert.ok(isValidRole('org:editor'));
  assert.ok(!isValidRole('a b'));
  assert.ok(!isValidRole('*'));
});

test('inject sources: only jwt, with dotted identifier paths', () => {
  assert.deepEqual(splitInjectText('jwt:org.id'), { source: 'jwt', claim: 'org.id' });
  assert.deepEqual(checkInjectSource('jwt', 'org.id'), {
    ok: true,
    source: { source: 'jwt', path: ['org', 'id'] },
  });
  for (const [source, claim] of [
    ['header', 'x'],
    ['', 'sub'],
    ['jwt', ''],
    ['jwt', 'a..b'],
    ['jwt', 'a-b'],
  ]) {
    assert.equal(checkInjectSource(source ?? '', claim ?? '').ok, false, `${source}:${claim}`);
  }
});

test('edit distance and nearest names', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(closestName('requiresScope', ['requires_scope', 'public']), 'requires_scope');
  assert.equal(closestName('totally_else', ['requires_scope', 'public']), undefined);
});

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }),
    '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
  );
});
