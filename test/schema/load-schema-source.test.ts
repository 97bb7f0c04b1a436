import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SchemaAuthoringError } from '../../src/authoring/schema-authoring-error.ts';
import { compileSchema } from '../../src/schema/compile-schema.ts';
import { loadSchemaSource } from '../../src/schema/load-schema-source.ts';
import { SchemaCompileError } from '../../src/schema/schema-compile-error.ts';
import { SchemaSourceError } from '../../src/schema/schema-source-error.ts';
import { FRAISEQL_FIXTURES } from './schema-test-support.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

test('a .json file is read as FraiseQL schema.json', async () => {
  const parsed = await loadSchemaSource(join(FRAISEQL_FIXTURES, 'golden/06-tenant-scoped.json'));
  assert.equal(parsed.ir.types[0]?.name, 'Invoice');
  assert.equal(parsed.ir.types[0]?.tenant_scoped, true);
});

test('a .ts module is imported and its defineSchema default export converted', async () => {
  const parsed = await loadSchemaSource(join(fixtures, 'blog-schema.ts'));
  assert.equal(parsed.ir.queries[0]?.sql_source, 'v_user');
  assert.deepEqual(parsed.ir.queries[0]?.requires_scope, ['read:users']);
  const { schema } = compileSchema(parsed);
  assert.deepEqual(schema.mutations.createUser?.inject, {
    tenant_id: { source: 'jwt', path: ['tenant_id'] },
  });
});

test('a module may also export a plain schema.json object', async () => {
  const parsed = await loadSchemaSource(join(fixtures, 'plain-ir.mjs'));
  assert.equal(parsed.ir.queries[0]?.name, 'tags');
});

test('a missing file is a clear error naming the path', async () => {
  await assert.rejects(loadSchemaSource(join(fixtures, 'missing.ts')), (error: unknown) => {
    assert.ok(error instanceof SchemaSourceError);
    assert.match(error.message, /^Schema file not found: .*missing\.ts/);
    return true;
  });
});

test('a module without a default export is a clear error', async () => {
  await assert.rejects(
    loadSchemaSource(join(fixtures, 'no-default-export.ts')),
    (error: unknown) => {
      assert.ok(error instanceof SchemaSourceError);
      assert.match(
        error.message,
        /has no default export: end it with "export default defineSchema/,
      );
      return true;
    },
  );
});

test('a default export that is not a schema is a clear error', async () => {
  await assert.rejects(loadSchemaSource(join(fixtures, 'not-a-schema.mjs')), /is not a schema/);
});

test('an authoring mistake surfaces with its own message when the module loads', async () => {
  await assert.rejects(
    loadSchemaSource(join(fixtures, 'broken-authoring.ts')),
    (error: unknown) => {
      assert.ok(error instanceof SchemaAuthoringError);
      assert.match(
        error.message,
        /query "tags": inject "tenant_id": "header:x-tenant" is not a supported inject source/,
      );
      return true;
    },
  );
});

test('other extensions and invalid JSON are refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fraiseql-schema-'));
  try {
    await writeFile(join(dir, 'schema.yaml'), 'types: []');
    await assert.rejects(loadSchemaSource(join(dir, 'schema.yaml')), /use a \.json file/);
    await writeFile(join(dir, 'schema.json'), '{"types": [');
    await assert.rejects(loadSchemaSource(join(dir, 'schema.json')), (error: unknown) => {
      assert.ok(error instanceof SchemaCompileError);
      assert.match(error.problems[0]?.message ?? '', /not valid JSON/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
