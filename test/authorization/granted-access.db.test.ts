/**
 * What callers do get, through HTTP: masked fields (null plus an error entry, per alias),
 * scopes granted by roles in `[security.roles]` (exact and `prefix:*`), role-protected types
 * for holders, skipped fields that are neither checked nor read, and introspection that shows
 * each caller only what it may call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { testEngine } from '../support/test-database.ts';
import { ALICE, BOB, startAuthzServer, type AuthzServer, type Reply } from './support/authz-server.ts';

let server: AuthzServer;

before(async () => {
  server = await startAuthzServer();
});
after(async () => {
  await server?.close();
});

function rows(reply: Reply, key: string): Record<string, unknown>[] {
  assert.equal(reply.status, 200, reply.text);
  const value = reply.json.data?.[key];
  assert.ok(Array.isArray(value), reply.text);
  return value as Record<string, unknown>[];
}

describe(`granted access (${testEngine()})`, () => {
  test('a masked field is null in every row, with one error entry naming the path and scope', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:accounts'] });
    const reply = await server.graphql('{ accounts { name salary } }', { token });
    assert.deepEqual(rows(reply, 'accounts'), [
      { name: 'Alice', salary: null },
      { name: 'Bob', salary: null },
    ]);
    assert.equal(reply.json.errors?.length, 1);
    const [entry] = reply.json.errors ?? [];
    assert.equal(entry?.message, 'Insufficient scope for this operation');
    assert.deepEqual(entry?.path, ['accounts', 'salary']);
    assert.equal(entry?.extensions?.code, 'FORBIDDEN');
    assert.equal(entry?.extensions?.reason, 'FIELD_MASKED');
    assert.deepEqual(entry?.extensions?.requiredScopes, ['read:salary']);
  });

  test('each alias of a masked field gets its own null and its own entry', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:accounts'] });
    const reply = await server.graphql(
      `{ me: account(id: "${ALICE.sub}") { pay: salary again: salary name } }`,
      { token },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json.data, { me: { pay: null, again: null, name: 'Alice' } });
    assert.deepEqual(
      reply.json.errors?.map((entry) => entry.path),
      [
        ['me', 'pay'],
        ['me', 'again'],
      ],
    );
  });

  test('a role grants scopes without a new token (manager: read:salary)', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:accounts'], roles: ['manager'] });
    const reply = await server.graphql('{ accounts { name salary } }', { token });
    assert.deepEqual(rows(reply, 'accounts'), [
      { name: 'Alice', salary: 100 },
      { name: 'Bob', salary: 80 },
    ]);
    assert.equal(reply.json.errors, undefined);
  });

  test('a prefix:* grant covers every scope under it (admin: read:*), operations and fields', async () => {
    const token = await server.userToken(BOB, { roles: ['admin'] });
    const reply = await server.graphql('{ accounts { name email salary } notes { title } }', { token });
    assert.deepEqual(rows(reply, 'accounts')[0], { name: 'Alice', email: 'alice@acme.test', salary: 100 });
    assert.deepEqual(
      rows(reply, 'notes').map((note) => note.title),
      ['Alice public', 'Bob public', 'Bob private'],
    );
  });

  test('an operation role may be any of those listed', async () => {
    const token = await server.userToken(ALICE, { roles: ['owner'] });
    const reply = await server.graphql('{ admin_accounts { name } }', { token });
    assert.deepEqual(rows(reply, 'admin_accounts'), [{ name: 'Alice' }, { name: 'Bob' }]);
  });

  test('holders of a type role read it wherever it is reached', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:notes'], roles: ['auditor'] });
    const reply = await server.graphql(
      '{ audits { action } notes(where: { title: { eq: "Alice public" } }) { title audits { action } } }',
      { token },
    );
    assert.deepEqual(rows(reply, 'audits'), [{ action: 'created' }]);
    assert.deepEqual(rows(reply, 'notes'), [{ title: 'Alice public', audits: [{ action: 'created' }] }]);
  });

  test('skipped fields are neither checked nor read; the same document re-checks per variables', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:accounts'] });
    const skipped = await server.graphql('{ accounts { name email @skip(if: true) salary @include(if: false) } }', {
      token,
    });
    assert.deepEqual(rows(skipped, 'accounts'), [{ name: 'Alice' }, { name: 'Bob' }]);
    assert.equal(skipped.json.errors, undefined, 'a skipped masked field is not reported either');

    const document = 'query ($show: Boolean!) { accounts { name email @include(if: $show) } }';
    const hidden = await server.graphql(document, { token, variables: { show: false } });
    assert.deepEqual(rows(hidden, 'accounts'), [{ name: 'Alice' }, { name: 'Bob' }]);
    const shown = await server.graphql(document, { token, variables: { show: true } });
    assert.equal(shown.status, 403, 'the cached plan must not carry the previous decision');
  });

  test('an alias named like a protected field is just a name', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:accounts'] });
    const reply = await server.graphql('{ accounts { email: name salary: orgId } }', { token });
    assert.deepEqual(rows(reply, 'accounts'), [
      { email: 'Alice', salary: 1 },
      { email: 'Bob', salary: 1 },
    ]);
  });
});

describe(`introspection per caller (${testEngine()})`, () => {
  const QUERY_FIELDS = '{ __schema { queryType { fields { name } } } }';
  const names = (reply: Reply): string[] => {
    assert.equal(reply.status, 200, reply.text);
    const schema = reply.json.data?.__schema as { queryType: { fields: { name: string }[] } };
    return schema.queryType.fields.map((field) => field.name).sort();
  };

  test('an anonymous caller sees the public operations only', async () => {
    assert.deepEqual(names(await server.graphql(QUERY_FIELDS)), [
      'announcements',
      'anonymous_whoami',
    ]);
    // Built-in mutations of other features (e.g. refreshToken) may show; none of the schema's.
    const mutation = await server.graphql('{ __schema { mutationType { fields { name } } } }');
    const mutationType = (mutation.json.data?.__schema as { mutationType: { fields: { name: string }[] } | null })
      .mutationType;
    const mutations = mutationType?.fields.map((field) => field.name) ?? [];
    for (const name of ['whoami_write', 'fail', 'publish_report']) assert.ok(!mutations.includes(name), name);
  });

  test('operations appear with the scopes, roles and type roles that allow them', async () => {
    const plain = await server.userToken(ALICE, { scopes: ['read:notes'] });
    const plainNames = names(await server.graphql(QUERY_FIELDS, { token: plain }));
    assert.ok(plainNames.includes('notes'));
    for (const hidden of ['accounts', 'overview', 'admin_accounts', 'audits', 'reports', 'report_exports']) {
      assert.ok(!plainNames.includes(hidden), `${hidden} is hidden`);
    }

    const mutationNames = async (token: string): Promise<string[]> => {
      const reply = await server.graphql('{ __schema { mutationType { fields { name } } } }', { token });
      assert.equal(reply.status, 200, reply.text);
      const type = (reply.json.data?.__schema as { mutationType: { fields: { name: string }[] } | null }).mutationType;
      return type?.fields.map((field) => field.name) ?? [];
    };
    assert.ok(!(await mutationNames(plain)).includes('scoped_write'), 'a mutation scope the caller lacks hides it');
    const writer = await server.userToken(ALICE, { scopes: ['read:notes', 'write:notes'] });
    assert.ok((await mutationNames(writer)).includes('scoped_write'));

    const auditor = await server.userToken(ALICE, { scopes: ['read:notes'], roles: ['auditor', 'owner'] });
    const auditorNames = names(await server.graphql(QUERY_FIELDS, { token: auditor }));
    assert.ok(auditorNames.includes('audits'));
    assert.ok(auditorNames.includes('admin_accounts'));
  });

  test('fields and types the caller may not read are absent', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:accounts', 'read:notes'] });
    const reply = await server.graphql(
      '{ account: __type(name: "Account") { fields { name } } audit: __type(name: "Audit") { name } note: __type(name: "Note") { fields { name } } }',
      { token },
    );
    assert.equal(reply.status, 200, reply.text);
    const data = reply.json.data as {
      account: { fields: { name: string }[] };
      audit: unknown;
      note: { fields: { name: string }[] };
    };
    assert.deepEqual(
      data.account.fields.map((field) => field.name),
      ['id', 'name', 'orgId', 'manager'],
    );
    assert.equal(data.audit, null);
    assert.ok(!data.note.fields.some((field) => field.name === 'audits'));
  });
});
