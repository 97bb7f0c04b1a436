import pg from 'pg';

import { checkChannelName } from './database.ts';

type Handler = (payload: string | undefined) => void;

/**
 * LISTEN on its own connection (the request pool runs in pipeline mode and hands connections
 * out per request, so it cannot hold a subscription). Connected on first use. When the
 * connection drops it reconnects with a growing delay, subscribes again, and tells every
 * handler that notifications may have been missed (`undefined`), so caches fed by them flush.
 */
export class NotificationListener {
  readonly #handlers = new Map<string, Set<Handler>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #closed = false;
  #retryDelayMs = 250;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onError: ((error: Error) => void) | undefined,
  ) {}

  async listen(channel: string, handler: Handler): Promise<() => Promise<void>> {
    checkChannelName(channel);
    if (this.#closed) throw new Error('The database is closed.');
    let handlers = this.#handlers.get(channel);
    const first = handlers === undefined;
    if (handlers === undefined) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(handler);
    if (first) {
      const client = await this.connection();
      await client.query(`LISTEN ${channel}`);
    }
    return async () => {
      const current = this.#handlers.get(channel);
      current?.delete(handler);
      if (current !== undefined && current.size === 0) {
        this.#handlers.delete(channel);
        await this.#client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#connecting ??= this.connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'fraiseql-ts listener' });
    client.on('notification', (message) => {
      for (const handler of this.#handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.onError?.(error);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    await client.connect();
    this.#client = client;
    this.#retryDelayMs = 250;
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#closed) return;
    this.everyHandler(undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.#closed || this.#handlers.size === 0) return;
    const delay = this.#retryDelayMs;
    this.#retryDelayMs = Math.min(delay * 2, 10_000);
    this.#retryTimer = setTimeout(() => {
      void this.resubscribe();
    }, delay);
    this.#retryTimer.unref();
  }

  private async resubscribe(): Promise<void> {
    try {
      const client = await this.connection();
      for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${channel}`);
      // Anything sent while no connection listened is lost: tell the handlers again.
      this.everyHandler(undefined);
    } catch (error) {
      this.onError?.(error instanceof Error ? error : new Error(String(error)));
      this.#client = undefined;
      this.scheduleReconnect();
    }
  }

  private everyHandler(payload: string | undefined): void {
    for (const handlers of this.#handlers.values()) for (const handler of handlers) handler(payload);
  }
}
