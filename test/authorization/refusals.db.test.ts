/**
 * Every way issue 4 refuses a caller, through HTTP on the real server: operation scopes and
 * roles, role-protected types, field scopes with `reject` (direct, aliased, in fragments, under
 * directives, in filters and sorts, mixed with introspection), database permissions, injected
 * claims, and the database's own grants for the request role. Each case checks the status, the
 * spec page's message, `extensions.code`/`reason` and what the extensions name, and that no data
 * comes back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { testEngine } from '../support/test-database.ts';
import {
  ALICE,
  CAROL,
  startAuthzServer,
  type AuthzServer,
  type FixtureUser,
  type TokenOptions,
} from './support/authz-server.ts';

const SCOPE = 'Insufficient scope for this operation';
const PERMISSION = 'User does not have permission';
const MISSING = 'Missing Authorization header';

/** Who calls: nobody, a seeded user with scopes/roles, or a subject unknown to the database. */
type CallerSpec = undefined | ({ readonly user: FixtureUser } & TokenOptions);

interface RefusalCase {
  readonly name: string;
  readonly query: string;
  readonly caller: CallerSpec;
  readonly variables?: Record<string, unknown>;
  readonly status: number;
  readonly message: string;
  readonly code: string;
  /** `extensions.reason`; undefined where the database refused (no reason is added then). */
  readonly reason: string | undefined;
  /** Extensions the error must carry (compared exactly, key by key). */
  readonly extensions?: Record<string, unknown>;
  /** Text that must not appear in the response (scopes of the caller that are not missing). */
  readonly notEchoed?: readonly string[];
}

const READER = { user: ALICE, scopes: ['read:notes', 'read:accounts'] } as const;
const STRANGER: FixtureUser = { name: 'Stranger', sub: 'ffffffff-0000-0000-0000-000000000000', org: 1 };

