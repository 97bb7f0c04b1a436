import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  checkSchemaAgainstDatabase,
  loadCatalogForSchema,
  type SchemaProblem,
} from '../../src/schema/check-against-database.ts';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/test-database.ts';
import {
  argument,
  fromJwt,
  inputType,
  mutation,
  named,
  query,
  schemaOf,
} from './schema-fixture.ts';

const RESPONSE_COLUMNS = `succeeded boolean, state_changed boolean, error_class text,
  status_detail text, http_status smallint, message text, entity_id uuid, entity_type text,
  entity jsonb, updated_fields text[], cascade jsonb, error_detail jsonb, metadata jsonb`;

const FIXTURE = `
CREATE TABLE tb_post (id uuid PRIMARY KEY, author_id text, title text);
CREATE VIEW v_post WITH (security_invoker = true) AS
  SELECT id, author_id, jsonb_build_object('id', id, 'title', title) AS data FROM tb_post;
CREATE VIEW v_owner_rights AS SELECT id, jsonb_build_object('id', id) AS data FROM tb_post;
CREATE VIEW v_json WITH (security_invoker = true) AS SELECT id, json_build_object('id', id) AS data FROM tb_post;
CREATE VIEW v_text WITH (security_invoker = true) AS SELECT id, title AS data FROM tb_post;
CREATE SEQUENCE seq_post;

-- Inject keys that are no column of the view, read as app.* settings by what the view reads.
CREATE TABLE tb_doc (id uuid PRIMARY KEY, tenant text, writer text, data jsonb);
ALTER TABLE tb_doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY doc_tenant ON tb_doc FOR SELECT USING (tenant = current_setting('app.tenant_id', true));
CREATE POLICY doc_write ON tb_doc FOR INSERT WITH CHECK (writer = current_setting('app.writer_id', true));
CREATE VIEW v_doc WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('id', id) AS data FROM tb_doc;
CREATE TABLE tb_open_doc (id uuid PRIMARY KEY, reader text);
CREATE POLICY open_doc_reader ON tb_open_doc USING (reader = current_setting('app.reader_id', true));
CREATE VIEW v_open_doc WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('id', id) AS data FROM tb_open_doc;
CREATE VIEW v_mine_base WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('id', id) AS data FROM tb_post
  WHERE author_id = nullif(current_setting('app.user_id', true), '');
CREATE VIEW v_mine WITH (security_invoker = true) AS SELECT id, data FROM v_mine_base;
CREATE FUNCTION fn_current_org() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.org_id', true), '') $$;
CREATE VIEW v_org_post WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('id', id) AS data FROM tb_post WHERE author_id = fn_current_org();

CREATE FUNCTION fn_create_post(p_title text, p_body text, p_author_id text)
  RETURNS TABLE (${RESPONSE_COLUMNS}) LANGUAGE sql AS $$ SELECT NULL::boolean, NULL::boolean,
  NULL, NULL, NULL::smallint, NULL, NULL::uuid, NULL, NULL::jsonb, NULL::text[], NULL::jsonb,
  NULL::jsonb, NULL::jsonb $$;
CREATE FUNCTION fn_create_post_json(input jsonb, author_id text) RETURNS jsonb
  LANGUAGE sql AS $$ SELECT input $$;
CREATE FUNCTION fn_positional(a text, b text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_swapped(p_body text, p_title text, q text) RETURNS jsonb
  LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_inject_positional(a text, b text) RETURNS jsonb
  LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_inject_unnamed(text, text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_inject_two_names(p_user_id text, user_id text) RETURNS jsonb
  LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_short(p_title text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_needs(p_title text, p_other text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_void(p_title text) RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION fn_partial(p_title text) RETURNS TABLE (succeeded boolean, entity jsonb, message text)
  LANGUAGE sql AS $$ SELECT true, '{}'::jsonb, '' $$;
CREATE FUNCTION fn_no_entity(p_title text) RETURNS TABLE (succeeded boolean)
  LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION fn_text_input(p_input text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE PROCEDURE pr_post(p_title text) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION fn_amb(p_title text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_amb(p_title varchar) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
`;

