/**
 * The one HTTP request loop, under the repository client (engine/repo/http.ts)
 * and the registry client (engine/registry/client.ts), as go-containerregistry's
 * `remote/transport` sits under every remote call. One try follows GET and
 * HEAD redirects (at most 10, the limit of Go's net/http that apko and ggcr
 * inherit), reads the body under a size cap and checks it against its
 * Content-Length. 5xx, 429, dropped connections, timeouts and short bodies are
 * retried (net/retry.ts); every other answer is returned, for the caller to
 * judge. Credentials go only to the origin they were given for: URL userinfo
 * (sent as Basic auth, never as userinfo on the wire) and an Authorization
 * header are both left behind on a redirect to another origin; a redirect
 * from https to plain http is refused. Two clocks bound a request: the stall
 * timeout (each wait for headers or for the next body bytes, per try) and the
 * deadline (the whole request: every try, redirect and backoff), so neither a
 * server that stops answering nor one that trickles a byte at a time can hold
 * a build. Failures are the caller's HttpError subclass, naming the request by
 * redactRequestUrl, with a hint.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { FETCH_DEFAULTS } from '../defaults';
import { LimitError, type ApkoErrorOptions, type HttpError } from '../errors';
import { redactRequestUrl, redactText } from '../redact';
import { formatDuration } from './duration';
import { redirectTarget } from './redirect';
import { DEFAULT_RETRY, REDIRECTS, retrying, Transient, transientCode, type RetryPolicy } from './retry';

/**
 * undici, loaded on the first request: it is a hundred modules, and a run
 * that reads only local repositories and the cache (show-packages --offline,
 * a cached build) never sends one.
 */
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = (): Promise<typeof import('undici')> => (undici ??= import('undici'));

/** The methods the engine sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';

/** A request body: bytes, or a factory giving a fresh stream for every try. */
export type RequestBody = Buffer | (() => AsyncIterable<Uint8Array>);

/** One request. */
export interface HttpRequest {
  readonly method: HttpMethod;
  /** An absolute URL; its userinfo is sent as Basic auth, to its own origin only. */
  readonly url: string;
  /** Request headers; an `authorization` among them goes to the URL's origin only. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** Largest body accepted, in bytes (default DEFAULT_MAX_BODY). */
  readonly maxBytes?: number;
  /** Credentials bound to a host rather than to this request (HTTP_AUTH): asked on every hop the request's own credentials do not reach. */
  readonly hostAuthorization?: (url: URL) => string | undefined;
}

/** An answer, body read. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The URL that answered (after redirects), without userinfo. */
  readonly url: string;
  /** That URL as messages name it. */
  readonly shown: string;
}

/** The error class a client raises: FetchError for repositories, RegistryError for registries. */
export type HttpErrorClass = new (message: string, opts: ApkoErrorOptions & { url: string; status?: number }) => HttpError;

/** How a client's requests are made. */
export interface TransportOptions {
  readonly error: HttpErrorClass;
  /** What a user can do when the tries run out. */
  readonly exhaustedHint: string;
  /** The stall timeout: longest wait for the headers or the next body bytes, per try, ms (default FETCH_DEFAULTS.stallMs). */
  readonly timeoutMs?: number;
  /** The deadline of one request, every try, redirect and backoff included, ms (default FETCH_DEFAULTS.deadlineMs). */
  readonly deadlineMs?: number;
  /** What a user can do when the deadline passes (default: raise --fetch-timeout, or try again later). */
  readonly deadlineHint?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** An undici dispatcher (default: the global one). */
  readonly dispatcher?: Dispatcher;
  /** Redirects followed per request (default MAX_REDIRECTS). */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
}

/** Sends requests with the redirects, caps, retries and credential rules above. */
export interface HttpTransport {
  send(req: HttpRequest): Promise<HttpResponse>;
}

/** Redirects followed per request: Go's net/http default. */
export const MAX_REDIRECTS = 10;

