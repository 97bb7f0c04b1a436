import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

/**
 * Runs `fn` (and everything it starts, across awaits) as part of the request `requestId`, so
 * that every log line written meanwhile carries that id, also from loggers created once at
 * start (authentication, key stores) rather than per request.
 */
export function runInRequestLogScope<T>(requestId: string, fn: () => T): T {
  return scope.run(requestId, fn);
}

/** The id of the request being served here, or undefined outside any request. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
