import { Redis } from 'ioredis';

import { ConfigError } from '../config/load-config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../log/logger.ts';
import { describeRedisUrl } from './redis-url.ts';
import { endOfRevokeAll, type RevocationEnd, type RevocationLifetime } from './revocation-lifetime.ts';
import {
  ownSessionId,
  REVOCATION_CHANNEL,
  RevocationStore,
  type CleanupCounts,
  type RevocationBackend,
  type RevocationListener,
  type RevocationQuery,
  type RevocationState,
} from './revocation-store.ts';
import { SessionStore } from './session-store.ts';

/** Every key this store writes starts with this, so one Redis can serve other uses too. */
export const REDIS_KEY_PREFIX = 'fraiseql:revocation:';

/** The key of a revoked `jti`; it expires when the revocation may be forgotten, if ever. */
export function revokedTokenKey(tokenId: string): string {
  return `${REDIS_KEY_PREFIX}jti:${tokenId}`;
}

/**
 * The key holding a subject's revoke-all instant (epoch seconds); it expires once every token
 * it refuses has expired under `[auth] max_token_lifetime_seconds`, and never without it.
 */
export function revokedSubjectKey(subject: string): string {
  return `${REDIS_KEY_PREFIX}sub:${subject}`;
}

/**
 * Longest wait for one Redis command, in ms. A Redis that hangs then fails the lookup, and the
 * request gets the same 503 as an unreachable store, instead of waiting with it.
 */
const COMMAND_TIMEOUT_MS = 1000;

/** Longest wait for the connection at start, in ms. */
const CONNECT_TIMEOUT_MS = 2000;

/** What `RedisRevocationStore.connect` needs. */
export interface RedisRevocationStoreOptions {
  /** `[revocation] redis_url` (env `REDIS_URL`); its password is never logged. */
  readonly url: string;
  /** The project's database, which keeps the sessions and refresh tokens. */
  readonly database: Database;
  readonly logger: Logger;
  /** The bound on token lifetimes. Default none: revoke-alls and revocations of unknown expiry never expire. */
  readonly lifetime?: RevocationLifetime;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * `[revocation] store = "redis"`: revoked `jti`s and per-subject revoke-all instants as Redis
 * keys that expire when they can no longer refuse anything, or never when that time is unknown
 * (no `exp`, and no `[auth] max_token_lifetime_seconds`), so there is nothing to clean up;
 * and a PUBLISH on channel `fraiseql_revocation` with every write, which empties the cache of
 * every server. Sessions stay in PostgreSQL: a token's `sid` is looked up there. A revoke-all is
 * also recorded there (fraiseql_auth.revoked_users), whose triggers revoke the subject's sessions
 * and API keys and notify as before, and which API key creation checks.
 *
 * Commands are never queued while Redis is unreachable: they fail at once, so a request is
 * refused with 503 (or accepted, with `fail_open`) rather than left waiting.
 */
export class RedisRevocationStore implements RevocationBackend {
  readonly kind = 'redis';
  readonly lifetime: RevocationLifetime;
  readonly #sessions: SessionStore;
  readonly #now: () => number;

  #closing = false;
  /** The connection was up and has been lost (logged once until it is back). */
  #lost = false;

