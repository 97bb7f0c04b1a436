/**
 * The SQL of each root field is cached beside its plan: a repeated request is not built again,
 * every caller gets the same text with its own claim values bound, and anything that changes
 * the SQL (arguments, masking, where-authorization) is its own entry or is re-checked.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import type { SqlStatement } from '../../src/db/database.ts';
import { PublicError } from '../../src/errors/public-error.ts';
import { argumentsKey } from '../../src/graphql/arguments-key.ts';
import type { ExecutorContext } from '../../src/graphql/execute-operation.ts';
import type { InjectedValue } from '../../src/graphql/inject-values.ts';
import type { OperationPlan } from '../../src/graphql/operation-plan.ts';
import { buildRootFieldStatement } from '../../src/graphql/root-field-statement.ts';
import {
  DEFAULT_STATEMENT_CACHE_LIMITS,
  DEFAULT_STATEMENTS_PER_FIELD,
  RootFieldStatementCache,
  type RootFieldStatementBuilder,
  type SqlRootField,
} from '../../src/graphql/root-field-statement-cache.ts';
import type { RuntimeCatalog } from '../../src/graphql/runtime-catalog.ts';
import { compileProjectSchema } from '../../src/cli/project-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { CompiledSchema } from '../../src/schema/compiled-schema.ts';
import type { FieldAuthorizer } from '../../src/sql/field-authorizer.ts';
import type { FunctionParameter } from '../../src/sql/function-shape.ts';
import type { SelectedField } from '../../src/sql/selection.ts';

const ALICE = '11111111-1111-1111-1111-111111111111';
const BOB = '22222222-2222-2222-2222-222222222222';

let compiled: CompiledSchema;

before(async () => {
  const config = loadConfig({ dir: 'examples/blog', env: { JWT_SECRET: 'x'.repeat(40) } });
  compiled = (await compileProjectSchema(config)).schema;
});

/** The builder's inputs: v_user_post has a user_id column, so the injected sub filters on it. */
function contextWith(userIdType = 'uuid'): ExecutorContext {
  const columns = new Map([
    ['id', 'uuid'],
    ['user_id', 'uuid'],
    ['data', 'jsonb'],
  ]);
  const parameters: FunctionParameter[] = [
    { name: 'p_title', type: 'text' },
    { name: 'p_body', type: 'text' },
    { name: 'p_published', type: 'boolean' },
    { name: 'p_user_id', type: userIdType },
  ];
  const catalog: RuntimeCatalog = {
    columnsOf: (source) => (source.name === 'v_user_post' ? columns : new Map()),
    functionShape: (name) => ({ name, parameters, returns: 'mutation_response' }),
  };
  // The builder reads only these three; the rest of the context is the executor's business.
  return { compiled, catalog, maxPageSize: 100 } as unknown as ExecutorContext;
}

/** A plan is only a WeakMap key to the cache. */
function newPlan(): OperationPlan {
  return {} as unknown as OperationPlan;
}

const TITLE: SelectedField = { kind: 'scalar', responseKey: 'title', storageKey: 'title', scalar: 'String', isList: false };
const BODY: SelectedField = { kind: 'scalar', responseKey: 'body', storageKey: 'body', scalar: 'String', isList: false };

function userPosts(args: Record<string, unknown> = {}, selection: readonly SelectedField[] = [TITLE, BODY]): SqlRootField {
  const query = compiled.queries.user_posts;
  assert.ok(query !== undefined);
  return { kind: 'query', responseKey: 'user_posts', query, args, selection };
}

function createPost(title: string): SqlRootField {
  const mutation = compiled.mutations.create_post;
  assert.ok(mutation !== undefined);
  return { kind: 'mutation', responseKey: 'create_post', mutation, args: { title, body: 'b' }, selection: [TITLE] };
}

function sub(value: string): InjectedValue[] {
  return [{ name: 'user_id', value }];
}

const allowAll: FieldAuthorizer = () => undefined;

/** The real builder, counted. */
function counting(): { builder: RootFieldStatementBuilder; calls: () => number } {
  let calls = 0;
  return {
    builder: (...parameters) => {
      calls += 1;
      return buildRootFieldStatement(...parameters);
    },
    calls: () => calls,
  };
}