const CASES: readonly RefusalCase[] = [
  // Operations: token, scopes, roles.
  {
    name: 'anonymous caller, protected query',
    query: '{ notes { title } }',
    caller: undefined,
    status: 401,
    message: MISSING,
    code: 'UNAUTHENTICATED',
    reason: 'MISSING_TOKEN',
  },
  {
    name: 'anonymous caller, protected mutation',
    query: 'mutation { whoami_write { id } }',
    caller: undefined,
    status: 401,
    message: MISSING,
    code: 'UNAUTHENTICATED',
    reason: 'MISSING_TOKEN',
  },
  {
    name: 'missing operation scope; the scopes held are not echoed',
    query: '{ notes { title } }',
    caller: { user: ALICE, scopes: ['read:accounts', 'secret:thing'] },
    status: 403,
    message: SCOPE,
    code: 'FORBIDDEN',
    reason: 'INSUFFICIENT_SCOPE',
    extensions: { requiredScopes: ['read:notes'] },
    notEchoed: ['read:accounts', 'secret:thing'],
  },
  {
    name: 'missing mutation scope: refused before the function runs',
    query: 'mutation { scoped_write { userId } }',
    caller: { user: ALICE, scopes: ['read:notes', 'read:accounts'] },
    status: 403,
    message: SCOPE,
    code: 'FORBIDDEN',
    reason: 'INSUFFICIENT_SCOPE',
    extensions: { requiredScopes: ['write:notes'] },
    notEchoed: ['read:accounts'],
  },
  {
    name: 'a list of scopes: only the missing one is named',
    query: '{ overview { title } }',
    caller: { user: ALICE, scopes: ['read:notes'] },
    status: 403,
    message: SCOPE,
    code: 'FORBIDDEN',
    reason: 'INSUFFICIENT_SCOPE',
    extensions: { requiredScopes: ['read:accounts'] },
  },
  {
    name: 'a wildcard in the token is not a pattern (patterns live in [security.roles])',
    query: '{ notes { title } }',
    caller: { user: ALICE, scopes: ['read:*'] },
    status: 403,
    message: SCOPE,
    code: 'FORBIDDEN',
    reason: 'INSUFFICIENT_SCOPE',
    extensions: { requiredScopes: ['read:notes'] },
  },
  {
    name: 'a role granting another scope does not help',
    query: '{ notes { title } }',
    caller: { user: ALICE, roles: ['manager'] },
    status: 403,
    message: SCOPE,
    code: 'FORBIDDEN',
    reason: 'INSUFFICIENT_SCOPE',
    extensions: { requiredScopes: ['read:notes'] },
  },
  {
    name: 'operation role missing',
    query: '{ admin_accounts { name } }',
    caller: { user: ALICE, roles: ['manager'], scopes: ['read:accounts'] },
    status: 403,
    message: PERMISSION,
    code: 'FORBIDDEN',
    reason: 'MISSING_ROLE',
    extensions: { requiredRoles: ['admin', 'owner'] },
  },
  {
    name: 'role-protected type returned by a query',
    query: '{ audits { action } }',
    caller: READER,
    status: 403,
    message: PERMISSION,
    code: 'FORBIDDEN',
    reason: 'MISSING_ROLE',
    extensions: { requiredRoles: ['auditor'], type: 'Audit' },
  },
  {
    name: 'role-protected type reached through a field',
    query: '{ notes { title audits { action } } }',
    caller: READER,
    status: 403,
    message: PERMISSION,
    code: 'FORBIDDEN',
    reason: 'MISSING_ROLE',
    extensions: { requiredRoles: ['auditor'], type: 'Audit' },
  },
  {
    name: 'role-protected type reached through a fragment under an alias',
    query: '{ notes { title log: audits { ...A } } } fragment A on Audit { action }',
    caller: READER,
    status: 403,
    message: PERMISSION,
    code: 'FORBIDDEN',
    reason: 'MISSING_ROLE',
    extensions: { requiredRoles: ['auditor'], type: 'Audit' },
  },

  // Fields with onDeny: reject.
  ...fieldRejections(),

  // Permissions from the database.
  {
    name: 'permission not granted',
    query: '{ reports { title } }',
    caller: READER,
    status: 403,
    message: PERMISSION,
    code: 'FORBIDDEN',
    reason: 'PERMISSION_DENIED',
    extensions: { requiredPermission: 'read:reports', requiredPermissions: ['read:reports'] },
  },
  {
    name: 'permission required by a mutation',
    query: 'mutation { publish_report(title: "Leak") { id } }',
    caller: READER,
    status: 403,
    message: PERMISSION,
    code: 'FORBIDDEN',
    reason: 'PERMISSION_DENIED',
    extensions: { requiredPermission: 'write:reports' },
  },
  {
    name: 'a subject unknown to the users table holds nothing',
    query: '{ reports { title } }',
    caller: { user: STRANGER, scopes: ['read:notes'] },
    status: 403,
    message: PERMISSION,
    code: 'FORBIDDEN',
    reason: 'PERMISSION_DENIED',
    extensions: { requiredPermission: 'read:reports' },
  },
  {
    name: 'scopes are checked before permissions',
    query: '{ report_exports { title } }',
    caller: { user: ALICE, scopes: ['read:accounts'] },
    status: 403,
    message: SCOPE,
    code: 'FORBIDDEN',
    reason: 'INSUFFICIENT_SCOPE',
    extensions: { requiredScopes: ['read:notes'] },
  },
  {
    name: 'anonymous caller, permission-protected query',
    query: '{ reports { title } }',
    caller: undefined,
    status: 401,
    message: MISSING,
    code: 'UNAUTHENTICATED',
    reason: 'MISSING_TOKEN',
  },

  // Injected claims.
  {
    name: 'a nested inject claim the token lacks',
    query: '{ notes { title } }',
    caller: { user: ALICE, scopes: ['read:notes'], claims: { org: undefined } },
    status: 403,
    message:
      "Operation 'notes' needs the token claim 'org.id' (injected as 'org_id'), and the token does not carry it. Issue the token with that claim.",
    code: 'FORBIDDEN',
    reason: 'MISSING_INJECT_CLAIM',
    extensions: { claim: 'org.id' },
  },
  {
    name: 'a nested inject claim whose parent is not an object',
    query: '{ notes { title } }',
    caller: { user: ALICE, scopes: ['read:notes'], claims: { org: 1 } },
    status: 403,
    message:
      "Operation 'notes' needs the token claim 'org.id' (injected as 'org_id'), and the token does not carry it. Issue the token with that claim.",
    code: 'FORBIDDEN',
    reason: 'MISSING_INJECT_CLAIM',
    extensions: { claim: 'org.id' },
  },

  // A public query on a view the anonymous role may not read no longer gets this far: the
  // server refuses to start (test/db/request-role-grants.db.test.ts); row-level-security
  // tests a grant revoked after the start.
];