/** 16 MiB: indexes, keys, manifests and registry answers fit; package callers pass their own cap. */
export const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/** The Basic Authorization value for a user and password (UTF-8), for every client that sends one. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** The request's own credentials, the origin they belong to, and the URL to send (userinfo removed). */
function ownCredentials(req: HttpRequest): { origin: string; authorization?: string; url: string } {
  const u = new URL(req.url);
  let authorization = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  if (u.username !== '' || u.password !== '') {
    authorization ??= basicAuthorization(decodeURIComponent(u.username), decodeURIComponent(u.password));
    u.username = '';
    u.password = '';
  }
  return { origin: u.origin, url: u.toString(), ...(authorization !== undefined ? { authorization } : {}) };
}

/** The default deadline hint: the flag and the variable that raise it. */
export const DEADLINE_HINT = `the server is stalling or too slow; try again later or use another mirror, or raise the deadline with --fetch-timeout (or ${FETCH_DEFAULTS.deadlineEnv}) if it is only slow`;

/** The request's deadline passed; carries what the last try was doing. */
class DeadlinePassed extends Error {}

/** A Transient for what deserves another try, else undefined; timeouts are said in words, with the stall timeout. */
function transient(err: unknown, what: string, stallMs: number): Transient | undefined {
  const code = transientCode(err);
  if (code === undefined) return undefined;
  const stall = formatDuration(stallMs);
  const message =
    code === 'UND_ERR_HEADERS_TIMEOUT'
      ? `no complete answer headers within ${stall} (the stall timeout)`
      : code === 'UND_ERR_BODY_TIMEOUT'
        ? `no body bytes for ${stall}${what} (the stall timeout)`
        : `${code}${what}: ${redactText((err as Error).message)}`;
  return new Transient(message, undefined, { cause: err });
}

function tooLarge(shown: string, maxBytes: number): LimitError {
  return new LimitError(`${shown} is larger than ${maxBytes} bytes`, {
    subject: shown,
    limit: maxBytes,
    hint: 'the server sent more than this file can be; check the URL, and raise the size limit only if you trust this source',
  });
}

