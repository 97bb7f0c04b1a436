/**
 * Row-level security through the real server: injected claims (a nested `jwt:org.id` too)
 * reach views and functions as `app.<name>` settings, the request role switch makes policies
 * and grants apply even on the embedded database (whose connection is a superuser), tenants
 * and private rows stay apart whatever the filter, relations to hidden rows come back null
 * (and are introspected as nullable even where declared non-null), and nothing of one request's settings is visible to the next.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { testEngine } from '../support/test-database.ts';
import { ALICE, BOB, CAROL, DAVE, startAuthzServer, type AuthzServer, type Reply } from './support/authz-server.ts';

let server: AuthzServer;

before(async () => {
  server = await startAuthzServer();
});
after(async () => {
  await server?.close();
});

function data(reply: Reply): Record<string, unknown> {
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.json.errors, undefined, reply.text);
  return reply.json.data ?? {};
}

const NOBODY = { userId: null, orgId: null, dbRole: 'fraiseql_anon' };

describe(`injected claims and settings (${testEngine()})`, () => {
  test('a view and a function read the caller as app.user_id and app.org_id (a nested claim)', async () => {
    const token = await server.userToken(CAROL);
    assert.deepEqual(data(await server.graphql('{ whoami { userId orgId dbRole } }', { token })), {
      whoami: { userId: CAROL.sub, orgId: '2', dbRole: 'fraiseql_authenticated' },
    });
    const written = data(
      await server.graphql('mutation { whoami_write { userId orgId dbRole paramUserId paramOrgId } }', { token }),
    );
    assert.deepEqual(written, {
      whoami_write: {
        userId: CAROL.sub,
        orgId: '2',
        dbRole: 'fraiseql_authenticated',
        paramUserId: CAROL.sub,
        paramOrgId: '2',
      },
    });
  });

  test('a token naming its user by user_id (no sub), as on the spec page, is injected as jwt:sub', async () => {
    const token = await server.token({ user_id: CAROL.sub, org: { id: CAROL.org } });
    assert.deepEqual(data(await server.graphql('{ whoami { userId orgId } }', { token })), {
      whoami: { userId: CAROL.sub, orgId: '2' },
    });
    const writer = await server.token({ user_id: CAROL.sub, org: { id: CAROL.org }, scopes: ['read:notes', 'write:notes'] });
    assert.deepEqual(data(await server.graphql('mutation { scoped_write { userId paramUserId } }', { token: writer })), {
      scoped_write: { userId: CAROL.sub, paramUserId: CAROL.sub },
    });
  });

  test('an anonymous request runs as the anonymous role with no setting, also right after others', async () => {
    assert.deepEqual(data(await server.graphql('{ anonymous_whoami { userId orgId dbRole } }')), {
      anonymous_whoami: NOBODY,
    });
    const token = await server.userToken(ALICE);
    data(await server.graphql('{ whoami { userId } }', { token }));
    assert.deepEqual(data(await server.graphql('{ anonymous_whoami { userId orgId dbRole } }')), {
      anonymous_whoami: NOBODY,
    });
    const failed = await server.graphql('mutation { fail { id } }', { token });
    assert.equal(failed.status, 400, failed.text);
    assert.deepEqual(data(await server.graphql('{ anonymous_whoami { userId orgId dbRole } }')), {
      anonymous_whoami: NOBODY,
    });
  });
});

describe(`policies and the role switch (${testEngine()})`, () => {
  test('a policy on current_user: members-only rows for the authenticated role only', async () => {
    assert.deepEqual(data(await server.graphql('{ announcements { title } }')), {
      announcements: [{ title: 'Hello world' }],
    });
    const token = await server.userToken(DAVE);
    assert.deepEqual(data(await server.graphql('{ announcements { title } }', { token })), {
      announcements: [{ title: 'Hello world' }, { title: 'Members meeting' }],
    });
  });

  test('grants apply to the request role: one revoked after the start is refused (403)', async () => {
    // The start checks every grant, so a missing one is only reachable by revoking it later.
    await server.database.exec('REVOKE SELECT ON v_announcement FROM fraiseql_anon');
    try {
      const reply = await server.graphql('{ announcements { title } }');
      assert.equal(reply.status, 403, reply.text);
      assert.equal(reply.json.errors?.[0]?.message, 'User does not have permission');
    } finally {
      await server.database.exec('GRANT SELECT ON v_announcement TO fraiseql_anon');
    }
    assert.equal((await server.graphql('{ announcements { title } }')).status, 200);
  });

  test('each tenant sees its own notes, and private notes only their owner', async () => {
    const titles = async (user: typeof ALICE): Promise<unknown> => {
      const token = await server.userToken(user, { scopes: ['read:notes'] });
      const reply = data(await server.graphql('{ notes(orderBy: [{ field: "title" }]) { title } }', { token }));
      return (reply.notes as { title: string }[]).map((note) => note.title);
    };
    assert.deepEqual(await titles(ALICE), ['Alice private', 'Alice public', 'Bob public']);
    assert.deepEqual(await titles(BOB), ['Alice public', 'Bob private', 'Bob public']);
    assert.deepEqual(await titles(CAROL), ['Carol private', 'Carol public', 'Dave public']);
  });

  test("filters naming another tenant's or user's rows find nothing", async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:notes', 'read:accounts'] });
    const reply = data(
      await server.graphql(
        `{ carol: notes(where: { id: { eq: "10000000-0000-0000-0000-00000000000c" } }) { title }
           bobs: notes(where: { _and: [{ ownerId: { eq: "${BOB.sub}" } }, { private: { eq: true } }] }) { title }
           any: notes(where: { orgId: { eq: 2 } }) { title }
           dave: account(id: "${DAVE.sub}") { name } }`,
        { token },
      ),
    );
    assert.deepEqual(reply, { carol: [], bobs: [], any: [], dave: null });
  });

  test('a relation to a row the caller may not see is null, not an error', async () => {
    const token = await server.userToken(ALICE, { scopes: ['read:notes', 'read:accounts'] });
    const notes = data(
      await server.graphql('{ notes(where: { private: { eq: false } }) { title reviewer { name } owner { name } } }', {
        token,
      }),
    );
    assert.deepEqual(notes, {
      notes: [
        { title: 'Alice public', reviewer: null, owner: { name: 'Alice' } },
        { title: 'Bob public', reviewer: { name: 'Alice' }, owner: { name: 'Bob' } },
      ],
    });
    const carol = await server.userToken(CAROL, { scopes: ['read:accounts'] });
    const accounts = data(await server.graphql('{ accounts { name manager { name } } }', { token: carol }));
    assert.deepEqual(accounts, {
      accounts: [
        { name: 'Carol', manager: null },
        { name: 'Dave', manager: null },
      ],
    });
  });

  test('a non-null declared relation to a hidden row is null, and introspected as nullable', async () => {
    // Note.owner is declared 'Person!'. A public Acme note owned by Carol (Globex): Alice sees
    // the note, but row-level security hides its owner's account from her.
    const id = '30000000-0000-0000-0000-00000000000c';
    await server.database.query(
      `INSERT INTO tb_note (id, org_id, owner_id, title, body, private)
       VALUES ($1, 1, $2, 'Carol in Acme', 'c', false)`,
      [id, CAROL.sub],
    );
    try {
      const token = await server.userToken(ALICE, { scopes: ['read:notes'] });
      const reply = await server.graphql(`{ notes(where: { id: { eq: "${id}" } }) { title owner { name } } }`, {
        token,
      });
      assert.deepEqual(data(reply), { notes: [{ title: 'Carol in Acme', owner: null }] });

      const introspected = data(
        await server.graphql('{ __type(name: "Note") { fields { name type { kind name ofType { name } } } } }', {
          token,
        }),
      );
      const fields = (introspected.__type as { fields: { name: string; type: unknown }[] }).fields;
      const typeOf = (name: string): unknown => fields.find((field) => field.name === name)?.type;
      assert.deepEqual(typeOf('owner'), { kind: 'OBJECT', name: 'Person', ofType: null });
      assert.deepEqual(typeOf('title'), { kind: 'NON_NULL', name: null, ofType: { name: 'String' } });
    } finally {
      await server.database.query('DELETE FROM tb_note WHERE id = $1', [id]);
    }
  });
});