/** `email` requires read:email with onDeny reject: every way of reaching it is refused. */
function fieldRejections(): RefusalCase[] {
  const base = {
    caller: { user: ALICE, scopes: ['read:accounts', 'read:notes'] },
    status: 403,
    message: SCOPE,
    code: 'FORBIDDEN',
    reason: 'INSUFFICIENT_SCOPE',
    extensions: { requiredScopes: ['read:email'], field: 'Account.email' },
  } as const;
  const masked = { ...base, extensions: { requiredScopes: ['read:salary'], field: 'Account.salary' } };
  return [
    { ...base, name: 'field: selected directly', query: '{ accounts { name email } }' },
    { ...base, name: 'field: under an alias', query: '{ accounts { name contact: email } }' },
    { ...base, name: 'field: on a single-object query', query: `{ account(id: "${ALICE.sub}") { email } }` },
    {
      ...base,
      name: 'field: in a named fragment',
      query: '{ accounts { ...Card } } fragment Card on Account { name email }',
    },
    { ...base, name: 'field: in an inline fragment', query: '{ accounts { ... on Account { email } } }' },
    {
      ...base,
      name: 'field: in a fragment inside a fragment, under an aliased root',
      query:
        '{ people: accounts { ...Outer } } fragment Outer on Account { name ...Inner } fragment Inner on Account { email }',
    },
    { ...base, name: 'field: @include(if: true)', query: '{ accounts { email @include(if: true) } }' },
    { ...base, name: 'field: @skip(if: false)', query: '{ accounts { email @skip(if: false) } }' },
    {
      ...base,
      name: 'field: @include with a variable set to true',
      query: 'query ($show: Boolean!) { accounts { name email @include(if: $show) } }',
      variables: { show: true },
    },
    {
      ...base,
      name: 'field: in a where filter',
      query: '{ accounts(where: { email: { eq: "carol@globex.test" } }) { name } }',
    },
    {
      ...base,
      name: 'field: deep in _or/_not of a where filter',
      query: '{ accounts(where: { _or: [{ name: { eq: "x" } }, { _not: { email: { like: "%a%" } } }] }) { name } }',
    },
    { ...base, name: 'field: in orderBy', query: '{ accounts(orderBy: [{ field: "email" }]) { name } }' },
    {
      ...masked,
      name: 'masked field: filtering on it is refused, not masked',
      query: '{ accounts(where: { salary: { gt: 100 } }) { name } }',
    },
    {
      ...masked,
      name: 'masked field: sorting on it is refused, not masked',
      query: '{ accounts(orderBy: [{ field: "salary", direction: DESC }]) { name } }',
    },
    {
      ...base,
      name: 'field: mixed with introspection',
      query: '{ __schema { queryType { name } } accounts { email } }',
    },
    { ...base, name: 'field: mixed with __typename', query: '{ __typename accounts { __typename email } }' },
    {
      ...base,
      name: 'field: one denied root field fails the whole operation',
      query: '{ notes { title } accounts { email } }',
    },
  ];
}

let server: AuthzServer;

before(async () => {
  server = await startAuthzServer();
});
after(async () => {
  await server?.close();
});

async function tokenFor(caller: CallerSpec): Promise<string | undefined> {
  if (caller === undefined) return undefined;
  const { user, ...options } = caller;
  return server.userToken(user, options);
}

describe(`refusals through HTTP (${testEngine()})`, () => {
  for (const refusal of CASES) {
    test(refusal.name, async () => {
      const reply = await server.graphql(refusal.query, {
        ...(await tokenFor(refusal.caller).then((token) => (token === undefined ? {} : { token }))),
        ...(refusal.variables === undefined ? {} : { variables: refusal.variables }),
      });
      assert.equal(reply.status, refusal.status, reply.text);
      assert.equal(reply.json.data, undefined, 'a refused operation returns no data');
      assert.equal(reply.json.errors?.length, 1, reply.text);
      const [error] = reply.json.errors ?? [];
      assert.equal(error?.message, refusal.message);
      assert.equal(error?.extensions?.code, refusal.code);
      assert.equal(error?.extensions?.reason, refusal.reason);
      for (const [key, value] of Object.entries(refusal.extensions ?? {})) {
        assert.deepEqual(error?.extensions?.[key], value, `extensions.${key}`);
      }
      assert.equal(typeof error?.extensions?.requestId, 'string');
      for (const text of refusal.notEchoed ?? []) assert.ok(!reply.text.includes(text), `echoed ${text}`);
      if (refusal.status === 401) assert.match(String(reply.headers['www-authenticate']), /^Bearer/);
    });
  }

  test('a refused mutation wrote nothing', async () => {
    const grantless = await server.userToken(CAROL, { scopes: ['read:notes'] });
    const refused = await server.graphql('mutation { publish_report(title: "Leak") { id } }', { token: grantless });
    assert.equal(refused.status, 403);
    const rows = await server.database.query<{ n: string }>("SELECT count(*)::text AS n FROM tb_report WHERE title = 'Leak'");
    assert.equal(rows.rows[0]?.n, '0');
  });
});