test('a second identical request is not built again and gives the same statement', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith();
  const plan = newPlan();

  const first = cache.statementFor(context, plan, userPosts({ limit: 5 }), sub(ALICE), allowAll);
  const built = calls();
  const second = cache.statementFor(context, plan, userPosts({ limit: 5 }), sub(ALICE), allowAll);

  assert.equal(calls(), built, 'no builder call on a hit');
  assert.deepEqual(second, first);
  assert.deepEqual(first, buildRootFieldStatement(context, userPosts({ limit: 5 }), sub(ALICE), allowAll));
  assert.equal(cache.sizeOf(plan, 'user_posts'), 1);
});

test('a field without injected claims is built once on a miss, then served from the cache', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith();
  const plan = newPlan();

  const first = cache.statementFor(context, plan, userPosts({ limit: 3 }), [], allowAll);
  assert.equal(calls(), 1, 'nothing to substitute, so no second build with other sentinels');
  const second = cache.statementFor(context, plan, userPosts({ limit: 3 }), [], allowAll);
  assert.equal(calls(), 1);
  assert.deepEqual(second, first);
  assert.deepEqual(first, buildRootFieldStatement(context, userPosts({ limit: 3 }), [], allowAll));
});

test('two subjects share the cached text and each gets its own injected value', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith();
  const plan = newPlan();

  const alice = cache.statementFor(context, plan, userPosts(), sub(ALICE), allowAll);
  const built = calls();
  const bob = cache.statementFor(context, plan, userPosts(), sub(BOB), allowAll);
  const aliceAgain = cache.statementFor(context, plan, userPosts(), sub(ALICE), allowAll);

  assert.equal(calls(), built);
  assert.equal(bob.text, alice.text);
  assert.ok(alice.values.includes(ALICE) && !alice.values.includes(BOB));
  assert.ok(bob.values.includes(BOB) && !bob.values.includes(ALICE));
  assert.deepEqual(aliceAgain, alice, "binding Bob's value did not change the cached statement");
  assert.deepEqual(bob, buildRootFieldStatement(context, userPosts(), sub(BOB), allowAll));
  for (const statement of [alice, bob]) {
    assert.ok(!statement.values.some((value) => typeof value === 'string' && value.includes('fraiseql-injected')));
  }
});

test('different arguments and different masking are different entries', () => {
  const cache = new RootFieldStatementCache();
  const context = contextWith();
  const plan = newPlan();

  const five = cache.statementFor(context, plan, userPosts({ limit: 5 }), sub(ALICE), allowAll);
  const six = cache.statementFor(context, plan, userPosts({ limit: 6 }), sub(ALICE), allowAll);
  assert.equal(cache.sizeOf(plan, 'user_posts'), 2);
  assert.notDeepEqual(six.values, five.values);

  const masked = cache.statementFor(
    context,
    plan,
    userPosts({ limit: 5 }, [TITLE, { kind: 'masked', responseKey: 'body' }]),
    sub(ALICE),
    allowAll,
  );
  assert.equal(cache.sizeOf(plan, 'user_posts'), 3);
  assert.notEqual(masked.text, five.text);
  assert.ok(!masked.text.includes(`->>'body'`), 'the masked field is not read');
  assert.ok(five.text.includes(`->>'body'`));
});

test('the where-authorization is re-checked for every caller on a hit', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith();
  const plan = newPlan();
  const field = userPosts({ where: { title: { eq: 'x' } } });
  const checked: string[] = [];
  const recording: FieldAuthorizer = (_owner, _target, path) => void checked.push(path);
  const refusing: FieldAuthorizer = () => {
    throw new PublicError('INSUFFICIENT_SCOPE');
  };

  cache.statementFor(context, plan, field, sub(ALICE), allowAll);
  const built = calls();
  cache.statementFor(context, plan, field, sub(ALICE), recording);
  assert.deepEqual(checked, ['where.title']);
  assert.throws(() => cache.statementFor(context, plan, field, sub(BOB), refusing), /INSUFFICIENT_SCOPE|scope/i);
  assert.equal(calls(), built);
});