  private constructor(
    private readonly client: Redis,
    private readonly options: RedisRevocationStoreOptions,
  ) {
    this.#sessions = new SessionStore(options.database);
    this.#now = options.now ?? Date.now;
    this.lifetime = options.lifetime ?? { maxTokenLifetimeSeconds: undefined };
    const where = describeRedisUrl(options.url);
    // Errors also arrive as rejected commands (logged by the revocation check) and as 'close';
    // without a listener ioredis would print each reconnect attempt to the console.
    client.on('error', () => undefined);
    client.on('close', () => {
      if (this.#closing || this.#lost) return;
      this.#lost = true;
      options.logger.error(
        `Lost the connection to the Redis revocation store at ${where}; reconnecting. Until it ` +
          'answers, requests with a token are refused (or accepted unchecked with [revocation] fail_open = true).',
      );
    });
    client.on('ready', () => {
      if (!this.#lost) return;
      this.#lost = false;
      options.logger.info(`The Redis revocation store at ${where} answers again.`);
    });
  }

  /**
   * Connects to Redis, or refuses the start with a message naming the server (never its
   * password) and what to do. After start the client reconnects on its own; a lost connection
   * and its recovery are logged once each.
   */
  static async connect(options: RedisRevocationStoreOptions): Promise<RedisRevocationStore> {
    const client = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    const store = new RedisRevocationStore(client, options);
    store.#closing = true; // a failed first connection is reported by the error below, not logged
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(
        `The Redis revocation store at ${describeRedisUrl(options.url)} cannot be reached (${reason}). ` +
          'Start Redis, check REDIS_URL or [revocation] redis_url (host, port, password), or set ' +
          '[revocation] store = "postgres".',
      );
    }
    store.#closing = false;
    return store;
  }

  /** One MGET for the `jti` and the subject, and the session's row when the token has a `sid`. */
  async lookup(query: RevocationQuery): Promise<RevocationState> {
    const sessionId = ownSessionId(query);
    const subjectKey = revokedSubjectKey(query.subject);
    const keys = query.tokenId === undefined ? [subjectKey] : [revokedTokenKey(query.tokenId), subjectKey];
    const [values, session] = await Promise.all([
      this.client.mget(keys),
      sessionId === null ? Promise.resolve(null) : this.#sessions.revokedState(sessionId),
    ]);
    const tokenValue = query.tokenId === undefined ? null : values[0];
    const subjectValue = values[values.length - 1] ?? null;
    return {
      tokenRevoked: tokenValue !== null && tokenValue !== undefined,
      sessionRevoked: session?.revoked ?? null,
      sessionSubject: session?.subject ?? null,
      revokedBefore: subjectValue === null ? null : epochSeconds(subjectValue, subjectKey),
    };
  }

  /**
   * `jti` key until `end`, without a TTL for `never`; a later revocation with an earlier end
   * keeps the later one (as the PostgreSQL store's upsert does). A token already past `end`
   * needs no key.
   */
  async revokeToken(tokenId: string, end: RevocationEnd, subject: string | undefined, reason: string): Promise<void> {
    if (end !== 'never' && end.getTime() <= this.#now()) return;
    const record = JSON.stringify({ subject: subject ?? null, reason, revoked_at: new Date(this.#now()).toISOString() });
    await this.writeRevocation(revokedTokenKey(tokenId), record, end, 'revoked_tokens');
  }

  /**
   * The subject's revoke-all, first in PostgreSQL (fraiseql_auth.revoked_users, as the
   * PostgreSQL store writes it), then its instant in Redis, where requests look it up. The row
   * in PostgreSQL is what an API key being created checks under the same lock (built-in
   * migration 010), so a key minted with a token authenticated before the revoke-all cannot
   * outlive it; its triggers also revoke the subject's sessions and API keys. The Redis key's
   * TTL is that of the new instant (which covers every token the one it replaces covered).
   */
  async revokeSubject(subject: string, reason: string): Promise<Date> {
    const before = await new RevocationStore(this.options.database, this.lifetime).revokeSubject(subject, reason);
    const beforeMs = before.getTime();
    await this.writeRevokeAll(revokedSubjectKey(subject), String(beforeMs / 1000), endOfRevokeAll(beforeMs, this.lifetime));
    return before;
  }

  /**
   * Redis keys expire on their own, so this only deletes what PostgreSQL keeps: spent refresh
   * tokens, ended sessions (and revocations written there by its triggers, e.g. a disabled user),
   * by the same rules as the PostgreSQL store.
   */
  cleanup(): Promise<CleanupCounts> {
    return new RevocationStore(this.options.database, this.lifetime).cleanup();
  }

  /**
   * Redis pub/sub for this store's writes, and LISTEN/NOTIFY for the sessions kept in
   * PostgreSQL. A lost subscription connection reports `missed` when it drops and again when
   * it is back, since messages published meanwhile are gone.
   */
  async subscribe(listener: RevocationListener): Promise<() => Promise<void>> {
    const subscriber = this.client.duplicate({ enableOfflineQueue: true });
    let lost = false;
    subscriber.on('error', () => undefined); // the command connection logs the outage
    subscriber.on('message', () => listener(false));
    subscriber.on('close', () => {
      if (lost) return;
      lost = true;
      listener(true);
    });
    subscriber.on('ready', () => {
      if (!lost) return;
      lost = false;
      listener(true);
    });

    try {
      await subscriber.connect();
      await subscriber.subscribe(REVOCATION_CHANNEL);
    } catch (error) {
      subscriber.disconnect();
      throw error;
    }
    let unlistenSessions: () => Promise<void>;
    try {
      unlistenSessions = await this.options.database.listen(REVOCATION_CHANNEL, (payload) => listener(payload === undefined));
    } catch (error) {
      subscriber.disconnect();
      throw error;
    }
    return async () => {
      subscriber.removeAllListeners('close');
      subscriber.disconnect();
      await unlistenSessions();
    };
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }

  /**
   * A revoked `jti`, and the PUBLISH, in one MULTI, so no server hears of a revocation before it
   * can be read. `never`: SET without a TTL (one the key had is dropped: it only lengthens).
   * Otherwise SET NX with the TTL (a new key), then PEXPIREAT GT, which only ever lengthens a
   * TTL and leaves a key without one as it is: a revocation is never shortened.
   */
  private async writeRevocation(key: string, value: string, end: RevocationEnd, what: string): Promise<void> {
    const transaction = this.client.multi();
    if (end === 'never') {
      transaction.set(key, value);
    } else {
      transaction.set(key, value, 'PXAT', end.getTime(), 'NX').pexpireat(key, end.getTime(), 'GT');
    }
    await this.run(transaction.publish(REVOCATION_CHANNEL, what), what);
  }

  /** A revoke-all instant with the TTL of its own end, or none for `never`, and the PUBLISH. */
  private async writeRevokeAll(key: string, value: string, end: RevocationEnd): Promise<void> {
    const transaction = this.client.multi();
    if (end === 'never') transaction.set(key, value);
    else transaction.set(key, value, 'PXAT', end.getTime());
    await this.run(transaction.publish(REVOCATION_CHANNEL, 'revoked_users'), 'revoked_users');
  }

  private async run(transaction: ReturnType<Redis['multi']>, what: string): Promise<void> {
    const results = await transaction.exec();
    if (results === null) throw new Error(`The Redis transaction writing ${what} was discarded.`);
    for (const [error] of results) {
      if (error !== null) throw error;
    }
  }
}

function epochSeconds(value: string, key: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds)) {
    // Fail closed: an unreadable revoke-all must not read as "none".
    throw new Error(`Redis key ${key} holds "${value.slice(0, 40)}", not epoch seconds; delete it or revoke again.`);
  }
  return seconds;
}
