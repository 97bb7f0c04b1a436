/**
 * One filter budget per request, through the executor: the `where` filters of every root field
 * and alias are summed before anything is built or sent, and a statement the cache already holds
 * counts exactly as one built afresh.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import type { GraphQLSchema } from 'graphql';

import { ANONYMOUS } from '../../src/auth/principal.ts';
import { compileProjectSchema } from '../../src/cli/project-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Database, QueryResult, SqlStatement } from '../../src/db/database.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { VisibleSchemas } from '../../src/graphql/access/visible-schema.ts';
import { buildGraphQLSchema } from '../../src/graphql/build-graphql-schema.ts';
import {
  executeOperation,
  type ExecutorContext,
  type GraphQLResult,
} from '../../src/graphql/execute-operation.ts';
import { PlanCache } from '../../src/graphql/plan-cache.ts';
import { buildRootFieldStatement } from '../../src/graphql/root-field-statement.ts';
import { RootFieldStatementCache } from '../../src/graphql/root-field-statement-cache.ts';
import type { RuntimeCatalog } from '../../src/graphql/runtime-catalog.ts';
import { DEFAULT_DOCUMENT_LIMITS, validationRules } from '../../src/graphql/validation-rules.ts';
import type { CompiledSchema } from '../../src/schema/compiled-schema.ts';
import type { FilterBudget } from '../../src/sql/filter-budget.ts';

let compiled: CompiledSchema;
let schema: GraphQLSchema;

before(async () => {
  const config = loadConfig({ dir: 'examples/blog', env: { JWT_SECRET: 'x'.repeat(40) } });
  compiled = (await compileProjectSchema(config)).schema;
  schema = buildGraphQLSchema(compiled);
});

interface Executor {
  readonly context: ExecutorContext;
  /** Statements built (not taken from the cache). */
  built(): number;
  /** Statements sent to the database. */
  sent(): number;
}

/** An executor over a database that answers every read with no rows, counting what it does. */
function executor(filterBudget?: FilterBudget): Executor {
  let built = 0;
  const sent: SqlStatement[] = [];
  const database = {
    runInRequestTransaction: async (_context: unknown, statements: readonly SqlStatement[]) => {
      sent.push(...statements);
      return statements.map((): QueryResult => ({ rows: [], fields: ['json'] }));
    },
  } as unknown as Database;
  const catalog: RuntimeCatalog = {
    columnsOf: () =>
      new Map([
        ['id', 'uuid'],
        ['data', 'jsonb'],
      ]),
    functionShape: () => {
      throw new Error('no mutation here');
    },
  };
  const context: ExecutorContext = {
    compiled,
    schema,
    plans: new PlanCache({
      schema,
      rules: validationRules(DEFAULT_DOCUMENT_LIMITS),
      maxTokens: DEFAULT_DOCUMENT_LIMITS.maxTokens,
    }),
    database,
    catalog,
    roles: { anonymous: 'fraiseql_anon', authenticated: 'fraiseql_authenticated' },
    statementTimeoutMs: 5000,
    maxPageSize: 1000,
    introspection: false,
    roleScopes: {},
    visibleSchemas: new VisibleSchemas(compiled),
    mapDatabaseError: (error) => new PublicError('INTERNAL', { cause: error }),
    statements: new RootFieldStatementCache((...parameters) => {
      built += 1;
      return buildRootFieldStatement(...parameters);
    }),
    ...(filterBudget === undefined ? {} : { filterBudget }),
  };
  return { context, built: () => built, sent: () => sent.length };
}

function ask(
  { context }: Executor,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResult> {
  return executeOperation(context, { query, variables, method: 'POST' }, ANONYMOUS, 'test-request');
}

/** `{ _or: [...] }` of `count` equality conditions on the title, distinct by `tag`. */
function titles(count: number, tag = 't'): Record<string, unknown> {
  return {
    _or: Array.from({ length: count }, (_, index) => ({ title: { eq: `${tag}${index}` } })),
  };
}

function aliases(count: number): string {
  const fields = Array.from(
    { length: count },
    (_, index) => `a${index}: public_posts(where: $w) { id }`,
  );
  return `query ($w: PostWhereInput) { ${fields.join(' ')} }`;
}

function messageOf(result: GraphQLResult): string {
  const body = JSON.parse(result.body) as { errors?: { message: string }[] };
  return body.errors?.[0]?.message ?? '';
}

test('aliases each within a share of the budget, together over it, are refused before any build', async () => {
  const run = executor();
  const one = await ask(run, aliases(1), { w: titles(70) });
  assert.equal(one.status, 200, one.body);
  const built = run.built();
  const sent = run.sent();

  const three = await ask(run, aliases(3), { w: titles(70) });
  assert.equal(three.status, 400, three.body);
  assert.match(
    messageOf(three),
    /^The where filters of this request hold 210 conditions, more than the 200/,
  );
  assert.match(messageOf(three), /raise \[limits\] max_filter_conditions in fraiseql\.toml\.$/);
  assert.equal(run.built(), built, 'no statement built');
  assert.equal(run.sent(), sent, 'nothing sent');

  const two = await ask(run, aliases(2), { w: titles(100) });
  assert.equal(two.status, 200, 'exactly the budget is answered');
});

test('a statement the cache holds still counts against the request', async () => {
  const run = executor();
  const query =
    'query ($a: PostWhereInput, $b: PostWhereInput) ' +
    '{ a: public_posts(where: $a) { id } b: public_posts(where: $b) { id } }';
  const cached = titles(150, 'a');

  const warm = await ask(run, query, { a: cached, b: titles(1, 'b') });
  assert.equal(warm.status, 200, warm.body);
  const built = run.built();
  const again = await ask(run, query, { a: cached, b: titles(1, 'b') });
  assert.equal(again.status, 200, again.body);
  assert.equal(run.built(), built, 'both statements came from the cache');
  const sent = run.sent();

  // 150 from the cached statement plus 60 new: over, although only 60 would be built.
  const over = await ask(run, query, { a: cached, b: titles(60, 'b') });
  assert.equal(over.status, 400, over.body);
  assert.match(messageOf(over), /hold 210 conditions, more than the 200/);
  assert.equal(run.built(), built);
  assert.equal(run.sent(), sent);
});

test('pattern characters are summed over aliases, and a configured budget is the one enforced', async () => {
  const run = executor({ maxConditions: 10, maxPatternCharacters: 30 });
  const patterns = { _or: [{ title: { contains: 'abcde' } }, { body: { icontains: 'fghij' } }] };

  const three = await ask(run, aliases(3), { w: patterns });
  assert.equal(three.status, 200, three.body);
  const four = await ask(run, aliases(4), { w: patterns });
  assert.equal(four.status, 400, four.body);
  assert.match(messageOf(four), /hold 40 characters, more than the 30 one request may hold/);
  assert.match(messageOf(four), /raise \[limits\] max_pattern_budget in fraiseql\.toml\.$/);

  const eleven = await ask(run, aliases(1), { w: titles(11) });
  assert.match(messageOf(eleven), /hold 11 conditions, more than the 10/);
});
