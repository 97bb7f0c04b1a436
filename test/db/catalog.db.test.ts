import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { catalogKey, loadCatalog, type DatabaseCatalog } from '../../src/db/catalog.ts';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/test-database.ts';

const FIXTURE = `
CREATE SCHEMA app;
CREATE SCHEMA other;
CREATE TABLE app.tb_post (id uuid PRIMARY KEY, title varchar(200) NOT NULL, dropped int, n bigint);
ALTER TABLE app.tb_post DROP COLUMN dropped;
CREATE VIEW app.v_post WITH (security_invoker = on) AS
  SELECT id, n, jsonb_build_object('id', id, 'title', title) AS data FROM app.tb_post;
CREATE VIEW v_plain AS SELECT 1 AS id, '{}'::json AS data;
CREATE MATERIALIZED VIEW mv_count AS SELECT count(*) AS n FROM app.tb_post;
CREATE VIEW other.v_post AS SELECT 2 AS id;
CREATE SEQUENCE some_seq;
CREATE TYPE app.mutation_response AS (
  succeeded boolean, state_changed boolean, error_class text, status_detail text,
  http_status smallint, message text, entity_id uuid, entity_type text, entity jsonb,
  updated_fields text[], cascade jsonb, error_detail jsonb, metadata jsonb);

CREATE FUNCTION app.fn_create_post(p_title text, p_author_id uuid DEFAULT NULL)
  RETURNS app.mutation_response LANGUAGE sql AS $$ SELECT NULL::app.mutation_response $$;
CREATE FUNCTION app.fn_create_post(input jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT input $$;
CREATE FUNCTION fn_table(a int, VARIADIC rest text[])
  RETURNS TABLE (succeeded boolean, entity jsonb) LANGUAGE sql AS $$ SELECT true, '{}'::jsonb $$;
CREATE FUNCTION fn_out(IN a int, OUT doubled int, INOUT label text)
  LANGUAGE sql AS $$ SELECT a * 2, label $$;
CREATE FUNCTION fn_setof() RETURNS SETOF jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE PROCEDURE pr_do(x int) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION fn_shadow(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION app.fn_shadow(a int) RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;
CREATE FUNCTION app.fn_shadow(a text) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;
`;