const SCHEMA = schemaOf({
  inputTypes: [inputType('CreatePostInput', ['title', 'body'])],
  queries: [
    query('posts', 'v_post'),
    query('myPosts', 'v_post', { inject: { author_id: fromJwt('sub') } }),
    query('tenantPosts', 'v_post', { inject: { tenant_id: fromJwt('tenant') } }),
    query('ownerRights', 'v_owner_rights'),
    query('ownerRightsAgain', 'v_owner_rights'),
    query('jsonPosts', 'v_json'),
    query('textPosts', 'v_text'),
    query('payloadPosts', 'v_post', { jsonbColumn: 'payload' }),
    query('missingView', 'v_nope'),
    query('sequence', 'seq_post'),
    query('badInject', 'v_post', { inject: { userId: fromJwt('sub') } }),
    query('tenantDocs', 'v_doc', { inject: { tenant_id: fromJwt('tenant') } }),
    query('writerDocs', 'v_doc', { inject: { writer_id: fromJwt('sub') } }),
    query('tenantTable', 'tb_doc', { inject: { tenant_id: fromJwt('tenant') } }),
    query('openDocs', 'v_open_doc', { inject: { reader_id: fromJwt('sub') } }),
    query('minePosts', 'v_mine', { inject: { user_id: fromJwt('sub') } }),
    query('orgPosts', 'v_org_post', { inject: { org_id: fromJwt('org') } }),
  ],
  mutations: [
    mutation('createPost', 'fn_create_post', {
      inputStyle: 'flatten',
      arguments: [{ name: 'input', storageKey: 'input', type: named('CreatePostInput') }],
      inject: { author_id: fromJwt('sub') },
    }),
    mutation('createPostJson', 'fn_create_post_json', {
      arguments: [{ name: 'input', storageKey: 'input', type: named('CreatePostInput') }],
      inject: { author_id: fromJwt('sub') },
    }),
    mutation('positional', 'fn_positional', { arguments: [argument('title'), argument('body')] }),
    mutation('swapped', 'fn_swapped', {
      arguments: [argument('title'), argument('body'), argument('tenant_id')],
    }),
    mutation('injectPositional', 'fn_inject_positional', {
      arguments: [argument('title')],
      inject: { user_id: fromJwt('sub') },
    }),
    mutation('injectUnnamed', 'fn_inject_unnamed', {
      arguments: [argument('title')],
      inject: { user_id: fromJwt('sub') },
    }),
    mutation('injectTwoNames', 'fn_inject_two_names', { inject: { user_id: fromJwt('sub') } }),
    mutation('tooMany', 'fn_short', { arguments: [argument('title'), argument('body')] }),
    mutation('missingDefault', 'fn_needs', { arguments: [argument('title')] }),
    mutation('voidReturn', 'fn_void', { arguments: [argument('title')] }),
    mutation('partial', 'fn_partial', { arguments: [argument('title')] }),
    mutation('noEntity', 'fn_no_entity', { arguments: [argument('title')] }),
    mutation('textInput', 'fn_text_input', {
      arguments: [{ name: 'input', storageKey: 'input', type: named('CreatePostInput') }],
    }),
    mutation('procedure', 'pr_post', { arguments: [argument('title')] }),
    mutation('ambiguous', 'fn_amb', { arguments: [argument('title')] }),
    mutation('missingFunction', 'fn_nope', { arguments: [argument('title')] }),
  ],
});

