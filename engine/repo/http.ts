/**
 * GET for indexes, keys and packages: the repository's reading of the one
 * request loop (engine/net/http.ts, which owns redirects, size caps,
 * retries and where credentials may go). Here: APK repository auth (URL
 * userinfo, else `HTTP_AUTH`, see repository-auth.ts), conditional requests
 * (`If-None-Match`) for revalidating a cached copy, and what a refusal means
 * for a repository. Every message names the URL redacted.
 */
import type { Dispatcher } from 'undici';
import { FetchError } from '../errors';
import { createTransport } from '../net/http';
import { fetchLimitsFrom } from '../net/limits';
import type { RetryPolicy } from '../net/retry';
import { redactRequestUrl } from '../redact';
import { httpAuthAuthorization, parseHttpAuth } from './repository-auth';

export { DEFAULT_RETRY, type RetryPolicy } from '../net/retry';

/** Client settings; tests inject small values. A run's FetchLimits (engine/net/limits.ts) are HttpOptions. */
export interface HttpOptions {
  /** The stall timeout: longest wait for headers or the next body bytes, per try, ms (default FETCH_DEFAULTS.stallMs). */
  timeoutMs?: number;
  /** The same as timeoutMs, as FetchLimits name it (timeoutMs wins when both are given). */
  stallMs?: number;
  /** The deadline of one GET, every try and redirect included, ms (default FETCH_DEFAULTS.deadlineMs). */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Where `HTTP_AUTH` is read from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** An undici dispatcher (default: the global one). */
  dispatcher?: Dispatcher;
  /** Redirects followed per request (default: the request loop's, 10). */
  maxRedirects?: number;
}

/** The outcome of a GET: a body, or 304 when the `etag` sent still matches. */
export type HttpResult = { readonly status: 200; readonly body: Buffer; readonly etag?: string } | { readonly status: 304 };

/** A GET-only client. */
export interface HttpClient {
  /** Fetches `url` (which may carry credentials); `etag` makes the request conditional. */
  get(url: string, opts?: { etag?: string; maxBytes?: number }): Promise<HttpResult>;
}

/** 2 GiB: the largest package accepted when the caller names no cap. */
const MAX_PACKAGE_BYTES = 2 ** 31;

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
  return new FetchError(`${shown} answered HTTP ${status}`, { url: shown, status, hint: 'check the repository URL; the server did not serve the file' });
}

/** Makes a client with the given timeouts, retries and credentials source. */
export function createHttpClient(opts: HttpOptions = {}): HttpClient {
  const env = opts.env ?? process.env;
  // Callers without a normalized request (the melange build root) still get the user's limits from the environment.
  const limits = opts.deadlineMs === undefined || (opts.timeoutMs ?? opts.stallMs) === undefined ? fetchLimitsFrom({}, env) : undefined;
  const transport = createTransport({
    error: FetchError,
    exhaustedHint: 'the server or the network is failing; try again later, or use --offline with a filled cache',
    timeoutMs: opts.timeoutMs ?? opts.stallMs ?? limits!.stallMs,
    deadlineMs: opts.deadlineMs ?? limits!.deadlineMs,
    ...(opts.retry !== undefined ? { retry: opts.retry } : {}),
    ...(opts.dispatcher !== undefined ? { dispatcher: opts.dispatcher } : {}),
    ...(opts.maxRedirects !== undefined ? { maxRedirects: opts.maxRedirects } : {}),
  });
  return {
    async get(url, getOpts = {}) {
      const httpAuth = parseHttpAuth(env.HTTP_AUTH);
      const res = await transport.send({
        method: 'GET',
        url,
        headers: getOpts.etag !== undefined ? { 'if-none-match': getOpts.etag } : {},
        maxBytes: getOpts.maxBytes ?? MAX_PACKAGE_BYTES,
        hostAuthorization: (u) => httpAuthAuthorization(httpAuth, u),
      });
      if (res.status === 304 && getOpts.etag !== undefined) return { status: 304 };
      if (res.status !== 200) throw refusal(res.status, redactRequestUrl(url));
      const tag = res.headers.etag;
      return typeof tag === 'string' ? { status: 200, body: res.body, etag: tag } : { status: 200, body: res.body };
    },
  };
}
