import assert from 'node:assert/strict';
import { test } from 'node:test';

import { projectJson } from '../../src/sql/projection.ts';
import { masked, object, scalar, scalarList, typename } from './support/selections.ts';

test('string-stored scalars read as text, others keep their JSON type', () => {
  const sql = projectJson(
    [
      scalar('title'),
      scalar('id', 'ID'),
      scalar('status', 'PostStatus'),
      scalar('createdAt', 'DateTime'),
      scalar('big', 'BigInt'),
      scalar('views', 'Int'),
      scalar('rating', 'Float'),
      scalar('published', 'Boolean'),
      scalar('metadata', 'Json'),
      scalarList('tags'),
    ],
    'd',
    false,
  );
  assert.equal(
    sql,
    `CASE WHEN jsonb_typeof(d) = 'object' THEN json_build_object(` +
      `'title', d->>'title', 'id', d->>'id', 'status', d->>'status', 'createdAt', d->>'created_at', ` +
      `'big', d->>'big', 'views', d->'views', 'rating', d->'rating', 'published', d->'published', ` +
      `'metadata', d->'metadata', 'tags', d->'tags') END`,
  );
});

test('aliases become keys while storage keys stay those of the schema', () => {
  assert.equal(
    projectJson([scalar('headline', 'String', 'title')], 'd', false),
    `CASE WHEN jsonb_typeof(d) = 'object' THEN json_build_object('headline', d->>'title') END`,
  );
});

test('__typename is a literal and a masked field is null', () => {
  assert.equal(
    projectJson([typename('Post'), masked('secretNote')], 'd', false),
    `CASE WHEN jsonb_typeof(d) = 'object' THEN json_build_object('__typename', 'Post'::text, 'secretNote', NULL::json) END`,
  );
});

test('nested objects and lists keep null as null and lists keep their order', () => {
  const sql = projectJson(
    [
      object(
        'comments',
        'Comment',
        [object('replies', 'Comment', [scalar('body')], { isList: true })],
        { isList: true },
      ),
    ],
    'd',
    false,
  );
  assert.match(sql, /jsonb_array_elements\(d->'comments'\) WITH ORDINALITY AS l2\(elem, ord\)/);
  assert.match(
    sql,
    /jsonb_array_elements\(l2\.elem->'replies'\) WITH ORDINALITY AS l4\(elem, ord\)/,
  );
  assert.match(sql, /ORDER BY l2\.ord\), '\[\]'::json\)/);
  assert.match(
    sql,
    /CASE WHEN jsonb_typeof\(l4\.elem\) = 'object' THEN json_build_object\('body', l4\.elem->>'body'\) END/,
  );
});

test('a list document projects each element', () => {
  assert.equal(
    projectJson([scalar('title')], 'r.v', true),
    `CASE WHEN jsonb_typeof(r.v) = 'array' THEN (SELECT coalesce(json_agg(` +
      `CASE WHEN jsonb_typeof(l1.elem) = 'object' THEN json_build_object('title', l1.elem->>'title') END ` +
      `ORDER BY l1.ord), '[]'::json) FROM jsonb_array_elements(r.v) WITH ORDINALITY AS l1(elem, ord)) END`,
  );
});

test('50 keys use json_build_object; 51 switch to an ordered json_object_agg', () => {
  const fields = (count: number) =>
    Array.from({ length: count }, (_, index) => scalar(`k${index}`));
  const fifty = projectJson(fields(50), 'd', false);
  assert.match(fifty, /json_build_object\(/);
  assert.equal(fifty.split(', ').length, 100);
  const fiftyOne = projectJson(fields(51), 'd', false);
  assert.doesNotMatch(fiftyOne, /json_build_object/);
  assert.match(fiftyOne, /json_object_agg\(k1\.json_key, k1\.json_value ORDER BY k1\.ord\)/);
  assert.match(
    fiftyOne,
    /\(51, 'k50', to_json\(d->>'k50'\)\)\) AS k1\(ord, json_key, json_value\)/,
  );
});

test('response keys and storage keys that are not GraphQL names are refused', () => {
  assert.throws(() => projectJson([scalar("x'y")], 'd', false), TypeError);
  assert.throws(() => projectJson([scalar('ok', 'String', "k') --")], 'd', false), TypeError);
  assert.throws(() => projectJson([typename("Post'")], 'd', false), TypeError);
  assert.throws(() => projectJson([scalar('a'), scalar('a')], 'd', false), /response key a twice/);
});
