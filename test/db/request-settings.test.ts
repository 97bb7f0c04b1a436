import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  buildRequestSetup,
  checkRoleName,
  checkSettingName,
  InvalidRequestSettingError,
} from '../../src/db/request-settings.ts';
import {
  findTransactionControlLine,
  startsWithTransactionControl,
} from '../../src/db/transaction-control.ts';

describe('request settings', () => {
  test('setting names must be app.<lowercase identifier>', () => {
    for (const name of ['app.user_id', 'app.tenant_id', 'app._x', 'app.a1']) checkSettingName(name);
    for (const name of [
      'user_id',
      'app.',
      'app.User_id',
      'app.user-id',
      'app.user.id',
      'app.1user',
      'search_path',
      'role',
      'statement_timeout',
      'App.user_id',
      ' app.user_id',
      `app.${'x'.repeat(64)}`,
    ]) {
      assert.throws(() => checkSettingName(name), InvalidRequestSettingError, name);
    }
    assert.throws(() => checkSettingName('app.UserId'), /app\.<name>.*Rename the inject key/);
  });

  test('role names: plain identifiers only, never none/public/pg_*', () => {
    for (const name of ['fraiseql_anon', 'Authenticated', 'r1']) checkRoleName(name);
    for (const name of [
      'none',
      'NONE',
      'public',
      'current_user',
      'session_user',
      'pg_monitor',
      '',
      'a b',
      'a"b',
      '1role',
    ]) {
      assert.throws(() => checkRoleName(name), InvalidRequestSettingError, name);
    }
  });

  test('one statement: the role first, then each setting, all bound', () => {
    const statement = buildRequestSetup(
      { role: 'fraiseql_authenticated', settings: { 'app.user_id': "u'1", 'app.tenant_id': 't' } },
      { includeStatementTimeout: true },
    );
    assert.equal(
      statement.text,
      "SELECT set_config('role', $1, true), set_config($2, $3, true), set_config($4, $5, true)",
    );
    assert.deepEqual(statement.values, [
      'fraiseql_authenticated',
      'app.user_id',
      "u'1",
      'app.tenant_id',
      't',
    ]);
  });

  test('statement timeout is added when asked and valid', () => {
    const context = { role: 'r', settings: {}, statementTimeoutMs: 5000 };
    const withTimeout = buildRequestSetup(context, { includeStatementTimeout: true });
    assert.equal(
      withTimeout.text,
      "SELECT set_config('role', $1, true), set_config('statement_timeout', $2, true)",
    );
    assert.deepEqual(withTimeout.values, ['r', '5000']);
    const embedded = buildRequestSetup(context, { includeStatementTimeout: false });
    assert.deepEqual(embedded.values, ['r']);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      assert.throws(
        () =>
          buildRequestSetup(
            { ...context, statementTimeoutMs: bad },
            { includeStatementTimeout: true },
          ),
        InvalidRequestSettingError,
      );
    }
  });

  test('refuses bad names and non-string values before building anything', () => {
    assert.throws(
      () => buildRequestSetup({ role: 'none', settings: {} }, { includeStatementTimeout: false }),
      /none/,
    );
    assert.throws(
      () =>
        buildRequestSetup(
          { role: 'r', settings: { 'app.x': 1 as unknown as string } },
          { includeStatementTimeout: false },
        ),
      /must be a string/,
    );
  });
});

describe('transaction control detection', () => {
  test('statements that open or end transactions, after comments and whitespace', () => {
    for (const text of [
      'BEGIN',
      ' commit',
      '-- c\nROLLBACK',
      '/* x */ start transaction',
      'END',
      'savepoint a',
      'abort',
    ]) {
      assert.equal(startsWithTransactionControl(text), true, text);
    }
    for (const text of [
      'SELECT 1',
      'beginning',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'INSERT INTO t VALUES (1)',
    ]) {
      assert.equal(startsWithTransactionControl(text), false, text);
    }
  });

  test('lines that end the transaction in a script; PL/pgSQL blocks are fine', () => {
    const plpgsql =
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;';
    assert.equal(findTransactionControlLine(plpgsql), undefined);
    assert.deepEqual(findTransactionControlLine('SELECT 1;\n  commit ;\n'), {
      line: 2,
      text: 'commit ;',
    });
    assert.deepEqual(findTransactionControlLine('BEGIN;\nSELECT 1;'), { line: 1, text: 'BEGIN;' });
    assert.deepEqual(findTransactionControlLine('x;\nROLLBACK WORK;'), {
      line: 2,
      text: 'ROLLBACK WORK;',
    });
  });
});
