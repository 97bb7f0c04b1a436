/**
 * A signed token whose `sub`, `user_id` or `jti` holds a NUL or another C0 control character
 * is refused at verification with 401 Invalid token (MISSING_IDENTITY for the subject,
 * MALFORMED_TOKEN for the jti), before the revocation store is asked: PostgreSQL text cannot
 * hold a NUL, so the lookup used to fail as a store outage (503 REVOCATION_UNAVAILABLE and an
 * error line), and with `fail_open = true` the token skipped the revocation check. Through HTTP
 * on the example blog, signed with the project's development secret (no JWT_SECRET).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SignJWT } from 'jose';

import { compileProjectSchema } from '../../src/cli/project-schema.ts';
import { DEVELOPMENT_SECRET_FILE } from '../../src/config/development-secret.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { prepareServer, type RunningServer } from '../../src/server/start-server.ts';
import { ALICE, graphql, refusal, type Reply } from '../sessions/support/auth-client.ts';
import { blogWith, type BlogProject } from '../sessions/support/blog-with.ts';
import { createCapturingLogger, type CapturingLogger } from '../sessions/support/log-capture.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const QUERY = '{ posts { title } }';

/** A server on its own database, verifying with the development secret of its project. */
interface DevServer {
  readonly running: RunningServer;
  readonly log: CapturingLogger;
  sign(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

async function startDevServer(project: BlogProject, extraEnv: Record<string, string> = {}): Promise<DevServer> {
  const env: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  delete env.JWT_SECRET;
  delete env.DATABASE_URL;
  const config = loadConfig({ dir: project.dir, env });
  const { schema } = await compileProjectSchema(config);
  const database: TestDatabase = await createTestDatabase();
  const log = createCapturingLogger('debug');
  try {
    const running = await prepareServer({ config, schema, logger: log.logger, database: database.db });
    // The file the server's start wrote, as `token issue` and the docs' PyJWT snippet read it.
    const secret = readFileSync(join(project.dir, DEVELOPMENT_SECRET_FILE));
    return {
      running,
      log,
      sign: (claims) =>
        new SignJWT({ aud: 'fraiseql-api', jti: randomUUID(), scopes: ['read:posts'], ...claims })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(secret),
      close: async () => {
        await running.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Claims a client cannot be let through with, and the refusal each gets. */
const CASES: readonly { name: string; claims: Record<string, unknown>; reason: string; logged: RegExp }[] = [
  { name: 'a NUL in sub', claims: { sub: `${ALICE}\u0000` }, reason: 'MISSING_IDENTITY', logged: /sub holds a control character \(U\+0000 at character 37\)/ },
  { name: 'a NUL alone as sub', claims: { sub: '\u0000' }, reason: 'MISSING_IDENTITY', logged: /sub holds a control character \(U\+0000 at character 1\)/ },
  { name: 'another C0 character in sub', claims: { sub: `a\u001bb` }, reason: 'MISSING_IDENTITY', logged: /U\+001B at character 2/ },
  { name: "a NUL in the spec page's user_id", claims: { user_id: `1\u00002` }, reason: 'MISSING_IDENTITY', logged: /user_id holds a control character/ },
  { name: 'a NUL in jti', claims: { sub: ALICE, jti: 'abc\u0000def' }, reason: 'MALFORMED_TOKEN', logged: /the jti holds a control character \(U\+0000 at character 4\)/ },
  { name: 'a line feed in jti', claims: { sub: ALICE, jti: 'abc\ndef' }, reason: 'MALFORMED_TOKEN', logged: /U\+000A at character 4/ },
];

function assertInvalidToken(reply: Reply, reason: string, what: string): void {
  assert.deepEqual(refusal(reply), { status: 401, message: 'Invalid token', reason }, `${what}: ${reply.text}`);
  assert.match(String(reply.headers['www-authenticate']), /error="invalid_token"/, what);
  assert.equal(reply.json.data, undefined, `${what}: nothing ran`);
}

for (const failOpen of [false, true]) {
  describe(`control characters in identity claims (revocation fail_open = ${String(failOpen)})`, () => {
    let project: BlogProject;
    let server: DevServer;
    before(async () => {
      project = blogWith('');
      server = await startDevServer(project, failOpen ? { REVOCATION_FAIL_OPEN: 'true' } : {});
    });
    after(async () => {
      await server?.close();
      project?.remove();
    });

    test('a token of the development secret with clean claims is accepted', async () => {
      const reply = await graphql(server.running.app, QUERY, await server.sign({ sub: ALICE }));
      assert.equal(reply.status, 200, reply.text);
    });

    for (const { name, claims, reason, logged } of CASES) {
      test(`${name}: 401 Invalid token (${reason}), before any store lookup`, async () => {
        const before = server.log.lines.length;
        const reply = await graphql(server.running.app, QUERY, await server.sign(claims));
        assertInvalidToken(reply, reason, name);

        const lines = server.log.lines.slice(before);
        assert.deepEqual(
          lines.filter((line) => line.level === 'error' || line.level === 'fatal'),
          [],
          'no store outage is reported',
        );
        assert.ok(!JSON.stringify(lines).includes('invalid byte sequence'), 'nothing reached PostgreSQL');
        const refused = lines.find((line) => (line.msg ?? '').startsWith(`Authentication refused (${reason})`));
        assert.match(refused?.msg ?? '', logged, JSON.stringify(lines));
      });
    }
  });
}
