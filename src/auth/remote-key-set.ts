import { createHash } from 'node:crypto';

import type { JwksOptions } from './auth-options.ts';
import type { AuthLogger } from './auth-logger.ts';
import { discoverJwksUri } from './discover-jwks-uri.ts';
import { fetchKeyDocument, type FetchFunction } from './fetch-key-document.ts';
import type { JwsAlgorithm } from './jws-algorithms.ts';
import type { KeyUrlRules } from './key-url-policy.ts';
import { keysFromJwks } from './keys-from-jwks.ts';
import type { VerificationKey } from './verification-key.ts';

/** Where the key set lives: a pinned URL, or an issuer whose discovery document names it. */
export type RemoteKeySource =
  | { readonly type: 'jwks-url'; readonly url: string }
  | { readonly type: 'oidc-issuer'; readonly issuer: string };

/** What a lookup found: keys (possibly none: an unknown kid), or no usable key set at all. */
export type RemoteKeyLookup =
  | {
      readonly kind: 'keys';
      readonly keys: readonly VerificationKey[];
      /**
       * For a kid no key has: whether the key set was fetched again for it, or why not (the
       * cooldown) and when it may be. Absent when keys were found.
       */
      readonly refetch?: string;
    }
  | { readonly kind: 'unavailable'; readonly explanation: string };

/** What `RemoteKeySet` needs besides its source. */
export interface RemoteKeySetInit {
  readonly source: RemoteKeySource;
  readonly jwks: Required<JwksOptions>;
  readonly rules: KeyUrlRules;
  readonly allowed: ReadonlySet<JwsAlgorithm>;
  readonly fetch: FetchFunction;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly logger: AuthLogger;
  /** Called after a fetch that changed the keys (rotation), so verified tokens are flushed. */
  readonly onKeysChanged: () => void;
}

/**
 * A JWKS kept in memory. Keys are fetched on first use, refreshed in the background once older
 * than the refresh interval, and refetched for an unknown `kid`; every fetch, whatever its
 * trigger, waits for the cooldown after the previous attempt, so neither unknown kids nor an
 * unreachable provider cause a fetch storm. When the provider is down the last keys are kept
 * (with a warning) up to `maxStaleSeconds` after the last successful fetch.
 */
export class RemoteKeySet {
  readonly #init: RemoteKeySetInit;
  readonly #abort = new AbortController();
  #keys: readonly VerificationKey[] | undefined;
  #fingerprint = '';
  #fetchedAt = 0;
  #lastAttemptAt: number | undefined;
  #lastError: string | undefined;
  #discoveredUrl: string | undefined;
  #inflight: Promise<void> | undefined;

  constructor(init: RemoteKeySetInit) {
    this.#init = init;
  }

