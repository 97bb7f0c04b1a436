/**
 * A key minted in flight cannot outlive a revoke-all (built-in migration 010). Creating or
 * rotating a key checks, in the transaction that writes it and under a lock per subject that
 * every revoke-all also takes, that the creating token is not revoked and the owner is not a
 * disabled user; a revoke-all as of now takes effect when it holds that lock, so a key committed
 * before it is revoked by it. Deterministic tests capture the credential (or keep the server's
 * revocation cache warm) before the revoke-all and write after it; on PostgreSQL, two tests hold
 * one side's transaction open, and creations race POST /auth/revoke-all (the penetration test's
 * reproduction) with the invariant checked, not the timing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import pg from 'pg';

import { ApiKeyCache } from '../../src/api-keys/api-key-cache.ts';
import { ApiKeyIssuer, type CreateOutcome } from '../../src/api-keys/api-key-issuer.ts';
import { ApiKeyStore } from '../../src/api-keys/api-key-store.ts';
import { ApiKeyVerifier } from '../../src/api-keys/api-key-verifier.ts';
import type { CreatingCredential } from '../../src/api-keys/creating-credential.ts';
import { directKeyAdministration } from '../../src/api-keys/direct-key-administration.ts';
import { KeyAdministrationError } from '../../src/api-keys/key-administration.ts';
import { RevocationStore } from '../../src/sessions/revocation-store.ts';
import { CAROL, claimsOf, DEMO_PASSWORD } from '../sessions/support/auth-client.ts';
import { hasPostgres } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const API_KEY_SECRET = 'api-key-secret-for-tests-only-0123456789abcdef';
const SECRET = { bytes: () => Buffer.alloc(32, 7) };

let server: TestServer;
let store: ApiKeyStore;
let issuer: ApiKeyIssuer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog', env: { API_KEY_SECRET } });
  store = new ApiKeyStore(server.database.db);
  issuer = new ApiKeyIssuer(store, SECRET);
});
after(async () => {
  await server?.close();
});

interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown> & { errors?: { message: string; extensions?: Record<string, unknown> }[] };
  readonly text: string;
}

async function call(method: 'GET' | 'POST', url: string, options: { token?: string; body?: unknown } = {}): Promise<Reply> {
  const response = await server.app.inject({
    method,
    url,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
  return { status: response.statusCode, json: JSON.parse(response.body === '' ? '{}' : response.body) as Reply['json'], text: response.body };
}

async function sql(text: string, values: unknown[] = []): Promise<void> {
  await server.database.db.query(text, values);
}

async function activeKeysOf(owner: string): Promise<number> {
  const result = await server.database.db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM fraiseql_auth.api_keys WHERE owner = $1 AND NOT revoked',
    [owner],
  );
  return Number(result.rows[0]?.n);
}

/** A credential as a token issued now would give, with no session. */
function credentialIssuedNow(subject: string): CreatingCredential {
  return { subject, issuedAt: Math.floor(Date.now() / 1000), tokenId: randomUUID(), sessionId: undefined };
}

function createWith(subject: string, credential: CreatingCredential | undefined, owner = subject): Promise<CreateOutcome> {
  return issuer.create({
    owner,
    name: 'in-flight',
    scopes: ['read:posts'],
    expiresAt: undefined,
    createdBy: credential?.subject ?? 'cli:test',
    credential,
  });
}

function rotateWith(id: string, credential: CreatingCredential | undefined) {
  return issuer.rotate(id, { graceUntil: Date.now() + 60_000, expiresAt: 'keep', createdBy: 'test', credential });
}

async function keyIdOf(outcome: CreateOutcome): Promise<string> {
  assert.ok(outcome.created, JSON.stringify(outcome));
  return outcome.issued.record.id;
}