describe(`checkSchemaAgainstDatabase (${testEngine()})`, () => {
  let database: TestDatabase;
  let problems: SchemaProblem[];

  const of = (operation: string): SchemaProblem[] =>
    problems.filter((problem) => problem.operation === operation);

  before(async () => {
    database = await createTestDatabase();
    await database.db.exec(FIXTURE);
    problems = checkSchemaAgainstDatabase(SCHEMA, await loadCatalogForSchema(database.db, SCHEMA));
  });
  after(async () => {
    await database.close();
  });

  test('a matching view and matching functions raise nothing', () => {
    for (const operation of [
      'query posts',
      'query myPosts',
      'mutation createPost',
      'mutation createPostJson',
      'mutation positional',
    ]) {
      assert.deepEqual(of(operation), [], operation);
    }
  });

  test('errors come before warnings', () => {
    const firstWarning = problems.findIndex((problem) => problem.severity === 'warning');
    assert.ok(firstWarning > 0);
    assert.ok(problems.slice(firstWarning).every((problem) => problem.severity === 'warning'));
  });

  test('a missing view is an error naming the search_path and the fix', () => {
    const [problem, ...rest] = of('query missingView');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.match(
      problem?.message ?? '',
      /View v_nope does not exist in any schema on the search_path \(public\)/,
    );
    assert.match(problem?.message ?? '', /Create it/);
    assert.equal(of('query sequence')[0]?.severity, 'error');
    assert.match(of('query sequence')[0]?.message ?? '', /not a view or a table/);
  });

  test('the JSONB column: missing or text is an error, json a warning', () => {
    const [payload] = of('query payloadPosts');
    assert.equal(payload?.severity, 'error');
    assert.match(
      payload?.message ?? '',
      /has no column payload \(its columns: id, author_id, data\)/,
    );
    const [text] = of('query textPosts');
    assert.equal(text?.severity, 'error');
    assert.match(text?.message ?? '', /has type text; it must be jsonb/);
    const [json] = of('query jsonPosts');
    assert.equal(json?.severity, 'warning');
    assert.match(json?.message ?? '', /is json, not jsonb/);
  });

  test('an inject key that nothing reads is a warning naming the view and the fix', () => {
    const [problem, ...rest] = of('query tenantPosts');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'warning');
    assert.equal(
      problem?.message,
      'Nothing filters the rows of query tenantPosts by the injected claim tenant_id: view ' +
        'public.v_post has no tenant_id column, and neither its definition, the views it reads, ' +
        "nor a row-level security policy on the tables it reads reads current_setting('app.tenant_id'). " +
        'Every caller sees the same rows. Add a tenant_id column to view public.v_post (the ' +
        "injected value then filters on it), or filter on nullif(current_setting('app.tenant_id', " +
        "true), '') in the view's WHERE clause or in a row-level security policy (FOR SELECT) on " +
        'the table holding the rows.',
    );
  });

  test('an inject key read as app.<key> by a policy, a view below or a function is no problem', () => {
    for (const operation of ['query tenantDocs', 'query tenantTable', 'query minePosts', 'query orgPosts']) {
      assert.deepEqual(of(operation), [], operation);
    }
  });

  test('a policy that does not filter reads does not count: INSERT only, or RLS off', () => {
    const [writer, ...rest] = of('query writerDocs');
    assert.equal(rest.length, 0);
    assert.match(writer?.message ?? '', /^Nothing filters the rows of query writerDocs by the injected claim writer_id: view public\.v_doc/);
    const [reader] = of('query openDocs');
    assert.match(reader?.message ?? '', /^Nothing filters the rows of query openDocs by the injected claim reader_id/);
  });

  test('the catalog says where each app. setting is read', async () => {
    const catalog = await loadCatalogForSchema(database.db, SCHEMA);
    const reads = (name: string): unknown => {
      const relation = catalog.relations.get(name);
      return relation?.exists === true ? relation.settingReads : undefined;
    };
    assert.deepEqual(reads('v_doc'), [{ setting: 'app.tenant_id', source: 'policy doc_tenant on public.tb_doc' }]);
    assert.deepEqual(reads('v_mine'), [{ setting: 'app.user_id', source: 'view public.v_mine_base' }]);
    assert.deepEqual(reads('v_org_post'), [
      { setting: 'app.org_id', source: 'function public.fn_current_org (called by view public.v_org_post)' },
    ]);
    assert.deepEqual(reads('v_post'), []);
  });

  test('an inject key that cannot be a setting name is an error', () => {
    const found = of('query badInject').filter((problem) => problem.severity === 'error');
    assert.equal(found.length, 1);
    assert.match(
      found[0]?.message ?? '',
      /Inject key userId cannot become the transaction setting app\.userId.*user_id/,
    );
  });

  test('a view without security_invoker is a warning, once per view', () => {
    const [problem] = of('query ownerRights');
    assert.equal(problem?.severity, 'warning');
    assert.match(problem?.message ?? '', /security_invoker is off/);
    assert.deepEqual(of('query ownerRightsAgain'), []);
  });

  test('positional calls that look swapped are warnings', () => {
    const found = of('mutation swapped');
    assert.equal(found.length, 2, JSON.stringify(found));
    assert.ok(found.every((problem) => problem.severity === 'warning'));
    assert.match(
      found[0]?.message ?? '',
      /title goes to parameter 1 \(p_body\), yet parameter 2 is named p_title/,
    );
  });

  test('a call that would pass an injected claim by position is refused, naming the operation', () => {
    for (const operation of ['mutation injectPositional', 'mutation injectUnnamed']) {
      const found = of(operation);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0]?.severity, 'error');
      assert.match(
        found[0]?.message ?? '',
        /would be called by position.*title \(no parameter named title or p_title\).*injects user_id from the token.*p_user_id/,
      );
    }
  });

  test('a key matching both key and p_key is refused as ambiguous', () => {
    const [problem, ...rest] = of('mutation injectTwoNames');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.match(
      problem?.message ?? '',
      /fn_inject_two_names\(text,text\) is ambiguous: user_id \(both user_id and p_user_id exist\)/,
    );
  });

  test('parameter count and defaults', () => {
    const [tooMany] = of('mutation tooMany');
    assert.equal(tooMany?.severity, 'error');
    assert.match(
      tooMany?.message ?? '',
      /takes 1 parameter\(s\), but the mutation passes 2 \(title, body\)/,
    );
    const [missing] = of('mutation missingDefault');
    assert.equal(missing?.severity, 'error');
    assert.match(
      missing?.message ?? '',
      /Parameter p_other of .*fn_needs\(text,text\) has no default/,
    );
  });

  test('return types', () => {
    assert.match(
      of('mutation voidReturn')[0]?.message ?? '',
      /returns void\. A mutation function must return jsonb/,
    );
    assert.equal(of('mutation voidReturn')[0]?.severity, 'error');
    const [partial] = of('mutation partial');
    assert.equal(partial?.severity, 'warning');
    assert.match(partial?.message ?? '', /without state_changed, error_class/);
    const [noEntity] = of('mutation noEntity');
    assert.equal(noEntity?.severity, 'error');
    assert.match(noEntity?.message ?? '', /returns a row without entity/);
  });

  test('an input object sent to a non-jsonb parameter is a warning', () => {
    const [problem] = of('mutation textInput');
    assert.equal(problem?.severity, 'warning');
    assert.match(
      problem?.message ?? '',
      /input is an input object sent as JSON.*has type text\. Declare it jsonb/,
    );
  });

  test('procedures, missing functions and ambiguous overloads', () => {
    assert.match(
      of('mutation procedure')[0]?.message ?? '',
      /is a procedure; a mutation calls a plain function/,
    );
    const [missing] = of('mutation missingFunction');
    assert.equal(missing?.severity, 'error');
    assert.match(missing?.message ?? '', /Function fn_nope does not exist/);
    const [ambiguous] = of('mutation ambiguous');
    assert.equal(ambiguous?.severity, 'error');
    assert.match(
      ambiguous?.message ?? '',
      /public\.fn_amb has 2 overloads \(.*\); a mutation calls exactly one/,
    );
  });
});
