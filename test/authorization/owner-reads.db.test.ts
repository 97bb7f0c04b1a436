/**
 * `compile --database` (and the server start) warn about each table an exposed view reads with
 * its owner's rights (security_invoker off) when row-level security does not filter it: no
 * policy at all, or an owner that bypasses the policies. The warning names the table, the view
 * and the query; tables read only through security_invoker views, or as an owner the policies
 * apply to, raise nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
  checkSchemaAgainstDatabase,
  loadCatalogForSchema,
  type SchemaProblem,
} from '../../src/schema/check-against-database.ts';
import { query, schemaOf } from '../db/schema-fixture.ts';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/test-database.ts';

/** A role owning one view; roles are cluster-wide on PostgreSQL, so the name is unique. */
const OWNER = `fraiseql_test_owner_${randomBytes(4).toString('hex')}`;

const FIXTURE = `
CREATE TABLE tb_open (id int PRIMARY KEY, secret text);
CREATE TABLE tb_other (id int PRIMARY KEY, open_id int);
CREATE TABLE tb_guarded (id int PRIMARY KEY, owner text);
ALTER TABLE tb_guarded ENABLE ROW LEVEL SECURITY;
CREATE POLICY guarded_read ON tb_guarded USING (owner = current_setting('app.user_id', true));
CREATE TABLE tb_no_policy (id int PRIMARY KEY);
ALTER TABLE tb_no_policy ENABLE ROW LEVEL SECURITY;

CREATE VIEW v_open AS
  SELECT o.id, jsonb_build_object('id', o.id, 'secret', o.secret) AS data
  FROM tb_open o JOIN tb_other t ON t.open_id = o.id;
CREATE VIEW v_open_again AS SELECT id, jsonb_build_object('id', id) AS data FROM tb_open;
CREATE VIEW v_guarded_by_superuser AS SELECT id, jsonb_build_object('id', id) AS data FROM tb_guarded;
CREATE VIEW v_no_policy AS SELECT id, jsonb_build_object('id', id) AS data FROM tb_no_policy;
CREATE VIEW v_invoker WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('id', id) AS data FROM tb_open;
CREATE VIEW v_inner_definer AS SELECT id, secret FROM tb_open;
CREATE VIEW v_outer_invoker WITH (security_invoker = true) AS
  SELECT id, jsonb_build_object('id', id) AS data FROM v_inner_definer;

CREATE ROLE ${OWNER} NOLOGIN;
GRANT SELECT ON tb_guarded TO ${OWNER};
CREATE VIEW v_guarded_by_owner AS SELECT id, jsonb_build_object('id', id) AS data FROM tb_guarded;
ALTER VIEW v_guarded_by_owner OWNER TO ${OWNER};
`;

const SCHEMA = schemaOf({
  queries: [
    query('open', 'v_open'),
    query('openAgain', 'v_open_again'),
    query('guardedBySuperuser', 'v_guarded_by_superuser'),
    query('noPolicy', 'v_no_policy'),
    query('invoker', 'v_invoker'),
    query('nested', 'v_outer_invoker'),
    query('guardedByOwner', 'v_guarded_by_owner'),
  ],
});

let database: TestDatabase;
let problems: SchemaProblem[];

before(async () => {
  database = await createTestDatabase();
  await database.db.exec(FIXTURE);
  problems = checkSchemaAgainstDatabase(SCHEMA, await loadCatalogForSchema(database.db, SCHEMA));
});
after(async () => {
  await database?.db.exec(`DROP VIEW v_guarded_by_owner; DROP OWNED BY ${OWNER}; DROP ROLE ${OWNER};`);
  await database?.close();
});

/** The owner-read warnings of one query (the general security_invoker warning left out). */
function tableWarnings(operation: string): string[] {
  return problems
    .filter((problem) => problem.operation === `query ${operation}` && problem.message.startsWith('Table '))
    .map((problem) => {
      assert.equal(problem.severity, 'warning');
      return problem.message;
    });
}

describe(`tables read with a view owner's rights (${testEngine()})`, () => {
  test('each table without a policy is named, with the view, its owner and the query', () => {
    const warnings = tableWarnings('open');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /^Table public\.tb_open has no row-level security policy, and view public\.v_open reads it with the rights of its owner \(role \w+; security_invoker is off\): every caller of query open can read any row of public\.tb_open/);
    assert.match(warnings[1] ?? '', /^Table public\.tb_other has no row-level security policy/);
  });

  test('a table is named once, by the first query reaching it', () => {
    assert.deepEqual(tableWarnings('openAgain'), []);
  });

  test('row-level security enabled without any policy still counts as no policy', () => {
    assert.match(tableWarnings('noPolicy')[0] ?? '', /^Table public\.tb_no_policy has no row-level security policy/);
  });

  test('policies an owner bypasses are named as bypassed', () => {
    const [warning] = tableWarnings('guardedBySuperuser');
    assert.match(warning ?? '', /^Table public\.tb_guarded has row-level security policies, but view public\.v_guarded_by_superuser reads it as its owner \w+, who bypasses them/);
    assert.match(warning ?? '', /WITH \(security_invoker = true\)/);
  });

  test('an owner the policies apply to raises nothing', () => {
    assert.deepEqual(tableWarnings('guardedByOwner'), []);
  });

  test('a security_invoker view raises nothing; a definer view nested under one is found', () => {
    assert.deepEqual(tableWarnings('invoker'), []);
    const nested = problems.filter((problem) => problem.operation === 'query nested');
    assert.equal(nested.length, 0, 'tb_open was already named by query open');

    const alone = schemaOf({ queries: [query('nested', 'v_outer_invoker')] });
    return loadCatalogForSchema(database.db, alone).then((catalog) => {
      const messages = checkSchemaAgainstDatabase(alone, catalog).map((problem) => problem.message);
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0] ?? '', /^Table public\.tb_open has no row-level security policy, and view public\.v_inner_definer reads it/);
    });
  });
});
