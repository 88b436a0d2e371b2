/**
 * One registry's HTTP client over undici: the scheme from `scheme.ts`, a
 * `GET /v2/` ping before the first request (which learns the auth
 * challenge), the Authorization each request's scopes need, and retries with
 * exponential backoff and jitter on 5xx, 429 and dropped connections. A
 * request body is bytes or a factory of fresh streams, so every retry sends
 * the whole body again. Messages name the method and URL without its query
 * (upload URLs carry opaque state); credentials never reach a message.
 */
import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { RegistryError } from '../errors';
import { NO_CREDENTIALS_HINT, RegistryAuth, type CredentialSource, type TokenHttp } from './auth';
import { DEFAULT_RETRY, REDIRECTS, retrying, Transient, transientCode, type RetryPolicy } from '../net/retry';
import { registryScheme } from './scheme';

export type { RetryPolicy } from '../net/retry';

/** Five tries over about four seconds: rides out a registry restart or a load balancer hiccup. */
export const DEFAULT_REGISTRY_RETRY: RetryPolicy = DEFAULT_RETRY;

/** Settings of one registry's client; tests inject small retry delays. */
export interface RegistryClientOptions {
  /** `host[:port]`. */
  readonly registry: string;
  /** Allow plain HTTP to a non-loopback registry. */
  readonly insecure?: boolean;
  readonly credentials?: CredentialSource;
  readonly retry?: Partial<RetryPolicy>;
  readonly dispatcher?: Dispatcher;
  /** Headers and body inactivity timeout per try, ms (default 60 s). */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
}

/** A request body: bytes, or a factory giving a fresh stream for every try. */
export type RequestBody = Buffer | (() => AsyncIterable<Uint8Array>);

/** One registry request. */
export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  /** A path (`/v2/…`) or an absolute URL the registry handed out (an upload location). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** Token scopes the request needs, e.g. `repository:acme/app:pull,push`. */
  readonly scopes: readonly string[];
}

/** A registry's answer, body read (registry answers other than blobs are small). */
export interface RegistryResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The URL answered, without its query, for messages. */
  readonly shown: string;
}

/** A client bound to one registry. */
export interface RegistryClient {
  readonly registry: string;
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** Sends `req`, authenticating and retrying as needed; any final status is returned, except 401. */
  send(req: RegistryRequest): Promise<RegistryResponse>;
}

const MAX_BODY = 16 * 1024 * 1024;

