/**
 * The development secret file (.fraiseql/dev-jwt-secret): the secret alone, without a
 * trailing newline, so the spec page's PyJWT snippet reading it with `open(...).read()` signs
 * tokens the server accepts; a file of an earlier version, ending with a newline, still works.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { createAuthenticator } from '../../src/auth/authenticate-request.ts';
import { authSetupFromConfig } from '../../src/config/auth-options-from-config.ts';
import {
  DEVELOPMENT_SECRET_FILE,
  readOrCreateDevelopmentSecret,
} from '../../src/config/development-secret.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fraiseql-ts-dev-secret-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'fraiseql.toml'), '[auth]\naudience = "fraiseql-api"\n');
  return dir;
}

/** The spec page's snippet: PyJWT signing with the file's content as read by Python. */
function signWithFileContent(secretFile: string): string {
  const script =
    'import jwt, sys, time, uuid\n' +
    'print(jwt.encode({"sub": "alice", "aud": "fraiseql-api", "jti": str(uuid.uuid4()), ' +
    '"exp": int(time.time()) + 600}, open(sys.argv[1]).read(), algorithm="HS256"))';
  const result = spawnSync('/usr/bin/python3', ['-c', script, secretFile], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

test('the file holds the secret alone; a token PyJWT signs with it is accepted', async () => {
  const dir = project();
  const options = authSetupFromConfig(loadConfig({ dir, env: {} })).options;
  const file = join(dir, DEVELOPMENT_SECRET_FILE);
  const content = readFileSync(file, 'utf8');
  assert.doesNotMatch(content, /\s$/, 'no trailing newline');
  assert.equal(content, readOrCreateDevelopmentSecret(dir), 'read back unchanged');

  const caller = await createAuthenticator(options).authenticate({
    authorization: `Bearer ${signWithFileContent(file)}`,
  });
  assert.equal(caller.kind, 'authenticated');
});

test('a file written with a trailing newline (earlier versions) is read without it', () => {
  const dir = project();
  const secret = 'an-older-development-secret-0123456789abcdef';
  mkdirSync(join(dir, '.fraiseql'));
  writeFileSync(join(dir, DEVELOPMENT_SECRET_FILE), `${secret}\n`);
  assert.equal(readOrCreateDevelopmentSecret(dir), secret);
  assert.equal(readFileSync(join(dir, DEVELOPMENT_SECRET_FILE), 'utf8'), `${secret}\n`, 'kept');
});
