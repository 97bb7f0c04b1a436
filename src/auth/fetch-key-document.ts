/** The `fetch` the key fetchers call; injectable so tests can count or fail requests. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Limits for one fetch of a JWKS or discovery document. */
export interface KeyDocumentFetchLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly fetch: FetchFunction;
  /** Aborts the fetch when the authenticator closes. */
  readonly signal?: AbortSignal;
}

/**
 * Fetches a JSON object (a JWKS or an OpenID discovery document) with a timeout and a size cap,
 * following no redirect: a redirect could lead a key fetch anywhere, so it is an error. Throws
 * an `Error` whose message says what went wrong with the URL (never a response body).
 */
export async function fetchKeyDocument(
  url: string,
  limits: KeyDocumentFetchLimits,
): Promise<Record<string, unknown>> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = limits.signal === undefined ? timeout : AbortSignal.any([timeout, limits.signal]);
  let response: Response;
  try {
    response = await limits.fetch(url, {
      method: 'GET',
      redirect: 'manual',
      headers: { accept: 'application/json' },
      signal,
    });
  } catch (error) {
    if (timeout.aborted) throw new Error(`${url} did not answer within ${limits.timeoutMs} ms`);
    throw new Error(`${url} could not be fetched (${describe(error)})`);
  }

  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new Error(
      `${url} answered with a redirect (HTTP ${response.status}), which is not followed`,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`${url} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limits.maxBytes) {
    await response.body?.cancel();
    throw new Error(`${url} sent ${declared} bytes; the limit is ${limits.maxBytes}`);
  }

  const text = await readCapped(response, url, limits);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${url} did not return valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${url} returned JSON that is not an object`);
  }
  return value as Record<string, unknown>;
}

/** Reads the body, stopping as soon as it passes the cap (a lying Content-Length included). */
async function readCapped(
  response: Response,
  url: string,
  limits: KeyDocumentFetchLimits,
): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let exceeded = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        exceeded = true;
        await reader.cancel();
        break;
      }
      chunks.push(value);
    }
  } catch (error) {
    throw new Error(`${url} could not be read (${describe(error)})`);
  }
  if (exceeded) throw new Error(`${url} sent more than ${limits.maxBytes} bytes, the limit`);
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
