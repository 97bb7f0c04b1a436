/**
 * Compiling FraiseQL's `tenant_scoped` (golden/06): every operation returning a tenant-scoped
 * type injects `tenant_id` from the token, and what would leave it unscoped is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileSchemaJson } from '../../src/schema/compile-schema.ts';
import { assertProblem, fixture, problemsOf } from './schema-test-support.ts';

/** golden/06 with operations over its tenant-scoped Invoice, as a test adds them. */
function tenantScopedSchema(): {
  types: Record<string, unknown>[];
  queries: Record<string, unknown>[];
  mutations: Record<string, unknown>[];
  inject_defaults?: Record<string, unknown>;
} {
  const document = fixture('golden/06-tenant-scoped.json') as {
    types: Record<string, unknown>[];
    queries: Record<string, unknown>[];
    mutations: Record<string, unknown>[];
  };
  document.queries.push(
    { name: 'invoices', return_type: 'Invoice', returns_list: true, nullable: false },
    {
      name: 'invoice',
      return_type: 'Invoice',
      returns_list: false,
      nullable: true,
      arguments: [{ name: 'id', type: 'ID', nullable: false }],
    },
  );
  document.mutations.push({
    name: 'addInvoice',
    return_type: 'Invoice',
    sql_source: 'fn_add_invoice',
    arguments: [{ name: 'amount', type: 'Float', nullable: false }],
  });
  return document;
}

const FROM_TENANT_CLAIM = { tenant_id: { source: 'jwt', path: ['tenant_id'] } };

test('golden/06: tenant_scoped is acted on, not ignored, and the compiled type records it', () => {
  const { schema, ignoredKeys } = compileSchemaJson(fixture('golden/06-tenant-scoped.json'));
  assert.deepEqual(ignoredKeys, []);
  assert.equal(schema.types.Invoice?.tenantScoped, true);
  // Types that are not tenant-scoped compile as before: no key, so the same hash.
  const plain = compileSchemaJson(fixture('conformance/minimal.json')).schema;
  assert.equal('tenantScoped' in (plain.types.User ?? {}), false);
});

test('golden/06: each query and mutation returning Invoice injects tenant_id from the token', () => {
  const { schema } = compileSchemaJson(tenantScopedSchema());
  assert.deepEqual(schema.queries.invoices?.inject, FROM_TENANT_CLAIM);
  assert.deepEqual(schema.queries.invoice?.inject, FROM_TENANT_CLAIM);
  assert.deepEqual(schema.mutations.addInvoice?.inject, FROM_TENANT_CLAIM);
});

test('an operation injecting tenant_id itself wins over tenant scoping; other keys add', () => {
  const document = tenantScopedSchema();
  for (const query of document.queries) query.inject_params = { tenant_id: 'jwt:org.id' };
  Object.assign(document.mutations[0] ?? {}, { inject_params: { user_id: 'jwt:sub' } });
  const { schema } = compileSchemaJson(document);
  const fromOrg = { tenant_id: { source: 'jwt', path: ['org', 'id'] } };
  assert.deepEqual(schema.queries.invoices?.inject, fromOrg);
  assert.deepEqual(schema.queries.invoice?.inject, fromOrg);
  assert.deepEqual(schema.mutations.addInvoice?.inject, {
    ...FROM_TENANT_CLAIM,
    user_id: { source: 'jwt', path: ['sub'] },
  });

  // FraiseQL's order: the operation, then tenant scoping, then inject_defaults.
  const defaults = tenantScopedSchema();
  defaults.inject_defaults = { base: { tenant_id: 'jwt:org_id' } };
  assert.deepEqual(compileSchemaJson(defaults).schema.queries.invoices?.inject, FROM_TENANT_CLAIM);
});

test('tenant scoping is refused on public operations and beside a tenant_id argument', () => {
  const document = tenantScopedSchema();
  Object.assign(document.queries[0] ?? {}, { public: true });
  Object.assign(document.queries[1] ?? {}, {
    arguments: [{ name: 'tenant_id', type: 'String', nullable: false }],
  });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(
    problems,
    'queries[invoices].public',
    /cannot return "Invoice", which is tenant_scoped: its rows are filtered by the caller's tenant_id claim/,
  );
  assertProblem(
    problems,
    'types[Invoice].tenant_scoped.tenant_id',
    /"tenant_id" is both injected and an argument of query "invoice"/,
  );
});

test('a tenant-scoped type reached through a type that is not gets a warning on the field', () => {
  const document = tenantScopedSchema();
  document.types.push({
    name: 'Customer',
    sql_source: 'v_customer',
    fields: [
      { name: 'id', type: 'ID', nullable: false },
      { name: 'invoices', type: '[Invoice!]', nullable: false },
    ],
  });
  const { warnings } = compileSchemaJson(document);
  assert.ok(
    warnings.some((warning) =>
      /^types\[Customer\]\.fields\[invoices\]: Invoice is tenant_scoped but Customer is not/.test(
        warning,
      ),
    ),
    warnings.join('\n'),
  );
});

test('misspellings of tenant_scoped are refused; tenant_scoped on an operation is refused', () => {
  const document = tenantScopedSchema();
  const [invoice] = document.types;
  assert.ok(invoice !== undefined);
  delete invoice.tenant_scoped;
  invoice.tenantScoped = true;
  Object.assign(document.queries[0] ?? {}, { tenant_scoped: true });
  const problems = problemsOf(() => compileSchemaJson(document));
  assertProblem(problems, 'types[Invoice].tenantScoped', /write "tenant_scoped"/);
  assertProblem(problems, 'queries[invoices].tenant_scoped', /applies to types/);
});
