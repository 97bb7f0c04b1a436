/**
 * The fraiseql-ts command as a user runs it, for the subcommands that need no database:
 * `--help`, `init`, `compile` (without --database) and `token issue`/`token inspect`.
 * Each runs `node bin/fraiseql-ts.js` in a scratch project under the git-ignored tmp/ folder.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, runCli, scratchProject, type ScratchProject } from './run-cli.ts';

const SECRET = 'cli-test-secret-0123456789abcdef0123456789abcdef';
const ALICE = '11111111-1111-1111-1111-111111111111';

describe('--help', () => {
  const cases: readonly [readonly string[], string, readonly string[]][] = [
    [
      ['--help'],
      'Usage: fraiseql-ts [options] [command]',
      ['init', 'serve', 'compile', 'migrate', 'token'],
    ],
    [['init', '--help'], 'Usage: fraiseql-ts init [options] [dir]', ['--force']],
    [
      ['serve', '--help'],
      'Usage: fraiseql-ts serve [options]',
      ['--port', '--host', '--no-migrate', '--dir'],
    ],
    [
      ['compile', '--help'],
      'Usage: fraiseql-ts compile [options]',
      ['--database', '--check', '--output'],
    ],
    [['migrate', '--help'], 'Usage: fraiseql-ts migrate [options]', ['--dir']],
    [['token', '--help'], 'Usage: fraiseql-ts token [options] [command]', ['issue', 'inspect']],
    [
      ['token', 'issue', '--help'],
      'Usage: fraiseql-ts token issue [options]',
      ['--sub', '--scope', '--ttl', '--claim'],
    ],
    [
      ['token', 'inspect', '--help'],
      'Usage: fraiseql-ts token inspect [options] <token>',
      ['--json'],
    ],
  ];

  test('every subcommand prints its usage and options, exit 0', async () => {
    const results = await Promise.all(cases.map(([args]) => runCli(args, { cwd: ROOT })));
    results.forEach((result, index) => {
      const [args, usage, mentions] = cases[index] ?? [[], '', []];
      const label = args.join(' ');
      assert.equal(result.code, 0, `${label}: ${result.stderr}`);
      assert.ok(result.stdout.startsWith(usage), `${label}: ${result.stdout}`);
      for (const mention of mentions)
        assert.ok(result.stdout.includes(mention), `${label} mentions ${mention}`);
    });
  });

  test('--version prints the package version', async () => {
    const result = await runCli(['--version'], { cwd: ROOT });
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), manifest.version);
  });

  test('token issue without a project or JWT_SECRET is refused, naming --dir', async () => {
    const scratch = scratchProject('empty');
    try {
      const result = await runCli(['token', 'issue', '--sub', 'someone'], { cwd: scratch.dir });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /No fraiseql\.toml in .*pass --dir <project>/);
      assert.equal(existsSync(join(scratch.dir, '.fraiseql')), false, 'no secret may be made up');
    } finally {
      scratch.remove();
    }
  });

  test('token inspect --json without a project says so in JSON on stdout', async () => {
    const scratch = scratchProject('empty');
    try {
      const result = await runCli(['token', 'inspect', '--json', 'x.y.z'], { cwd: scratch.dir });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, '');
      const parsed = JSON.parse(result.stdout) as { accepted: boolean; error: string };
      assert.equal(parsed.accepted, false);
      assert.match(parsed.error, /No fraiseql\.toml in .*pass --dir <project>/);
    } finally {
      scratch.remove();
    }
  });

  test('an unknown subcommand is an error with exit 1', async () => {
    const result = await runCli(['serv'], { cwd: ROOT });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /unknown command 'serv'/);
  });
});

describe('init', () => {
  let scratch: ScratchProject;
  before(() => {
    scratch = scratchProject('empty');
  });
  after(() => scratch?.remove());

  const expectedFiles = ['.gitignore', 'fraiseql.toml', 'migrations', 'schema.ts'];

  test('creates the project files in a new directory', async () => {
    const target = join(scratch.dir, 'new-project');
    const result = await runCli(['init', target], { cwd: scratch.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Created a fraiseql-ts project in/);
    assert.deepEqual(readdirSync(target).sort(), expectedFiles);
    const migrations = readdirSync(join(ROOT, 'examples', 'blog', 'migrations')).filter((name) =>
      name.endsWith('.sql'),
    );
    assert.deepEqual(readdirSync(join(target, 'migrations')).sort(), migrations.sort());
    assert.equal(
      readFileSync(join(target, 'schema.ts'), 'utf8'),
      readFileSync(join(ROOT, 'examples', 'blog', 'schema.ts'), 'utf8'),
    );
    const toml = readFileSync(join(target, 'fraiseql.toml'), 'utf8');
    assert.match(toml, /^\[project\]\nname = "new-project"$/m);
    assert.doesNotMatch(toml, /name = "blog"|The bundled example/);
  });

  test('the new project compiles as it is', async () => {
    const result = await runCli(['compile', '--check'], { cwd: join(scratch.dir, 'new-project') });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /5 queries, 2 mutations/);
  });

  test('outside any npm package it writes an ESM package.json that depends on this checkout', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'fraiseql-init-'));
    try {
      const target = join(outside, 'My API');
      const result = await runCli(['init', target], { cwd: outside });
      assert.equal(result.code, 0, result.stderr);
      const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as {
        name: string;
        type: string;
        dependencies: Record<string, string>;
      };
      assert.equal(manifest.type, 'module');
      assert.equal(manifest.name, 'my-api');
      assert.equal(manifest.dependencies['fraiseql-ts'], `file:${ROOT.replace(/\/$/, '')}`);
      assert.match(result.stdout, /npm install {2,}# installs fraiseql-ts from /);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('refuses a directory that is not empty, and changes nothing', async () => {
    const target = join(scratch.dir, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine');
    const result = await runCli(['init', target], { cwd: scratch.dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /is not empty\. Choose an empty directory, or pass --force/);
    assert.deepEqual(readdirSync(target), ['notes.txt']);
  });

  test('--force adds the files but never overwrites one', async () => {
    const target = join(scratch.dir, 'forced');
    mkdirSync(target);
    writeFileSync(join(target, 'fraiseql.toml'), '# my own\n');
    const result = await runCli(['init', target, '--force'], { cwd: scratch.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Kept existing files:\n {2}fraiseql\.toml/);
    assert.equal(readFileSync(join(target, 'fraiseql.toml'), 'utf8'), '# my own\n');
    assert.ok(existsSync(join(target, 'schema.ts')));
  });
});

describe('compile', () => {
  let project: ScratchProject;
  before(() => {
    project = scratchProject('blog');
  });
  after(() => project?.remove());

  const compiled = (): string => join(project.dir, 'schema.compiled.json');
  const schemaJson = (): string => join(project.dir, 'schema.json');

  test('writes schema.compiled.json and the FraiseQL schema.json', async () => {
    const result = await runCli(['compile'], { cwd: project.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Compiled schema\.ts: 4 types, 5 queries, 2 mutations\./);
    assert.match(result.stdout, /Wrote schema\.compiled\.json \(hash [0-9a-f]+\)\./);
    assert.match(result.stdout, /Wrote schema\.json \(FraiseQL schema\.json format\)\./);

    const written = JSON.parse(readFileSync(compiled(), 'utf8')) as {
      contentHash: string;
      queries: object;
    };
    assert.deepEqual(Object.keys(written.queries).sort(), [
      'posts',
      'public_posts',
      'user_by_email',
      'user_posts',
      'users',
    ]);
    assert.ok(result.stdout.includes(written.contentHash));

    // The example keeps its generated schema.json committed: it must be what compile writes.
    assert.deepEqual(
      JSON.parse(readFileSync(schemaJson(), 'utf8')),
      JSON.parse(readFileSync(join(ROOT, 'examples', 'blog', 'schema.json'), 'utf8')),
    );
  });

  test('--check reports without writing; --output writes elsewhere', async () => {
    rmSync(compiled(), { force: true });
    rmSync(schemaJson(), { force: true });
    const check = await runCli(['compile', '--check'], { cwd: project.dir });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /Check passed; nothing written \(--check\)\./);
    assert.equal(existsSync(compiled()), false);
    assert.equal(existsSync(schemaJson()), false);

    // A relative --output is taken from the current directory, and its folder is created.
    const output = await runCli(['compile', '--output', 'out/compiled.json'], { cwd: project.dir });
    assert.equal(output.code, 0, output.stderr);
    const written = JSON.parse(readFileSync(join(project.dir, 'out', 'compiled.json'), 'utf8')) as {
      contentHash?: unknown;
    };
    assert.equal(typeof written.contentHash, 'string');
    assert.equal(existsSync(compiled()), false);
  });

  test('a broken schema.ts prints every problem and exits 1, writing nothing', async () => {
    rmSync(compiled(), { force: true });
    const source = readFileSync(join(project.dir, 'schema.ts'), 'utf8');
    const broken = source
      .replace(
        "returns: '[Post!]!',\n      sqlSource: 'v_public_post'",
        "returns: '[Postt!]!',\n      sqlSource: 'v_public_post'",
      )
      .replace("args: { email: 'String!' }", "args: { email: 'Strng!' }");
    assert.notEqual(broken, source);
    writeFileSync(join(project.dir, 'schema.ts'), broken);
    try {
      const result = await runCli(['compile'], { cwd: project.dir });
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, /2 problems/);
      assert.match(
        result.stderr,
        /queries\[public_posts\]\.return_type: unknown type "Postt": did you mean "Post"\?/,
      );
      assert.match(
        result.stderr,
        /queries\[user_by_email\]\.arguments\[email\]\.type: unknown type "Strng": did you mean "String"\?/,
      );
      assert.doesNotMatch(result.stderr, /unexpected error|at .*\.ts:\d+/);
      assert.equal(existsSync(compiled()), false);
    } finally {
      writeFileSync(join(project.dir, 'schema.ts'), source);
    }
  });

  test('a broken FraiseQL schema.json prints every problem and exits 1', async () => {
    const dir = join(project.dir, 'from-json');
    mkdirSync(dir);
    writeFileSync(join(dir, 'fraiseql.toml'), '[schema]\nsource = "schema.json"\n');
    writeFileSync(
      join(dir, 'schema.json'),
      JSON.stringify({
        version: '2.0',
        types: [
          {
            name: 'Post',
            sql_source: 'v_post',
            fields: [{ name: 'id', type: 'ID', nullable: false }],
          },
        ],
        queries: [
          { name: 'posts', return_type: 'Pots', returns_list: true, sql_source: 'v_post' },
          { name: 'post', return_type: 'Post', returns_list: false, sql_source: 'v post; drop' },
        ],
        mutations: [],
      }),
    );
    const result = await runCli(['compile'], { cwd: dir });
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /Pots/);
    assert.match(result.stderr, /v post; drop/);
    assert.equal(existsSync(join(dir, 'schema.compiled.json')), false);
  });
});

describe('token issue and token inspect', () => {
  let project: ScratchProject;
  const env = { JWT_SECRET: SECRET };
  before(() => {
    project = scratchProject('blog');
  });
  after(() => project?.remove());

  const payloadOf = (token: string): Record<string, unknown> => {
    const part = token.split('.')[1] ?? '';
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  };

  test('issue prints one token, for the project audience, and never the secret', async () => {
    const result = await runCli(
      [
        'token',
        'issue',
        '--sub',
        ALICE,
        '--scope',
        'read:posts',
        'write:posts',
        '--claim',
        'org.id=42',
      ],
      { cwd: project.dir, env },
    );
    assert.equal(result.code, 0, result.stderr);
    const token = result.stdout.trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(result.stdout.split('\n').filter((line) => line !== '').length, 1);
    const claims = payloadOf(token);
    assert.equal(claims.sub, ALICE);
    assert.equal(claims.aud, 'fraiseql-api');
    assert.deepEqual(claims.org, { id: 42 });
    assert.match(JSON.stringify(claims), /read:posts/);
    assert.match(JSON.stringify(claims), /write:posts/);
    assert.equal(typeof claims.exp, 'number');
    assert.match(result.stderr, /Development token for/);
    assert.ok(!result.stdout.includes(SECRET) && !result.stderr.includes(SECRET));
  });

  test('inspect accepts the issued token (exit 0) and refuses a tampered one (exit 1)', async () => {
    const issued = await runCli(['token', 'issue', '--sub', ALICE, '--scope', 'read:posts'], {
      cwd: project.dir,
      env,
    });
    const token = issued.stdout.trim();

    const accepted = await runCli(['token', 'inspect', token], { cwd: project.dir, env });
    assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
    assert.match(accepted.stdout, /verdict: ACCEPTED/);

    const [header, payload, signature] = token.split('.');
    const flipped = `${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1) ?? ''}`;
    const tampered = await runCli(['token', 'inspect', `${header}.${payload}.${flipped}`], {
      cwd: project.dir,
      env,
    });
    assert.equal(tampered.code, 1, tampered.stdout);
    assert.match(tampered.stdout, /verdict: REFUSED - the server answers 401 "Invalid token"/);

    const otherSecret = await runCli(['token', 'inspect', token], {
      cwd: project.dir,
      env: { JWT_SECRET: `${SECRET}-rotated` },
    });
    assert.equal(otherSecret.code, 1, otherSecret.stdout);

    const fromStdin = await runCli(['token', 'inspect', '-', '--json'], {
      cwd: project.dir,
      env,
      input: `${token}\n`,
    });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.equal((JSON.parse(fromStdin.stdout) as { accepted: boolean }).accepted, true);

    const empty = await runCli(['token', 'inspect', ' '], { cwd: project.dir, env });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no token given/);

    // With --json every outcome is JSON on stdout, this one too.
    const emptyJson = await runCli(['token', 'inspect', '--json', ''], { cwd: project.dir, env });
    assert.equal(emptyJson.code, 2);
    assert.equal(emptyJson.stderr, '');
    const parsed = JSON.parse(emptyJson.stdout) as { accepted: boolean; error: string };
    assert.equal(parsed.accepted, false);
    assert.match(parsed.error, /no token given/);
  });

  test('issue without --sub is a usage error (exit 2) naming a seeded user, and writes nothing', async () => {
    const scratch = scratchProject('blog');
    try {
      // No JWT_SECRET: a development secret file would be written if the project were read.
      for (const args of [['token', 'issue'], ['token', 'issue', '--sub', ' '], ['token']]) {
        const result = await runCli(args, { cwd: scratch.dir });
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stdout, '');
        assert.match(
          result.stderr,
          /^fraiseql-ts token issue: --sub is required: .* --sub 11111111-1111-1111-1111-111111111111 is alice;/,
        );
      }
      assert.ok(!existsSync(join(scratch.dir, '.fraiseql', 'dev-jwt-secret')), 'no secret was made up');
    } finally {
      scratch.remove();
    }

    const help = await runCli(['token', 'issue', '--help'], { cwd: ROOT });
    assert.match(help.stdout, /--sub <subject> +subject \(sub claim\), required/);
    assert.match(help.stdout, /Example \(alice, a seeded user of the bundled example\):\n +fraiseql-ts token issue --dir examples\/blog --sub 11111111-1111-1111-1111-111111111111/);
  });

  test('issue refuses in production unless --force, and a bad --ttl', async () => {
    const production = await runCli(['token', 'issue', '--sub', ALICE], {
      cwd: project.dir,
      env: { ...env, FRAISEQL_ENV: 'production' },
    });
    assert.equal(production.code, 1, production.stdout);
    assert.equal(production.stdout, '');
    assert.match(production.stderr, /production/);

    const forced = await runCli(['token', 'issue', '--sub', ALICE, '--force'], {
      cwd: project.dir,
      env: { ...env, FRAISEQL_ENV: 'production' },
    });
    assert.equal(forced.code, 0, forced.stderr);

    const badTtl = await runCli(['token', 'issue', '--sub', ALICE, '--ttl', 'soon'], {
      cwd: project.dir,
      env,
    });
    assert.equal(badTtl.code, 1);
    assert.match(badTtl.stderr, /--ttl "soon" is not a duration/);
  });

  test('without JWT_SECRET, issue and inspect share the development secret file', async () => {
    const issued = await runCli(['token', 'issue', '--sub', ALICE], { cwd: project.dir });
    assert.equal(issued.code, 0, issued.stderr);
    const secretFile = join(project.dir, '.fraiseql', 'dev-jwt-secret');
    assert.ok(existsSync(secretFile));
    const secret = readFileSync(secretFile, 'utf8').trim();
    assert.ok(!issued.stdout.includes(secret) && !issued.stderr.includes(secret));

    const inspected = await runCli(['token', 'inspect', issued.stdout.trim()], {
      cwd: project.dir,
    });
    assert.equal(inspected.code, 0, inspected.stdout);
    // The key is named for what it is, so a refusal does not send anyone to look for JWT_SECRET.
    assert.match(inspected.stdout, /the development secret \(.*dev-jwt-secret\)/);
    assert.doesNotMatch(inspected.stdout, /JWT_SECRET/);
  });
});