describe('a credential read before a revoke-all cannot write a key after it', () => {
  const writers: readonly [string, (subject: string) => Promise<unknown>][] = [
    ['the server’s revoke-all (RevocationStore)', (subject) => new RevocationStore(server.database.db).revokeSubject(subject, 'test')],
    ['fraiseql_auth.revoke_subject()', (subject) => sql("SELECT fraiseql_auth.revoke_subject($1, interval '1 day', 'test')", [subject])],
    ['a plain INSERT into revoked_users', (subject) => sql('INSERT INTO fraiseql_auth.revoked_users (subject) VALUES ($1)', [subject])],
    [
      'disabling the user',
      async (subject) => {
        await sql("INSERT INTO fraiseql_auth.users (username, subject, role) VALUES ($1, $1, 'reader')", [subject]);
        await sql('UPDATE fraiseql_auth.users SET disabled = true WHERE subject = $1', [subject]);
      },
    ],
  ];

  for (const [name, revokeAll] of writers) {
    test(`${name}: create and rotate are refused as credential_revoked, and no key stays active`, async () => {
      const subject = randomUUID();
      const credential = credentialIssuedNow(subject);
      const existing = await keyIdOf(await createWith(subject, credential));
      await revokeAll(subject);
      assert.deepEqual(await createWith(subject, credential), { created: false, refusal: 'credential_revoked' });
      assert.deepEqual(await rotateWith(existing, credential), { rotated: false, refusal: 'credential_revoked' });
      assert.equal(await activeKeysOf(subject), 0);
    });
  }

  test('a token issued after the revoke-all (a later iat) creates keys', async () => {
    const subject = randomUUID();
    const before = await new RevocationStore(server.database.db).revokeSubject(subject, 'test');
    const later = { ...credentialIssuedNow(subject), issuedAt: Math.floor(before.getTime() / 1000) + 1 };
    await keyIdOf(await createWith(subject, later));
    assert.equal(await activeKeysOf(subject), 1);
  });

  test('an admin creating for another owner is checked on its own token; the owner’s revoke-all does not refuse it', async () => {
    const owner = randomUUID();
    const admin = credentialIssuedNow(`svc-admin-${owner}`);
    await new RevocationStore(server.database.db).revokeSubject(owner, 'test');
    await keyIdOf(await createWith(admin.subject, admin, owner));
    await new RevocationStore(server.database.db).revokeSubject(admin.subject, 'test');
    assert.deepEqual(await createWith(admin.subject, admin, owner), { created: false, refusal: 'credential_revoked' });
  });

  test('a token whose jti was revoked is refused too', async () => {
    const subject = randomUUID();
    const credential = credentialIssuedNow(subject);
    await sql("INSERT INTO fraiseql_auth.revoked_tokens (token_id, expires_at) VALUES ($1, now() + interval '1 hour')", [
      credential.tokenId,
    ]);
    assert.deepEqual(await createWith(subject, credential), { created: false, refusal: 'credential_revoked' });
  });

  test('a session token is decided by its session, as the revocation check does: a login right after a revoke-all creates keys', async () => {
    const loginAs = async (): Promise<string> => {
      const reply = await call('POST', '/auth/login', { body: { username: 'carol', password: DEMO_PASSWORD } });
      assert.equal(reply.status, 200, reply.text);
      return String(reply.json['access_token']);
    };
    const old = await loginAs();
    const revoked = await call('POST', '/auth/revoke-all', { token: old, body: {} });
    assert.equal(revoked.status, 200, revoked.text);
    const fresh = await loginAs(); // often in the revoke-all's second: its iat alone would be refused
    const created = await call('POST', '/api/keys', { token: fresh, body: { name: 'after', scopes: ['read:posts'] } });
    assert.equal(created.status, 201, created.text);
    const session = { subject: CAROL, issuedAt: Number(claimsOf(old)['iat']), tokenId: randomUUID(), sessionId: String(claimsOf(old)['sid']) };
    assert.deepEqual(await createWith(CAROL, session), { created: false, refusal: 'credential_revoked' });
  });

  test('POST /api/keys and rotate with a token whose acceptance is still cached: 401 Token has been revoked', async () => {
    const subject = randomUUID();
    const token = await server.token({ sub: subject, scopes: ['read:posts'] });
    const first = await call('POST', '/api/keys', { token, body: { name: 'before', scopes: ['read:posts'] } });
    assert.equal(first.status, 201, first.text);
    // Without the notifications the server's revocation cache keeps accepting the token: the
    // request is authenticated as before the revoke-all, and only the database can refuse.
    await sql('ALTER TABLE fraiseql_auth.revoked_users DISABLE TRIGGER revoked_users_notify');
    await sql('ALTER TABLE fraiseql_auth.sessions DISABLE TRIGGER sessions_notify');
    try {
      await sql("SELECT fraiseql_auth.revoke_subject($1, interval '1 day', 'test')", [subject]);
      const cached = await server.graphql('{ posts { title } }', { token });
      assert.equal(cached.status, 200, `the cache still accepts the token: ${cached.text}`);

      for (const [url, body] of [
        ['/api/keys', { name: 'after', scopes: ['read:posts'] }],
        [`/api/keys/${String(first.json['id'])}/rotate`, {}],
      ] as const) {
        const refused = await call('POST', url, { token, body });
        assert.equal(refused.status, 401, `${url}: ${refused.text}`);
        assert.equal(refused.json.errors?.[0]?.message, 'Token has been revoked');
        assert.equal(refused.json.errors?.[0]?.extensions?.['reason'], 'TOKEN_REVOKED');
      }
      assert.equal(await activeKeysOf(subject), 0);
    } finally {
      await sql('ALTER TABLE fraiseql_auth.revoked_users ENABLE TRIGGER revoked_users_notify');
      await sql('ALTER TABLE fraiseql_auth.sessions ENABLE TRIGGER sessions_notify');
    }
  });
});