test('an argument filtering on a field is re-authorized for every caller on a hit', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith();
  const plan = newPlan();
  const query = compiled.queries.user_by_email;
  assert.ok(query !== undefined);
  const field: SqlRootField = {
    kind: 'query',
    responseKey: 'user_by_email',
    query,
    args: { email: 'bob@example.com' },
    selection: [
      { kind: 'scalar', responseKey: 'id', storageKey: 'id', scalar: 'ID', isList: false },
    ],
  };
  const checked: string[] = [];
  const recording: FieldAuthorizer = (owner, target, path) => {
    checked.push(`${owner.name}.${target.field.name} ${path}`);
  };
  const refusing: FieldAuthorizer = () => {
    throw new PublicError('INSUFFICIENT_SCOPE');
  };

  cache.statementFor(context, plan, field, [], allowAll);
  const built = calls();
  cache.statementFor(context, plan, field, [], recording);
  assert.deepEqual(checked, ['User.email email']);
  assert.throws(
    () => cache.statementFor(context, plan, field, [], refusing),
    /INSUFFICIENT_SCOPE|scope/i,
  );
  assert.equal(calls(), built);
});

test('a root field keeps at most its bound of statements, least recently used out', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder, 3);
  const context = contextWith();
  const plan = newPlan();
  const ask = (limit: number): SqlStatement =>
    cache.statementFor(context, plan, userPosts({ limit }), sub(ALICE), allowAll);

  for (const limit of [1, 2, 3, 4, 5]) ask(limit);
  assert.equal(cache.sizeOf(plan, 'user_posts'), 3);

  const built = calls();
  ask(5);
  assert.equal(calls(), built, 'a recent entry is kept');
  ask(1);
  assert.ok(calls() > built, 'the oldest entry was evicted and is built again');
  assert.equal(cache.sizeOf(plan, 'user_posts'), 3);
});

test('a statement with large arguments is built for its request and never kept', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith();
  const plan = newPlan();

  for (let request = 0; request < 50; request += 1) {
    // 200 KB each, as an attacker's variable: { where: { title: { eq: $big } } }.
    const big = `${request}${'x'.repeat(200_000)}`;
    const field = userPosts({ where: { title: { eq: big } } });
    const statement = cache.statementFor(context, plan, field, sub(ALICE), allowAll);
    assert.deepEqual(statement, buildRootFieldStatement(context, field, sub(ALICE), allowAll));
  }
  assert.equal(calls(), 50, 'built once per request, without the sentinel builds');
  assert.equal(cache.size, 0);
  assert.equal(cache.accountedSize, 0);
  assert.equal(cache.sizeOf(plan, 'user_posts'), 0);

  // Just under the argument limit, a statement is still kept.
  const fits = userPosts({ where: { title: { eq: 'y'.repeat(3000) } } });
  cache.statementFor(context, plan, fits, sub(ALICE), allowAll);
  const built = calls();
  cache.statementFor(context, plan, fits, sub(BOB), allowAll);
  assert.equal(calls(), built, 'a hit');
  assert.equal(cache.size, 1);
});

test('the statements of every plan and field share one size budget', () => {
  const maxSize = 256 * 1024;
  const cache = new RootFieldStatementCache(buildRootFieldStatement, 32, { maxSize });
  const context = contextWith();
  const plans = Array.from({ length: 20 }, newPlan);
  const aliases = Array.from({ length: 30 }, (_, index) => `a${index}`);

  let requests = 0;
  for (const plan of plans) {
    for (let variant = 0; variant < 4; variant += 1) {
      for (const alias of aliases) {
        const value = `${requests}:${'v'.repeat(3500)}`;
        const field = { ...userPosts({ where: { title: { eq: value } } }), responseKey: alias };
        const statement = cache.statementFor(context, plan, field, sub(ALICE), allowAll);
        assert.ok(statement.values.includes(value));
        requests += 1;
        assert.ok(cache.accountedSize <= maxSize, `${cache.accountedSize} bytes after ${requests}`);
      }
    }
  }
  assert.ok(cache.size > 0 && cache.size < requests, `${cache.size} of ${requests} kept`);
  // Each kept statement holds its 3.5 KB value (7 KB accounted): the budget, not a count, binds.
  assert.ok(cache.size <= maxSize / 7000, `${cache.size} statements`);

  // A field's index never lists a statement the budget evicted.
  const kept = plans.reduce(
    (sum, plan) => sum + aliases.reduce((inner, alias) => inner + cache.sizeOf(plan, alias), 0),
    0,
  );
  assert.equal(kept, cache.size);
});