/** Stops reading a body; undici reports the abort as an error nobody needs. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function readBody(body: Dispatcher.ResponseData['body'], expected: number | undefined, maxBytes: number, shown: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      discard(body);
      throw tooLarge(shown, maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  if (expected !== undefined && total !== expected) {
    throw Object.assign(new Transient(`the body ended after ${total} of ${expected} bytes`), { code: 'ETRUNCATED' });
  }
  return Buffer.concat(chunks, total);
}

/** Makes a transport for one client. */
export function createTransport(opts: TransportOptions): HttpTransport {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const timeout = opts.timeoutMs ?? FETCH_DEFAULTS.stallMs;
  const deadlineMs = opts.deadlineMs ?? FETCH_DEFAULTS.deadlineMs;
  const maxRedirects = opts.maxRedirects ?? MAX_REDIRECTS;
  const userAgent = opts.userAgent ?? 'apko-nx';

  /** One try, following redirects; throws Transient for what deserves a retry. */
  async function once(req: HttpRequest, own: ReturnType<typeof ownCredentials>, signal: AbortSignal): Promise<HttpResponse> {
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_BODY;
    const rest = Object.fromEntries(Object.entries(req.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'authorization'));
    let current = own.url;
    for (let hop = 0; ; hop++) {
      const target = new URL(current);
      // The first hop is named as the caller wrote it (user kept, password hidden).
      const shown = redactRequestUrl(hop === 0 ? req.url : current);
      const authorization = target.origin === own.origin && own.authorization !== undefined ? own.authorization : req.hostAuthorization?.(target);
      const headers: Record<string, string> = { 'user-agent': userAgent, 'accept-encoding': 'identity', ...rest };
      if (authorization !== undefined) headers.authorization = authorization;
      let res: Dispatcher.ResponseData;
      try {
        const { request } = await loadUndici();
        res = await request(current, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: Buffer.isBuffer(req.body) ? req.body : Readable.from(req.body(), { objectMode: false }) } : {}),
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal,
          ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        });
      } catch (err) {
        if (signal.aborted) throw new DeadlinePassed('waiting for the answer headers', { cause: err });
        throw (
          transient(err, '', timeout) ??
          new opts.error(`${req.method} ${shown} failed: ${redactText((err as Error).message)}`, { url: shown, cause: err, hint: 'check the URL, and that the server is reachable' })
        );
      }
      const location = res.headers.location;
      if ((req.method === 'GET' || req.method === 'HEAD') && REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump();
        if (hop >= maxRedirects) {
          const first = redactRequestUrl(req.url);
          throw new opts.error(`${req.method} ${first} redirected more than ${maxRedirects} times`, { url: first, status: res.statusCode, hint: 'the server redirects in a loop; check the URL' });
        }
        const next = redirectTarget(location, target, { method: req.method, shown, status: res.statusCode, error: opts.error });
        current = next.toString();
        continue;
      }
      if (res.statusCode >= 500 || res.statusCode === 429) {
        await res.body.dump().catch(() => undefined);
        throw new Transient(`the server answered HTTP ${res.statusCode}`, res.statusCode);
      }
      // A HEAD's Content-Length is the size of the body it did not send.
      const bodiless = req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
      const length = res.headers['content-length'];
      const expected = !bodiless && typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : undefined;
      if (expected !== undefined && expected > maxBytes) {
        discard(res.body);
        throw tooLarge(shown, maxBytes);
      }
      let body: Buffer;
      try {
        body = await readBody(res.body, expected, maxBytes, shown);
      } catch (err) {
        if (err instanceof Transient || err instanceof LimitError) throw err;
        if (signal.aborted) throw new DeadlinePassed('reading the body', { cause: err });
        throw (
          transient(err, ' while reading the body', timeout) ??
          new opts.error(`${req.method} ${shown} failed while reading the body: ${redactText((err as Error).message)}`, { url: shown, cause: err, hint: 'check the URL, and that the server is reachable' })
        );
      }
      return { status: res.statusCode, headers: res.headers, body, url: current, shown };
    }
  }

  return {
    async send(req) {
      let own: ReturnType<typeof ownCredentials>;
      try {
        own = ownCredentials(req);
      } catch (err) {
        const shown = redactRequestUrl(req.url);
        throw new opts.error(`${req.method} ${shown}: not a valid URL`, { url: shown, cause: err, hint: 'check the host and path' });
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), deadlineMs);
      let tries = 0;
      let last: Transient | undefined;
      try {
        return await retrying(
          retry,
          async () => {
            tries++;
            try {
              return await once(req, own, controller.signal);
            } catch (err) {
              if (err instanceof Transient) last = err;
              throw err;
            }
          },
          (final) => {
            const shown = redactRequestUrl(req.url);
            return new opts.error(`${req.method} ${shown} failed after ${retry.attempts} attempts: ${final?.message ?? 'no attempt was made'}`, {
              url: shown,
              ...(final?.status !== undefined ? { status: final.status } : {}),
              cause: final,
              hint: opts.exhaustedHint,
            });
          },
          controller.signal,
        );
      } catch (err) {
        if (!controller.signal.aborted || err instanceof LimitError || (err instanceof Error && 'url' in err && !(err instanceof DeadlinePassed))) throw err;
        const shown = redactRequestUrl(req.url);
        const doing = err instanceof DeadlinePassed ? `while ${err.message}` : 'while waiting to retry';
        const before = last !== undefined ? `; before that: ${last.message}` : '';
        throw new opts.error(`${req.method} ${shown} did not finish within ${formatDuration(deadlineMs)} (the fetch deadline), ${doing} after ${tries} attempt${tries === 1 ? '' : 's'}${before}`, {
          url: shown,
          cause: err,
          hint: opts.deadlineHint ?? DEADLINE_HINT,
        });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
