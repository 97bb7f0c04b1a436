/**
 * The database check reports grants the request roles lack: SELECT on a query's view (and on
 * what a security_invoker view reads as the caller), EXECUTE on a mutation's function, USAGE on
 * their schemas. A public operation needs them for both roles, any other only for the
 * authenticated role; roles that do not exist are reported once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  checkSchemaAgainstDatabase,
  loadCatalogForSchema,
  type SchemaProblem,
} from '../../src/schema/check-against-database.ts';
import {
  createTestDatabase,
  TEST_ROLES,
  testEngine,
  type TestDatabase,
} from '../support/test-database.ts';
import { argument, fromJwt, mutation, query, schemaOf } from './schema-fixture.ts';

const { anon, authenticated } = TEST_ROLES;
const BOTH = `${anon}, ${authenticated}`;

const FIXTURE = `
CREATE TABLE tb_tag (id uuid PRIMARY KEY, owner text, name text);
CREATE VIEW v_tag AS SELECT id, owner, jsonb_build_object('name', name) AS data FROM tb_tag;
CREATE VIEW v_tag_open AS SELECT id, jsonb_build_object('name', name) AS data FROM tb_tag;
CREATE VIEW v_tag_members AS SELECT id, jsonb_build_object('name', name) AS data FROM tb_tag;
CREATE VIEW v_tag_columns AS SELECT id, owner, jsonb_build_object('name', name) AS data FROM tb_tag;
CREATE VIEW v_tag_no_data AS SELECT id, jsonb_build_object('name', name) AS data FROM tb_tag;
CREATE VIEW v_tag_invoker WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('name', name) AS data FROM tb_tag;
CREATE TABLE tb_note (id uuid PRIMARY KEY, body text);
CREATE VIEW v_note_invoker WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('body', body) AS data FROM tb_note;

GRANT SELECT ON v_tag_open, v_tag_invoker, v_note_invoker TO ${BOTH};
GRANT SELECT ON v_tag_members TO ${authenticated};
GRANT SELECT ON tb_note TO ${BOTH};
GRANT SELECT (id, owner, data) ON v_tag_columns TO ${authenticated};
GRANT SELECT (id) ON v_tag_no_data TO ${authenticated};

CREATE SCHEMA app_hidden;
CREATE VIEW app_hidden.v_secret AS SELECT 1 AS id, '{}'::jsonb AS data;
GRANT SELECT ON app_hidden.v_secret TO ${BOTH};

CREATE FUNCTION fn_create_tag(name text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
CREATE FUNCTION fn_locked_tag(name text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
REVOKE EXECUTE ON FUNCTION fn_locked_tag(text) FROM PUBLIC;
CREATE FUNCTION fn_member_tag(name text) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
REVOKE EXECUTE ON FUNCTION fn_member_tag(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fn_member_tag(text) TO ${authenticated};
`;

const PUBLIC = { public: true, requiresScope: [], requiresRole: [], requiresPermission: [] };

const SCHEMA = schemaOf({
  queries: [
    query('openTags', 'v_tag_open', { access: PUBLIC }),
    query('memberTags', 'v_tag_members'),
    query('publicMemberTags', 'v_tag_members', { access: PUBLIC }),
    query('publicMineTags', 'v_tag_members', {
      access: PUBLIC,
      inject: { owner: fromJwt('sub') },
    }),
    query('tags', 'v_tag', { access: PUBLIC }),
    query('columnTags', 'v_tag_columns', {
      arguments: [argument('owner')],
      inject: { owner: fromJwt('sub') },
    }),
    query('noDataTags', 'v_tag_no_data'),
    query('invokerTags', 'v_tag_invoker'),
    query('invokerNotes', 'v_note_invoker', { access: PUBLIC }),
    { ...query('secrets', 'v_secret'), sqlSource: { schema: 'app_hidden', name: 'v_secret' } },
  ],
  mutations: [
    mutation('createTag', 'fn_create_tag', { arguments: [argument('name')], access: PUBLIC }),
    mutation('lockedTag', 'fn_locked_tag', { arguments: [argument('name')] }),
    mutation('memberTag', 'fn_member_tag', { arguments: [argument('name')] }),
    mutation('publicMemberTag', 'fn_member_tag', { arguments: [argument('name')], access: PUBLIC }),
  ],
});

describe(`request-role grants (${testEngine()})`, () => {
  let database: TestDatabase;
  let problems: SchemaProblem[];

  // Only errors: the views here read their table as owner, which the other checks warn about.
  const of = (operation: string): SchemaProblem[] =>
    problems.filter((problem) => problem.operation === operation && problem.severity === 'error');

  before(async () => {
    database = await createTestDatabase();
    await database.db.exec(FIXTURE);
    const catalog = await loadCatalogForSchema(database.db, SCHEMA, TEST_ROLES);
    problems = checkSchemaAgainstDatabase(SCHEMA, catalog);
  });
  after(async () => {
    await database.close();
  });

  test('granted views and functions raise nothing (column grants covering the read count)', () => {
    for (const operation of [
      'query openTags',
      'query memberTags',
      'query publicMineTags',
      'query columnTags',
      'query invokerNotes',
      'mutation createTag',
      'mutation memberTag',
    ]) {
      assert.deepEqual(of(operation), [], operation);
    }
  });

  test('a view the authenticated role may not SELECT is an error with the GRANT to add', () => {
    const [problem, ...rest] = of('query tags');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.equal(
      problem?.message,
      `Roles ${anon} and ${authenticated} may not SELECT from view v_tag, so query tags always ` +
        `fails with "permission denied for view v_tag" (HTTP 403 "User does not have ` +
        `permission") for anonymous callers (run as ${anon}: the operation is public) and callers with ` +
        `credentials (run as ${authenticated}). Add to a migration: GRANT SELECT ON v_tag TO ` +
        `${BOTH};`,
    );
  });

  test('a public query whose view lacks only the anonymous grant names that role alone', () => {
    const [problem, ...rest] = of('query publicMemberTags');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', new RegExp(`^Role ${anon} may not SELECT from view v_tag_members`));
    assert.match(problem?.message ?? '', new RegExp(`GRANT SELECT ON v_tag_members TO ${anon};$`));
  });

  test('a public query that injects claims never runs as the anonymous role', () => {
    assert.deepEqual(of('query publicMineTags'), []);
  });

  test('column grants that miss a column the read needs are an error', () => {
    const [problem, ...rest] = of('query noDataTags');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /may not SELECT from view v_tag_no_data/);
    assert.match(problem?.message ?? '', new RegExp(`${authenticated} may SELECT only id\\.`));
    assert.match(problem?.message ?? '', new RegExp(`GRANT SELECT ON v_tag_no_data TO ${authenticated};$`));
  });

  test('a security_invoker view needs SELECT on the table it reads, for the request role', () => {
    const [problem, ...rest] = of('query invokerTags');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.match(
      problem?.message ?? '',
      new RegExp(
        `^View v_tag_invoker reads table tb_tag with the caller's privileges \\(security_invoker\\), ` +
          `and role ${authenticated} may not SELECT from it`,
      ),
    );
    assert.match(problem?.message ?? '', new RegExp(`GRANT SELECT ON tb_tag TO ${authenticated};`));
  });

  test('a view in a schema the role may not use is an error with GRANT USAGE', () => {
    const [problem, ...rest] = of('query secrets');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', new RegExp(`^Role ${authenticated} has no USAGE on schema app_hidden`));
    assert.match(problem?.message ?? '', new RegExp(`GRANT USAGE ON SCHEMA app_hidden TO ${authenticated};$`));
  });

  test('a function the authenticated role may not EXECUTE is an error with the GRANT to add', () => {
    const [problem, ...rest] = of('mutation lockedTag');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.equal(
      problem?.message,
      `Role ${authenticated} may not EXECUTE function fn_locked_tag(text), so mutation ` +
        `lockedTag always fails with "permission denied for function fn_locked_tag" (HTTP 403 ` +
        `"User does not have permission") for callers with credentials (run as ${authenticated}). Add to a ` +
        `migration: GRANT EXECUTE ON ` +
        `FUNCTION fn_locked_tag(text) TO ${authenticated};`,
    );
  });

  test('a public mutation needs EXECUTE for the anonymous role too', () => {
    const [problem, ...rest] = of('mutation publicMemberTag');
    assert.equal(rest.length, 0);
    assert.match(
      problem?.message ?? '',
      new RegExp(`GRANT EXECUTE ON FUNCTION fn_member_tag\\(text\\) TO ${anon};$`),
    );
  });

  test('without request roles the catalog reads no privileges and nothing is reported', async () => {
    const catalog = await loadCatalogForSchema(database.db, SCHEMA);
    assert.equal(catalog.requestRoles, undefined);
    const messages = checkSchemaAgainstDatabase(SCHEMA, catalog).map((p) => p.message);
    assert.deepEqual(messages.filter((message) => /GRANT|USAGE/.test(message)), []);
  });

  test('request roles that do not exist are reported once, and their grants are not checked', async () => {
    const roles = { anon: 'rrg_missing_anon', authenticated: 'rrg_missing_authenticated' };
    const catalog = await loadCatalogForSchema(database.db, SCHEMA, roles);
    const found = checkSchemaAgainstDatabase(SCHEMA, catalog).filter((problem) =>
      /rrg_missing|GRANT/.test(problem.message),
    );
    assert.deepEqual(found, [
      {
        operation: 'roles rrg_missing_anon, rrg_missing_authenticated',
        severity: 'error',
        message:
          'Roles rrg_missing_anon and rrg_missing_authenticated do not exist, so requests cannot ' +
          'switch to them and no operation can run; the grants on views and functions were not ' +
          'checked for them. Run "fraiseql-ts migrate", which creates the request roles, then ' +
          'check again.',
      },
    ]);
  });

  test('one missing role is reported; the other is still checked', async () => {
    const roles = { anon: 'rrg_missing_anon', authenticated };
    const catalog = await loadCatalogForSchema(database.db, SCHEMA, roles);
    const found = checkSchemaAgainstDatabase(SCHEMA, catalog);
    assert.equal(found.filter((problem) => problem.message.includes('rrg_missing_anon')).length, 1);
    assert.equal(found.find((problem) => problem.operation === 'role rrg_missing_anon')?.severity, 'error');
    assert.match(
      found.find((problem) => problem.operation === 'query tags')?.message ?? '',
      new RegExp(`^Role ${authenticated} may not SELECT from view v_tag,`),
    );
  });
});
