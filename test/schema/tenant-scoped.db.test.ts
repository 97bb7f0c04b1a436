/**
 * FraiseQL's `tenant_scoped` served for real: test/schema/fixtures/tenant-scoped is golden/06's
 * Invoice (plus a Receipt) with queries and a mutation that inject nothing themselves. Through
 * HTTP, each token sees its own tenant's rows only, whether the view has a tenant_id column
 * (v_invoice) or a row-level security policy reads app.tenant_id (v_receipt); a token without
 * the claim is refused; an operation injecting tenant_id itself wins. Tenant scoping that
 * filters nothing is an error of the database check, so the server does not start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/log/logger.ts';
import {
  checkSchemaAgainstDatabase,
  loadCatalogForSchema,
} from '../../src/schema/check-against-database.ts';
import { compileSchemaJson } from '../../src/schema/compile-schema.ts';
import { prepareServer } from '../../src/server/start-server.ts';
import { checkFixtureProject } from '../fixtures/fixture-project.ts';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/test-server.ts';

const PROJECT = 'test/schema/fixtures/tenant-scoped';
const SUBJECT = '00000000-0000-4000-8000-000000000001';

interface SchemaJson {
  types: Record<string, unknown>[];
  queries: Record<string, unknown>[];
  mutations: Record<string, unknown>[];
}

function projectSchemaJson(): SchemaJson {
  return JSON.parse(readFileSync(join(PROJECT, 'schema.json'), 'utf8')) as SchemaJson;
}

/** A copy of the fixture project serving an edited schema.json over the same migrations. */
function variantProject(edit: (schema: SchemaJson) => void): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-tenant-'));
  const schema = projectSchemaJson();
  edit(schema);
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(schema, null, 2));
  writeFileSync(
    join(dir, 'fraiseql.toml'),
    [
      '[schema]',
      'source = "schema.json"',
      '',
      '[database]',
      `migrations_dir = ${JSON.stringify(resolve(PROJECT, 'migrations'))}`,
      '',
      '[auth]',
      'jwt_secret = "${JWT_SECRET}"',
      '',
    ].join('\n'),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function rowsOf(response: GraphQLResponse, field: string): Record<string, unknown>[] {
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.errors, undefined, response.text);
  const rows = response.body.data?.[field];
  assert.ok(Array.isArray(rows), response.text);
  return rows as Record<string, unknown>[];
}

function idsOf(response: GraphQLResponse, field: string): string[] {
  return rowsOf(response, field)
    .map((row) => String(row.id))
    .sort();
}

describe('tenant_scoped operations inject tenant_id from jwt:tenant_id', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ projectDir: PROJECT });
  });
  after(async () => {
    await server?.close();
  });

  test('the schema compiles with the injection and matches the database', async () => {
    const findings = await checkFixtureProject(PROJECT, server.database.db);
    assert.deepEqual(findings, { warnings: [], ignored: [], problems: [] });
  });

  test('a view with a tenant_id column: each token reads its own tenant only', async () => {
    const acme = await server.token({ sub: SUBJECT, tenant_id: 'acme' });
    const globex = await server.token({ sub: SUBJECT, tenant_id: 'globex' });
    const query = '{ invoices { id amount tenant_id } }';

    const forAcme = rowsOf(await server.graphql(query, { token: acme }), 'invoices');
    assert.deepEqual(forAcme.map((row) => row.tenant_id), ['acme', 'acme']);
    assert.deepEqual(idsOf(await server.graphql(query, { token: globex }), 'invoices'), [
      '00000000-0000-4000-8000-00000000b001',
    ]);

    // A where naming another tenant cannot widen what the injected tenant allows.
    const widened = await server.graphql(
      '{ invoices(where: {tenant_id: {eq: "globex"}}) { id } }',
      { token: acme },
    );
    assert.deepEqual(idsOf(widened, 'invoices'), []);
    // Another tenant's row by id is not found.
    const other = await server.graphql(
      '{ invoice(id: "00000000-0000-4000-8000-00000000b001") { id } }',
      { token: acme },
    );
    assert.equal(other.status, 200, other.text);
    assert.equal(other.body.data?.invoice, null, other.text);
  });

  test('a view without the column: the policy reading app.tenant_id scopes it', async () => {
    const acme = await server.token({ sub: SUBJECT, tenant_id: 'acme' });
    const globex = await server.token({ sub: SUBJECT, tenant_id: 'globex' });
    assert.deepEqual(
      idsOf(await server.graphql('{ receipts { id } }', { token: acme }), 'receipts'),
      ['00000000-0000-4000-8000-00000000c001'],
    );
    assert.deepEqual(
      idsOf(await server.graphql('{ receipts { id } }', { token: globex }), 'receipts'),
      ['00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000d002'],
    );
  });

  test('a token without tenant_id is refused, never served with a NULL tenant', async () => {
    const token = await server.token({ sub: SUBJECT });
    for (const field of ['invoices', 'receipts']) {
      const response = await server.graphql(`{ ${field} { id } }`, { token });
      assert.equal(response.body.data?.[field] ?? null, null, response.text);
      const [error] = response.body.errors ?? [];
      assert.equal(error?.extensions?.reason, 'MISSING_INJECT_CLAIM', response.text);
      assert.match(error?.message ?? '', /needs the token claim 'tenant_id'/);
    }
  });

  test('the mutation writes to the caller tenant through p_tenant_id', async () => {
    const globex = await server.token({ sub: SUBJECT, tenant_id: 'globex' });
    const created = await server.graphql('mutation { addInvoice(amount: 42) { id tenant_id } }', {
      token: globex,
    });
    assert.equal(created.status, 200, created.text);
    const invoice = created.body.data?.addInvoice as { id: string; tenant_id: string } | undefined;
    assert.equal(invoice?.tenant_id, 'globex', created.text);

    const acme = await server.token({ sub: SUBJECT, tenant_id: 'acme' });
    const forAcme = await server.graphql('{ invoices { id } }', { token: acme });
    assert.ok(!idsOf(forAcme, 'invoices').includes(invoice.id));

    const without = await server.graphql('mutation { addInvoice(amount: 1) { id } }', {
      token: await server.token({ sub: SUBJECT }),
    });
    const [refusal] = without.body.errors ?? [];
    assert.equal(refusal?.extensions?.reason, 'MISSING_INJECT_CLAIM', without.text);
  });
});

