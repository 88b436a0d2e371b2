/**
 * GET over HTTP(S) with undici, for indexes, keys and packages. Transient
 * failures (5xx, 429, connection resets, timeouts, bodies shorter than their
 * Content-Length) are retried with exponential backoff; everything else fails
 * at once. Conditional requests (`If-None-Match`) let callers revalidate a
 * cached copy. Every message names the URL through `redactUrl`, and the URL
 * handed to undici has no userinfo, so credentials cannot leak via its errors.
 */
import { request, type Dispatcher } from 'undici';
import { FetchError, LimitError } from '../errors';
import { DEFAULT_RETRY, REDIRECTS, retrying, Transient, transientCode, type RetryPolicy } from '../net/retry';
import { prepareRequest } from './auth';
import { redactUrl } from '../redact';

export { DEFAULT_RETRY, type RetryPolicy } from '../net/retry';

/** Client settings; tests inject small values. */
export interface HttpOptions {
  /** Headers and body inactivity timeout per try, ms (default 60 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Where `HTTP_AUTH` is read from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** An undici dispatcher (default: the global one). */
  dispatcher?: Dispatcher;
  /** Redirects followed per request (default 10). */
  maxRedirects?: number;
}

/** The outcome of a GET: a body, or 304 when the `etag` sent still matches. */
export type HttpResult = { readonly status: 200; readonly body: Buffer; readonly etag?: string } | { readonly status: 304 };

/** A GET-only client. */
export interface HttpClient {
  /** Fetches `url` (which may carry credentials); `etag` makes the request conditional. */
  get(url: string, opts?: { etag?: string; maxBytes?: number }): Promise<HttpResult>;
}

async function readBody(body: Dispatcher.ResponseData['body'], expected: number | undefined, maxBytes: number, shown: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      body.destroy();
      throw new LimitError(`${shown} is larger than ${maxBytes} bytes`, { subject: shown, limit: maxBytes, hint: 'raise the size limit only if you trust this source' });
    }
    chunks.push(chunk as Buffer);
  }
  if (expected !== undefined && total !== expected) {
    throw Object.assign(new Transient(`the body ended after ${total} of ${expected} bytes`), { code: 'ETRUNCATED' });
  }
  return Buffer.concat(chunks, total);
}

function refusal(status: number, shown: string): FetchError {
  if (status === 401 || status === 403) {
    return new FetchError(`${shown} refused access (HTTP ${status})`, {
      url: shown,
      status,
      hint: 'give credentials in the repository URL (https://user:password@host/...) or as HTTP_AUTH=basic:<host>:<user>:<password>',
    });
  }
  if (status === 404) {
    return new FetchError(`${shown} does not exist (HTTP 404)`, { url: shown, status, hint: 'check the repository URL and architecture' });
  }
  return new FetchError(`${shown} answered HTTP ${status}`, { url: shown, status });
}

/** Makes a client with the given timeouts, retries and credentials source. */
export function createHttpClient(opts: HttpOptions = {}): HttpClient {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const timeout = opts.timeoutMs ?? 60_000;
  const env = opts.env ?? process.env;
  const maxRedirects = opts.maxRedirects ?? 10;

  /** One try, following redirects; throws Transient for what deserves a retry. */
  async function once(url: string, etag: string | undefined, maxBytes: number, shown: string): Promise<HttpResult> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const prepared = prepareRequest(current, env);
      const headers: Record<string, string> = { 'user-agent': 'apko-nx', 'accept-encoding': 'identity' };
      if (prepared.authorization !== undefined) headers.authorization = prepared.authorization;
      if (etag !== undefined) headers['if-none-match'] = etag;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(prepared.url, {
          method: 'GET',
          headers,
          headersTimeout: timeout,
          bodyTimeout: timeout,
          ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        });
      } catch (err) {
        if (transientCode(err) !== undefined) throw new Transient(`${transientCode(err)}: ${(err as Error).message}`, undefined, { cause: err });
        throw new FetchError(`GET ${shown} failed: ${(err as Error).message}`, { url: shown, cause: err });
      }
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump();
        if (hop >= maxRedirects) throw new FetchError(`${shown} redirected more than ${maxRedirects} times`, { url: shown });
        const next = new URL(location, prepared.url);
        // Credentials from the original URL go only to the same origin.
        const orig = new URL(current);
        if (next.origin === orig.origin) {
          next.username = orig.username;
          next.password = orig.password;
        }
        current = next.toString();
        continue;
      }
      if (res.statusCode === 304 && etag !== undefined) {
        await res.body.dump();
        return { status: 304 };
      }
      if (res.statusCode >= 500 || res.statusCode === 429) {
        await res.body.dump().catch(() => undefined);
        throw new Transient(`the server answered HTTP ${res.statusCode}`, res.statusCode);
      }
      if (res.statusCode !== 200) {
        await res.body.dump().catch(() => undefined);
        throw refusal(res.statusCode, shown);
      }
      const length = res.headers['content-length'];
      const expected = typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : undefined;
      if (expected !== undefined && expected > maxBytes) {
        res.body.destroy();
        throw new LimitError(`${shown} is larger than ${maxBytes} bytes`, { subject: shown, limit: maxBytes, hint: 'raise the size limit only if you trust this source' });
      }
      let body: Buffer;
      try {
        body = await readBody(res.body, expected, maxBytes, shown);
      } catch (err) {
        if (err instanceof Transient || err instanceof LimitError) throw err;
        if (transientCode(err) !== undefined) throw new Transient(`${transientCode(err)} while reading the body: ${(err as Error).message}`, undefined, { cause: err });
        throw new FetchError(`reading ${shown} failed: ${(err as Error).message}`, { url: shown, cause: err });
      }
      const tag = res.headers.etag;
      return typeof tag === 'string' ? { status: 200, body, etag: tag } : { status: 200, body };
    }
  }

  return {
    async get(url, getOpts = {}) {
      const shown = redactUrl(url);
      const maxBytes = getOpts.maxBytes ?? 2 ** 31;
      return retrying(
        retry,
        () => once(url, getOpts.etag, maxBytes, shown),
        (last) =>
          new FetchError(`GET ${shown} failed after ${retry.attempts} attempts: ${last?.message ?? 'no attempt was made'}`, {
            url: shown,
            ...(last?.status !== undefined ? { status: last.status } : {}),
            cause: last,
            hint: 'the server or the network is failing; try again later, or use --offline with a filled cache',
          }),
      );
    },
  };
}