describe(`catalog (${testEngine()})`, () => {
  let database: TestDatabase;
  let catalog: DatabaseCatalog;

  before(async () => {
    // One pooled connection, so the session's search_path below holds for the catalog query.
    database = await createTestDatabase({ poolMax: 1 });
    await database.db.exec(FIXTURE);
    await database.db.exec('SET search_path = app, public');
    catalog = await loadCatalog(database.db, {
      relations: [
        { name: 'v_post' },
        { schema: 'other', name: 'v_post' },
        { schema: 'app', name: 'v_post' },
        { name: 'v_plain' },
        { name: 'mv_count' },
        { name: 'tb_post' },
        { name: 'some_seq' },
        { name: 'v_missing' },
        { schema: 'nowhere', name: 'v_post' },
        { name: 'v_post' },
      ],
      functions: [
        { name: 'fn_create_post' },
        { name: 'fn_table' },
        { name: 'fn_out' },
        { name: 'fn_setof' },
        { name: 'pr_do' },
        { name: 'fn_shadow' },
        { schema: 'public', name: 'fn_create_post' },
        { name: 'fn_missing' },
      ],
    });
  });
  after(async () => {
    await database.close();
  });

  test('reports the search_path used for unqualified names', () => {
    assert.deepEqual(catalog.searchPath, ['app', 'public']);
  });

  test('resolves unqualified relations through the search_path, qualified ones directly', () => {
    const post = catalog.relations.get('v_post');
    assert.ok(post?.exists);
    assert.equal(post.schema, 'app');
    assert.equal(post.kind, 'view');
    assert.equal(post.securityInvoker, true);
    assert.deepEqual(
      [...post.columns],
      [
        ['id', 'uuid'],
        ['n', 'bigint'],
        ['data', 'jsonb'],
      ],
    );

    const other = catalog.relations.get('other.v_post');
    assert.ok(other?.exists);
    assert.equal(other.schema, 'other');
    assert.equal(other.securityInvoker, false);
    assert.deepEqual([...other.columns.keys()], ['id']);
  });

  test('gives kinds, column types with modifiers, and skips dropped columns', () => {
    const table = catalog.relations.get('tb_post');
    assert.ok(table?.exists);
    assert.equal(table.kind, 'table');
    assert.deepEqual(
      [...table.columns],
      [
        ['id', 'uuid'],
        ['title', 'character varying(200)'],
        ['n', 'bigint'],
      ],
    );
    const plain = catalog.relations.get('v_plain');
    assert.ok(plain?.exists);
    assert.equal(plain.columns.get('data'), 'json');
    assert.equal(plain.securityInvoker, false);
    const matview = catalog.relations.get('mv_count');
    assert.ok(matview?.exists);
    assert.equal(matview.kind, 'materialized view');
    const sequence = catalog.relations.get('some_seq');
    assert.ok(sequence?.exists);
    assert.equal(sequence.kind, 'other');
  });

  test('reports missing relations, also in a missing schema', () => {
    assert.deepEqual(catalog.relations.get('v_missing'), {
      exists: false,
      requested: { name: 'v_missing' },
    });
    assert.equal(catalog.relations.get('nowhere.v_post')?.exists, false);
    assert.equal(catalog.relations.size, 9, 'a name asked twice appears once');
  });

  test('lists every overload with parameters, defaults and return rows', () => {
    const overloads = catalog.functions.get('fn_create_post')?.overloads ?? [];
    assert.equal(overloads.length, 2);
    const row = overloads.find((overload) => overload.returns.type === 'mutation_response');
    assert.ok(row, JSON.stringify(overloads.map((o) => o.returns)));
    assert.equal(row.schema, 'app');
    assert.equal(row.kind, 'function');
    assert.deepEqual(row.parameters, [
      { name: 'p_title', type: 'text', mode: 'in', hasDefault: false },
      { name: 'p_author_id', type: 'uuid', mode: 'in', hasDefault: true },
    ]);
    assert.equal(row.returns.setOf, false);
    assert.deepEqual([...(row.returns.columns?.keys() ?? [])].slice(0, 3), [
      'succeeded',
      'state_changed',
      'error_class',
    ]);
    assert.equal(row.returns.columns?.get('entity'), 'jsonb');

    const jsonb = overloads.find((overload) => overload.returns.type === 'jsonb');
    assert.ok(jsonb);
    assert.equal(jsonb.returns.columns, undefined);
    assert.match(jsonb.signature, /fn_create_post\(jsonb\)$/);
  });

  test('RETURNS TABLE, OUT/INOUT and VARIADIC parameters, SETOF and procedures', () => {
    const [table] = catalog.functions.get('fn_table')?.overloads ?? [];
    assert.ok(table);
    assert.equal(table.returns.type, 'record');
    assert.equal(table.returns.setOf, true);
    assert.deepEqual(
      [...(table.returns.columns ?? [])],
      [
        ['succeeded', 'boolean'],
        ['entity', 'jsonb'],
      ],
    );
    assert.deepEqual(
      table.parameters.map((p) => [p.name, p.mode, p.type]),
      [
        ['a', 'in', 'integer'],
        ['rest', 'variadic', 'text[]'],
        ['succeeded', 'table', 'boolean'],
        ['entity', 'table', 'jsonb'],
      ],
    );

    const [out] = catalog.functions.get('fn_out')?.overloads ?? [];
    assert.ok(out);
    assert.deepEqual([...(out.returns.columns?.keys() ?? [])], ['doubled', 'label']);
    assert.deepEqual(
      out.parameters.map((p) => p.mode),
      ['in', 'out', 'inout'],
    );

    const [setof] = catalog.functions.get('fn_setof')?.overloads ?? [];
    assert.deepEqual(setof?.returns, { type: 'jsonb', setOf: true });

    const [procedure] = catalog.functions.get('pr_do')?.overloads ?? [];
    assert.equal(procedure?.kind, 'procedure');
  });

  test('an overload earlier on the search_path hides the same signature later on', () => {
    const overloads = catalog.functions.get('fn_shadow')?.overloads ?? [];
    assert.deepEqual(overloads.map((o) => [o.schema, o.returns.type]).sort(), [
      ['app', 'integer'],
      ['app', 'text'],
    ]);
  });

  test('qualified and missing functions', () => {
    assert.deepEqual(catalog.functions.get('public.fn_create_post')?.overloads, []);
    assert.deepEqual(catalog.functions.get(catalogKey({ name: 'fn_missing' }))?.overloads, []);
  });
});