/** The URL without query or fragment. */
export function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** The first value of a response header. */
export function headerValue(res: Pick<RegistryResponse, 'headers'>, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The token scope for `repository` with `actions`. */
export function repositoryScope(repository: string, actions: 'pull' | 'pull,push' = 'pull,push'): string {
  return `repository:${repository}:${actions}`;
}

/** A RegistryError for an unexpected answer, quoting the registry's own error codes. */
export function responseError(res: RegistryResponse, action: string): RegistryError {
  let detail = '';
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    detail = (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    detail = '';
  }
  const hint =
    res.status === 401 || res.status === 403
      ? `the registry denied access; check that your credentials may push there (${NO_CREDENTIALS_HINT})`
      : res.status === 404
        ? 'check the registry host and repository name'
        : undefined;
  return new RegistryError(`${action} failed: ${res.shown} answered HTTP ${res.status}${detail ? ` (${detail})` : ''}`, {
    url: res.shown,
    status: res.status,
    ...(hint ? { hint } : {}),
  });
}

/** Makes the client for one registry. */
export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const retry: RetryPolicy = { ...DEFAULT_REGISTRY_RETRY, ...opts.retry };
  const timeout = opts.timeoutMs ?? 60_000;
  const insecure = opts.insecure ?? false;
  const origin = `${registryScheme(opts.registry, insecure)}://${opts.registry}`;
  const userAgent = opts.userAgent ?? 'apko-nx';

  /** One try: follows GET/HEAD redirects; throws Transient for what deserves a retry. */
  async function once(method: string, url: string, headers: Record<string, string>, body: RequestBody | undefined): Promise<RegistryResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const shown = shownUrl(current);
      let res: Dispatcher.ResponseData;
      try {
        res = await request(current, {
          method: method as Dispatcher.HttpMethod,
          headers: { 'user-agent': userAgent, ...headers },
          ...(body !== undefined ? { body: Buffer.isBuffer(body) ? body : Readable.from(body(), { objectMode: false }) } : {}),
          headersTimeout: timeout,
          bodyTimeout: timeout,
          ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        });
      } catch (err) {
        const code = transientCode(err);
        if (code !== undefined) throw new Transient(`${method} ${shown}: ${code}`, undefined, { cause: err });
        throw new RegistryError(`${method} ${shown} failed: ${(err as Error).message}`, { url: shown, cause: err });
      }
      const location = res.headers.location;
      if ((method === 'GET' || method === 'HEAD') && REDIRECTS.has(res.statusCode) && typeof location === 'string' && hop < 5) {
        await res.body.dump();
        const next = new URL(location, current);
        // Credentials go only to the registry's own origin.
        if (next.origin !== new URL(current).origin) delete headers.authorization;
        current = next.toString();
        continue;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      try {
        for await (const chunk of res.body) {
          total += (chunk as Buffer).length;
          if (total > MAX_BODY) {
            res.body.destroy();
            throw new RegistryError(`${method} ${shown} answered with more than ${MAX_BODY} bytes`, { url: shown, status: res.statusCode });
          }
          chunks.push(chunk as Buffer);
        }
      } catch (err) {
        if (err instanceof RegistryError) throw err;
        const code = transientCode(err);
        if (code !== undefined) throw new Transient(`${method} ${shown}: ${code} while reading the answer`, undefined, { cause: err });
        throw new RegistryError(`${method} ${shown} failed while reading the answer: ${(err as Error).message}`, { url: shown, cause: err });
      }
      if (res.statusCode >= 500 || res.statusCode === 429) throw new Transient(`${method} ${shown} answered HTTP ${res.statusCode}`, res.statusCode);
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks, total), shown };
    }
  }

  /** `once` with retries on transient failures. */
  async function withRetries(method: string, url: string, headers: Record<string, string>, body: RequestBody | undefined): Promise<RegistryResponse> {
    return retrying(
      retry,
      () => once(method, url, { ...headers }, body),
      (last) => {
        const shown = shownUrl(url);
        return new RegistryError(`${method} ${shown} failed after ${retry.attempts} attempts: ${last?.message ?? 'no attempt was made'}`, {
          url: shown,
          ...(last?.status !== undefined ? { status: last.status } : {}),
          cause: last,
          hint: 'the registry or the network is failing; try again later',
        });
      },
    );
  }

  const tokenHttp: TokenHttp = (req) => withRetries(req.method, req.url, { ...req.headers }, req.body === undefined ? undefined : Buffer.from(req.body));
  const auth = new RegistryAuth({ registry: opts.registry, credentials: opts.credentials ?? (async () => undefined), http: tokenHttp, insecure });

  let pinged: Promise<void> | undefined;
  /** `GET /v2/` once: confirms the registry speaks the distribution API and learns its challenge. */
  function ping(): Promise<void> {
    pinged ??= (async () => {
      const res = await withRetries('GET', `${origin}/v2/`, {}, undefined);
      if (res.status === 401) auth.learn(res.headers['www-authenticate']);
      else if (res.status === 404) {
        throw new RegistryError(`${origin} does not serve the OCI distribution API (GET /v2/ answered 404)`, {
          url: `${origin}/v2/`,
          status: 404,
          hint: 'check the registry host and port',
        });
      }
    })();
    pinged.catch(() => (pinged = undefined));
    return pinged;
  }

  return {
    registry: opts.registry,
    origin,
    async send(req) {
      await ping();
      const url = new URL(req.url, origin).toString();
      let scopes = req.scopes;
      for (let round = 0; ; round++) {
        const headers: Record<string, string> = { ...req.headers };
        const authorization = new URL(url).origin === origin ? await auth.header(scopes) : undefined;
        if (authorization !== undefined) headers.authorization = authorization;
        const res = await withRetries(req.method, url, headers, req.body);
        if (res.status !== 401) return res;
        const next = round === 0 ? await auth.unauthorized(res.headers['www-authenticate'], scopes) : undefined;
        if (next === undefined) {
          throw new RegistryError(`${opts.registry} refused access to ${req.method} ${res.shown} (HTTP 401)`, {
            url: res.shown,
            status: 401,
            hint: NO_CREDENTIALS_HINT,
          });
        }
        scopes = next;
      }
    },
  };
}