test('the default budget holds against many large requests', () => {
  const cache = new RootFieldStatementCache();
  const context = contextWith();
  for (let plan = 0; plan < 40; plan += 1) {
    const current = newPlan();
    for (let alias = 0; alias < 30; alias += 1) {
      for (let variant = 0; variant < 40; variant += 1) {
        const value = `${plan}.${alias}.${variant}:${'w'.repeat(4000)}`;
        const field = {
          ...userPosts({ where: { title: { eq: value } } }),
          responseKey: `a${alias}`,
        };
        cache.statementFor(context, current, field, sub(ALICE), allowAll);
      }
      assert.ok(cache.sizeOf(current, `a${alias}`) <= DEFAULT_STATEMENTS_PER_FIELD);
    }
  }
  const { maxSize } = DEFAULT_STATEMENT_CACHE_LIMITS;
  assert.ok(cache.accountedSize <= maxSize, `${cache.accountedSize}`);
});

test('mutations are cached, and each caller binds its own injected value', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith();
  const plan = newPlan();

  const alice = cache.statementFor(context, plan, createPost('t'), sub(ALICE), allowAll);
  const built = calls();
  const bob = cache.statementFor(context, plan, createPost('t'), sub(BOB), allowAll);
  assert.equal(calls(), built);
  assert.equal(bob.text, alice.text);
  assert.deepEqual(bob, buildRootFieldStatement(context, createPost('t'), sub(BOB), allowAll));
});

test('a claim the builder re-encodes (a jsonb parameter) is never cached', () => {
  const { builder, calls } = counting();
  const cache = new RootFieldStatementCache(builder);
  const context = contextWith('jsonb');
  const plan = newPlan();

  const alice = cache.statementFor(context, plan, createPost('t'), sub(ALICE), allowAll);
  const afterFirst = calls();
  const bob = cache.statementFor(context, plan, createPost('t'), sub(BOB), allowAll);

  assert.ok(calls() > afterFirst, 'built again for the second caller');
  assert.deepEqual(alice, buildRootFieldStatement(context, createPost('t'), sub(ALICE), allowAll));
  assert.deepEqual(bob, buildRootFieldStatement(context, createPost('t'), sub(BOB), allowAll));
  assert.ok(bob.values.includes(JSON.stringify(BOB)));
});

test("a claim value the builder refuses gets the builder's error, not a cached statement", () => {
  const cache = new RootFieldStatementCache();
  const context = contextWith();
  const plan = newPlan();
  cache.statementFor(context, plan, userPosts(), sub(ALICE), allowAll);
  assert.throws(() => cache.statementFor(context, plan, userPosts(), sub('a\u0000b'), allowAll), /NUL/);
});

test('argument keys tell apart what JSON text would blur, and refuse what they cannot key', () => {
  assert.notEqual(argumentsKey({ a: undefined }), argumentsKey({}));
  assert.notEqual(argumentsKey(['1']), argumentsKey([1]));
  assert.equal(argumentsKey({ at: new Date(0) }), undefined);
  assert.equal(argumentsKey({ n: Number.NaN }), undefined);
  assert.equal(argumentsKey({ n: 10n }), undefined);
  assert.equal(argumentsKey({ a: [1, { b: null }] }), '{"a":[1,{"b":null}]}');
});

test('an argument key longer than asked for is not written out', () => {
  const value = { where: { title: { eq: 'x'.repeat(100) } } };
  const key = argumentsKey(value);
  assert.ok(key !== undefined);
  assert.equal(argumentsKey(value, key.length), key);
  assert.equal(argumentsKey(value, key.length - 1), undefined);
  assert.equal(argumentsKey({ list: Array.from({ length: 1000 }, () => 'ab') }, 50), undefined);
  assert.equal(argumentsKey({ text: 'x'.repeat(1_000_000) }, 4096), undefined);
});