describe('a disabled owner gets no new keys', () => {
  test('POST /api/keys for a disabled user: 409 naming the owner; rotation too', async () => {
    const owner = randomUUID();
    const admin = await server.token({ sub: `svc-admin-${owner}`, scopes: ['admin:api_keys', 'read:posts'] });
    await sql("INSERT INTO fraiseql_auth.users (username, subject, role) VALUES ($1, $1, 'reader')", [owner]);
    const body = { name: 'for-owner', scopes: ['read:posts'], owner };
    const made = await call('POST', '/api/keys', { token: admin, body });
    assert.equal(made.status, 201, made.text);
    await sql('UPDATE fraiseql_auth.users SET disabled = true WHERE subject = $1', [owner]);

    const refused = await call('POST', '/api/keys', { token: admin, body });
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.json.errors?.[0]?.message ?? '', new RegExp(`The owner of this key, ${owner}, is a disabled user`));
    const rotated = await call('POST', `/api/keys/${String(made.json['id'])}/rotate`, { token: admin, body: {} });
    assert.equal(rotated.status, 409, rotated.text);
    assert.equal(await activeKeysOf(owner), 0);
  });

  test('the CLI on the database itself says the user is disabled', async () => {
    const owner = randomUUID();
    await sql("INSERT INTO fraiseql_auth.users (username, subject, role, disabled) VALUES ($1, $1, 'reader', true)", [owner]);
    const administration = directKeyAdministration({
      store,
      issuer,
      verifier: new ApiKeyVerifier({ store, secret: SECRET, cache: new ApiKeyCache({ ttlMs: 0 }) }),
      rotationGraceSeconds: 60,
      actor: 'cli:test',
    });
    await assert.rejects(
      administration.create({ owner, name: 'cli', scopes: ['read:posts'] }),
      (error: unknown) => error instanceof KeyAdministrationError && error.message.includes(`${owner} is a disabled user`),
    );
    assert.deepEqual(await createWith(owner, undefined), { created: false, refusal: 'owner_disabled' });
  });
});