  /** The keys that may have signed a token with this `kid` (all keys when it has none). */
  async keysFor(kid: string | undefined): Promise<RemoteKeyLookup> {
    const { refreshIntervalSeconds, maxStaleSeconds } = this.#init.jwks;
    const attemptBefore = this.#lastAttemptAt;
    const age = this.#init.now() - this.#fetchedAt;
    if (this.#keys === undefined) await this.#attempt('first use');
    else if (age > maxStaleSeconds * 1000) await this.#attempt('keys past their maximum age');
    else if (age > refreshIntervalSeconds * 1000) void this.#attempt('refresh interval');

    const keys = this.#keys;
    if (keys === undefined) {
      return { kind: 'unavailable', explanation: this.#unavailableBecause() };
    }
    if (this.#init.now() - this.#fetchedAt > maxStaleSeconds * 1000) {
      return {
        kind: 'unavailable',
        explanation:
          `the keys from ${this.describe()} are older than ${maxStaleSeconds} s and could not ` +
          `be refreshed (${this.#lastError ?? 'no fetch allowed yet'})`,
      };
    }
    let found = matching(keys, kid);
    if (found.length === 0 && kid !== undefined) {
      // A fetch in flight (another request's) counts: this lookup waits for its keys.
      const joined = this.#inflight !== undefined;
      await this.#attempt(`unknown kid "${kid}"`);
      found = matching(this.#keys ?? keys, kid);
      if (found.length === 0) {
        const fetched = joined || this.#lastAttemptAt !== attemptBefore;
        return { kind: 'keys', keys: found, refetch: this.#refetchNote(fetched) };
      }
    }
    return { kind: 'keys', keys: found };
  }

  /** The keys in memory with this `kid`, without fetching; for messages. */
  keysInMemory(kid: string): VerificationKey[] {
    return matching(this.#keys ?? [], kid);
  }

  /** The kids currently known, for messages. */
  knownKids(): string[] {
    return (this.#keys ?? []).flatMap((key) => (key.kid === undefined ? [] : [key.kid]));
  }

  /** Where the keys come from, for messages. */
  describe(): string {
    const source = this.#init.source;
    return source.type === 'jwks-url' ? source.url : `the OIDC issuer ${source.issuer}`;
  }

  /** Fetches now if the cooldown allows; resolves when done (used at start-up). */
  warmUp(): Promise<void> {
    return this.#attempt('start-up');
  }

  /** Aborts any fetch in flight. */
  close(): void {
    this.#abort.abort();
  }

  /**
   * What became of the fetch an unknown kid asked for, for the refusal's explanation: done
   * (during this lookup, or one in flight it waited for), or skipped for the cooldown.
   */
  #refetchNote(fetched: boolean): string {
    if (fetched || this.#lastAttemptAt === undefined) {
      return `the key set was fetched from ${this.describe()} just now and does not hold it`;
    }
    const now = this.#init.now();
    const cooldown = this.#init.jwks.cooldownSeconds;
    const waitUntil = this.#lastAttemptAt + cooldown * 1000;
    const ago = Math.round((now - this.#lastAttemptAt) / 1000);
    const wait = Math.max(1, Math.ceil((waitUntil - now) / 1000));
    return (
      `the key set was not fetched again for it: the last fetch was ${ago} s ago and ` +
      `jwks_cooldown_seconds is ${cooldown}, so the next refetch may happen at ` +
      `${new Date(waitUntil).toISOString()} (in ${wait} s). A provider should publish a new ` +
      'key at least jwks_cooldown_seconds before signing with it'
    );
  }

  #attempt(trigger: string): Promise<void> {
    if (this.#inflight !== undefined) return this.#inflight;
    const now = this.#init.now();
    const cooldown = this.#init.jwks.cooldownSeconds * 1000;
    if (this.#lastAttemptAt !== undefined && now - this.#lastAttemptAt < cooldown) {
      return Promise.resolve();
    }
    this.#lastAttemptAt = now;
    this.#inflight = this.#load(trigger).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #load(trigger: string): Promise<void> {
    const { logger } = this.#init;
    try {
      const url = await this.#jwksUrl();
      const document = await fetchKeyDocument(url, this.#limits());
      const parsed = keysFromJwks(document, this.#init.allowed);
      const { keys, skipped } = await importable(parsed.keys, parsed.skipped);
      if (keys.length === 0) {
        throw new Error(`${url} holds no usable key (${skipped.join('; ') || 'it is empty'})`);
      }
      const fingerprint = fingerprintOf(document);
      const previous = this.#keys;
      this.#keys = keys;
      this.#fetchedAt = this.#init.now();
      this.#lastError = undefined;
      if (fingerprint !== this.#fingerprint) {
        this.#fingerprint = fingerprint;
        if (skipped.length > 0) logger.warn({ url, skipped }, 'Some JWKS keys are ignored');
        logger.info(
          {
            url,
            trigger,
            kids: this.knownKids(),
            previousKids: previous?.map((key) => key.kid ?? '(none)'),
          },
          previous === undefined
            ? 'JWKS keys loaded'
            : 'JWKS keys changed; verified tokens flushed',
        );
        if (previous !== undefined) this.#init.onKeysChanged();
      }
    } catch (error) {
      this.#lastError = error instanceof Error ? error.message : String(error);
      // A moved or broken key set may come with a new discovery document.
      this.#discoveredUrl = undefined;
      const kept = this.#keys?.length ?? 0;
      logger.warn(
        { source: this.describe(), trigger, error: this.#lastError, keptKeys: kept },
        kept > 0
          ? 'Could not refresh the JWKS; keeping the keys fetched before'
          : 'Could not fetch the JWKS; tokens from this provider are refused until it answers',
      );
    }
  }

  async #jwksUrl(): Promise<string> {
    const source = this.#init.source;
    if (source.type === 'jwks-url') return source.url;
    this.#discoveredUrl ??= await discoverJwksUri(source.issuer, this.#limits(), this.#init.rules);
    return this.#discoveredUrl;
  }

  #limits(): { timeoutMs: number; maxBytes: number; fetch: FetchFunction; signal: AbortSignal } {
    return {
      timeoutMs: this.#init.jwks.timeoutMs,
      maxBytes: this.#init.jwks.maxResponseBytes,
      fetch: this.#init.fetch,
      signal: this.#abort.signal,
    };
  }

  #unavailableBecause(): string {
    const why = this.#lastError ?? 'no fetch has been allowed yet';
    return `no keys could be fetched from ${this.describe()} (${why})`;
  }
}

/**
 * The keys WebCrypto accepts, each imported once now for its first algorithm, so that a broken
 * key (bad modulus, wrong curve point) is reported when fetched rather than failing silently
 * as a signature mismatch later.
 */
async function importable(
  keys: readonly VerificationKey[],
  skipped: readonly string[],
): Promise<{ keys: VerificationKey[]; skipped: string[] }> {
  const checked = await Promise.all(
    keys.map(async (key) => {
      const [first] = key.algorithms;
      if (first === undefined) return `${key.label} has no algorithm`;
      try {
        await key.cryptoKey(first);
        return key;
      } catch (error) {
        return `${key.label} cannot be imported (${error instanceof Error ? error.message : error})`;
      }
    }),
  );
  return {
    keys: checked.filter((item): item is VerificationKey => typeof item !== 'string'),
    skipped: [...skipped, ...checked.filter((item): item is string => typeof item === 'string')],
  };
}

/** Keys with this exact kid; all keys for a token without kid. */
function matching(keys: readonly VerificationKey[], kid: string | undefined): VerificationKey[] {
  return kid === undefined ? [...keys] : keys.filter((key) => key.kid === kid);
}

/** A digest of the public members of every key, to notice a rotation. */
function fingerprintOf(document: Record<string, unknown>): string {
  const keys = document['keys'];
  const list: readonly unknown[] = Array.isArray(keys) ? keys : [];
  const members = list
    .map((entry: unknown) => {
      if (entry === null || typeof entry !== 'object') return '';
      const { kid, kty, crv, x, y, n, e, alg, use } = entry as Record<string, unknown>;
      return JSON.stringify([kid, kty, crv, x, y, n, e, alg, use]);
    })
    .sort();
  return createHash('sha256').update(members.join('\n')).digest('hex');
}