describe('an operation injecting tenant_id itself', () => {
  let variant: { dir: string; remove(): void };
  let server: TestServer;
  before(async () => {
    variant = variantProject((schema) => {
      // Every query injecting tenant_id must read it from the same claim (it is one setting).
      for (const query of schema.queries) query.inject_params = { tenant_id: 'jwt:org_id' };
    });
    server = await startTestServer({ projectDir: variant.dir });
  });
  after(async () => {
    await server?.close();
    variant?.remove();
  });

  test('reads the tenant from its own claim, not jwt:tenant_id', async () => {
    const token = await server.token({ sub: SUBJECT, tenant_id: 'acme', org_id: 'globex' });
    assert.deepEqual(idsOf(await server.graphql('{ invoices { id } }', { token }), 'invoices'), [
      '00000000-0000-4000-8000-00000000b001',
    ]);
    assert.equal(
      idsOf(await server.graphql('{ receipts { id } }', { token }), 'receipts').length,
      2,
    );

    const onlyTenant = await server.token({ sub: SUBJECT, tenant_id: 'acme' });
    const refused = await server.graphql('{ invoices { id } }', { token: onlyTenant });
    const [error] = refused.body.errors ?? [];
    assert.equal(error?.extensions?.reason, 'MISSING_INJECT_CLAIM', refused.text);
    assert.match(error?.message ?? '', /claim 'org_id'/);
  });
});

describe('tenant scoping that scopes nothing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ projectDir: PROJECT });
  });
  after(async () => {
    await server?.close();
  });

  function unscoped(): SchemaJson {
    const schema = projectSchemaJson();
    const invoices = schema.queries.find((query) => query.name === 'invoices');
    assert.ok(invoices !== undefined);
    invoices.sql_source = 'v_invoice_unscoped';
    const addInvoice = schema.mutations[0];
    assert.ok(addInvoice !== undefined);
    addInvoice.sql_source = 'fn_add_invoice_untenanted';
    return schema;
  }

  test('is an error of the database check, for the query and for the mutation', async () => {
    const { schema } = compileSchemaJson(unscoped());
    const catalog = await loadCatalogForSchema(server.database.db, schema, {
      anon: 'fraiseql_anon',
      authenticated: 'fraiseql_authenticated',
    });
    const problems = checkSchemaAgainstDatabase(schema, catalog);
    const errors = problems.filter((problem) => problem.severity === 'error');
    assert.deepEqual(
      errors.map((problem) => problem.operation),
      ['query invoices', 'mutation addInvoice'],
      JSON.stringify(problems, null, 2),
    );
    assert.match(
      errors[0]?.message ?? '',
      /^Invoice is tenant_scoped, so tenant_id is injected from the token .* Nothing filters the rows of query invoices by the injected claim tenant_id: view public\.v_invoice_unscoped has no tenant_id column/,
    );
    assert.match(
      errors[1]?.message ?? '',
      /fn_add_invoice_untenanted\(double precision\) has no parameter tenant_id or p_tenant_id.*Add a parameter p_tenant_id/,
    );

    // An inject nothing reads on an operation that is not tenant-scoped stays a warning.
    const plain = unscoped();
    for (const type of plain.types) delete type.tenant_scoped;
    for (const query of plain.queries) query.inject_params = { tenant_id: 'jwt:tenant_id' };
    const compiled = compileSchemaJson(plain).schema;
    const relaxed = checkSchemaAgainstDatabase(
      compiled,
      await loadCatalogForSchema(server.database.db, compiled),
    ).filter((problem) => problem.operation === 'query invoices');
    assert.deepEqual(
      relaxed.map((problem) => problem.severity),
      ['warning'],
    );
  });

  test('stops the server from starting', async () => {
    const variant = variantProject((schema) => Object.assign(schema, unscoped()));
    try {
      const config = loadConfig({
        dir: variant.dir,
        env: { JWT_SECRET: 'test-secret-for-fraiseql-ts-only-0123456789abcdef' },
      });
      const { schema } = compileSchemaJson(unscoped());
      await assert.rejects(
        prepareServer({
          config,
          schema,
          logger: createLogger({ level: 'silent' }),
          database: server.database.db,
        }),
        /The schema does not match the database \(2 problems\):[\s\S]*query invoices: Invoice is tenant_scoped/,
      );
    } finally {
      variant.remove();
    }
  });
});