/** Whether `promise` is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise.then(() => undefined, () => undefined), sleep(ms, pending)])) === pending;
}

describe('on PostgreSQL, a key creation and a revoke-all wait for each other', { skip: !hasPostgres() && 'needs FRAISEQL_TEST_DATABASE_URL' }, () => {
  let creator: pg.Client;
  let revoker: pg.Client;

  before(async () => {
    creator = new pg.Client({ connectionString: server.database.url });
    revoker = new pg.Client({ connectionString: server.database.url });
    await creator.connect();
    await revoker.connect();
  });
  after(async () => {
    await creator?.end();
    await revoker?.end();
  });

  /** create_api_key on `client` with a credential issued a minute ago, in its open transaction. */
  async function createOn(client: pg.Client, subject: string): Promise<string> {
    const prefix = `sk_${randomUUID().replace(/-/g, '').slice(0, 9)}`;
    const result = await client.query<{ outcome: string; key_id: string }>(
      `SELECT outcome, key_id::text AS key_id FROM fraiseql_auth.create_api_key(
         $1, 'held', $2, 'abcd', repeat('0', 64), '{}', NULL, $1, $1, now() - interval '1 minute', NULL, NULL)`,
      [subject, prefix],
    );
    assert.equal(result.rows[0]?.outcome, 'created');
    return result.rows[0]?.key_id ?? '';
  }

  test('a revoke-all begun before a key is committed, and waiting for it, revokes that key', async () => {
    const subject = randomUUID();
    await revoker.query('BEGIN');
    await revoker.query('SELECT now()'); // the revoke-all's now() is fixed here, before the key exists
    await creator.query('BEGIN');
    const keyId = await createOn(creator, subject);
    const revoking = revoker.query('INSERT INTO fraiseql_auth.revoked_users (subject) VALUES ($1)', [subject]);
    assert.ok(await stillPending(revoking, 200), 'the revoke-all waits for the key creation');
    await creator.query('COMMIT');
    await revoking;
    await revoker.query('COMMIT');
    const key = await server.database.db.query<{ revoked: boolean; later: boolean }>(
      `SELECT k.revoked, r.revoked_before > k.created_at AS later
         FROM fraiseql_auth.api_keys k JOIN fraiseql_auth.revoked_users r ON r.subject = k.owner WHERE k.id = $1::uuid`,
      [keyId],
    );
    assert.deepEqual(key.rows, [{ revoked: true, later: true }], 'the revoke-all took effect after the key, and revoked it');
  });

  test('a key creation waiting for a revoke-all in flight is refused once it commits', async () => {
    const subject = randomUUID();
    await revoker.query('BEGIN');
    await revoker.query("SELECT fraiseql_auth.revoke_subject($1, interval '1 day', 'test')", [subject]);
    const creating = createWith(subject, credentialIssuedNow(subject));
    assert.ok(await stillPending(creating, 200), 'the key creation waits for the revoke-all');
    await revoker.query('COMMIT');
    assert.deepEqual(await creating, { created: false, refusal: 'credential_revoked' });
  });
});

describe('creations racing POST /auth/revoke-all leave no active key of the revoked token', () => {
  for (const round of [1, 2, 3]) {
    test(`round ${round}: twelve creators with a stolen token, the owner revoking all`, async () => {
      const subject = randomUUID();
      const stolen = await server.token({ sub: subject, scopes: ['read:posts'] });
      const own = await server.token({ sub: subject, scopes: [] });
      let revoked = false;
      const creator = async (): Promise<number[]> => {
        const statuses: number[] = [];
        // Until refused, or a few tries after the revoke-all answered (each must then be refused).
        for (let tries = 0; tries < 200; tries += 1) {
          const afterRevokeAll = revoked;
          const reply = await call('POST', '/api/keys', { token: stolen, body: { name: 'stolen', scopes: ['read:posts'] } });
          statuses.push(reply.status);
          if (reply.status !== 201) {
            assert.equal(reply.status, 401, reply.text);
            break;
          }
          if (afterRevokeAll) assert.fail(`a key was created by a request sent after the revoke-all answered: ${reply.text}`);
        }
        return statuses;
      };
      const creators = Array.from({ length: 12 }, creator);
      await sleep(10);
      const revokeAll = await call('POST', '/auth/revoke-all', { token: own, body: {} });
      revoked = true;
      assert.equal(revokeAll.status, 200, revokeAll.text);
      const statuses = (await Promise.all(creators)).flat();
      assert.ok(statuses.every((status) => status === 201 || status === 401));
      assert.equal(await activeKeysOf(subject), 0, `active keys remain (${statuses.filter((s) => s === 201).length} were created)`);
    });
  }
});
