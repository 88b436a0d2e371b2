/**
 * One registry's client: the registry's reading of the one request loop
 * (engine/net/http.ts, which owns redirects, body caps, retries and where
 * credentials may go). Here: the scheme from `scheme.ts`, a `GET /v2/` ping
 * before the first request (which learns the auth challenge), and the
 * Authorization each request's scopes need, sent to the registry's own
 * origin only. A request body is bytes or a factory of fresh streams, so
 * every retry sends the whole body again. Messages name the URL without its
 * query (upload URLs carry opaque state); credentials never reach a message.
 */
import type { Dispatcher } from 'undici';
import { FETCH_DEFAULTS } from '../defaults';
import { RegistryError } from '../errors';
import { createTransport, type HttpMethod, type RequestBody } from '../net/http';
import { DEFAULT_RETRY, type RetryPolicy } from '../net/retry';
import { NO_CREDENTIALS_HINT, RegistryAuth, type CredentialSource, type TokenHttp } from './authn';
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
  /** The stall timeout: longest wait for headers or the next body bytes, per try, ms (default FETCH_DEFAULTS.stallMs). */
  readonly timeoutMs?: number;
  /** The deadline of one request, every try and redirect included, ms (default FETCH_DEFAULTS.deadlineMs). */
  readonly deadlineMs?: number;
  readonly userAgent?: string;
}

export type { RequestBody } from '../net/http';

/** One registry request. */
export interface RegistryRequest {
  readonly method: HttpMethod;
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

/** No credentials for any registry. */
const ANONYMOUS: CredentialSource = { name: 'no credentials', lookup: async () => undefined };

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
        : res.status >= 500
          ? 'the registry is failing; try again later'
          : `the registry refused the request${detail ? '; its error above says why' : ''}: check the repository name and that the registry accepts OCI images`;
  return new RegistryError(`${action} failed: ${res.shown} answered HTTP ${res.status}${detail ? ` (${detail})` : ''}`, {
    url: res.shown,
    status: res.status,
    hint,
  });
}

/**
 * A failure of one step of a push, said with the step (`pushing blob
 * sha256:… to host/repo`): the request loop's own errors name only the URL,
 * which for an upload is an opaque session. Errors that name the step
 * already, and errors that are not the registry's, pass as they are.
 */
export function inStep(err: unknown, action: string, subject: string): unknown {
  if (!(err instanceof RegistryError) || err.message.includes(subject)) return err;
  return new RegistryError(`${action} failed: ${err.message}`, {
    url: err.url,
    ...(err.status !== undefined ? { status: err.status } : {}),
    cause: err,
    hint: err.hint ?? 'the registry or the network is failing; try again later',
  });
}

/** Makes the client for one registry. */
export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const retry: RetryPolicy = { ...DEFAULT_REGISTRY_RETRY, ...opts.retry };
  const insecure = opts.insecure ?? false;
  const origin = `${registryScheme(opts.registry, insecure)}://${opts.registry}`;
  const userAgent = opts.userAgent ?? 'apko-nx';

  const transport = createTransport({
    error: RegistryError,
    exhaustedHint: 'the registry or the network is failing; try again later',
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
    deadlineHint: `the registry is stalling or too slow; try again later, or raise the deadline with --fetch-timeout (or ${FETCH_DEFAULTS.deadlineEnv}) if it is only slow`,
    retry,
    userAgent,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  });
  const withRetries = (method: HttpMethod, url: string, headers: Record<string, string>, body: RequestBody | undefined): Promise<RegistryResponse> =>
    transport.send({ method, url, headers, ...(body !== undefined ? { body } : {}) });

  const tokenHttp: TokenHttp = (req) => withRetries(req.method, req.url, { ...req.headers }, req.body === undefined ? undefined : Buffer.from(req.body));
  const auth = new RegistryAuth({ registry: opts.registry, credentials: opts.credentials ?? ANONYMOUS, http: tokenHttp, insecure });

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
