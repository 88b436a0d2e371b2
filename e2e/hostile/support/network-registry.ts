/**
 * Registry faults for the battery's publish cases: a loopback proxy in front
 * of the real docker-registry (e2e/support/registry.ts starts it) whose hook
 * decides, per request, to let it through, answer a status with a body and
 * headers of the case's choosing (a registry error code, a Bearer challenge),
 * drop the connection, or accept it and never answer. It records every
 * request (method, path without query, whether it carried credentials) and
 * can rewrite answer headers (a registry that stores other bytes than it was
 * sent). Also: what a tag points at, read straight from the registry, so a
 * case can prove that a failed publish never moved it. Test support only.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type RegistryFault =
  | { readonly status: number; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  | 'drop'
  | 'stall'
  | undefined;

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  readonly method: string;
  /** The path without its query. */
  readonly path: string;
  readonly authorization?: string;
  /** The status answered (injected or the registry's); 0 for dropped or stalled. */
  status: number;
}

/** A running fault proxy. */
export interface RegistryFaultProxy {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly seen: ProxiedRequest[];
  /** Decides each request's fault; `n` counts the requests that matched before (0 for the first). */
  hook: (req: ProxiedRequest) => RegistryFault;
  /** Extra answer headers for requests let through. */
  headers: (req: ProxiedRequest) => Record<string, string>;
  /** Clears the log, the hook and the header rewrites. */
  reset(): void;
  stop(): Promise<void>;
}

/** A registry error body as the distribution API writes it. */
export function registryErrorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

/** Starts a fault proxy in front of `target` (`host:port`); the Host header passes through, so upload locations point back at the proxy. */
export async function startRegistryFaultProxy(target: string): Promise<RegistryFaultProxy> {
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const seen: ProxiedRequest[] = [];
  const state = { hook: (_r: ProxiedRequest): RegistryFault => undefined, headers: (_r: ProxiedRequest): Record<string, string> => ({}) };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const entry: ProxiedRequest = {
      method: req.method!,
      path: req.url!.split('?')[0]!,
      ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
      status: 0,
    };
    seen.push(entry);
    const fault = state.hook(entry);
    if (fault === 'drop') return void req.socket.destroy();
    if (fault === 'stall') return void req.resume();
    if (fault !== undefined) {
      entry.status = fault.status;
      req.resume();
      const body = fault.body ?? registryErrorBody('UNKNOWN', 'injected by the fault proxy');
      res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(fault.headers ?? {}) }).end(body);
      return;
    }
    const upstream = httpRequest({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
      entry.status = up.statusCode!;
      res.writeHead(up.statusCode!, { ...up.headers, ...state.headers(entry) });
      up.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    seen,
    get hook() {
      return state.hook;
    },
    set hook(h) {
      state.hook = h;
    },
    get headers() {
      return state.headers;
    },
    set headers(h) {
      state.headers = h;
    },
    reset() {
      seen.length = 0;
      state.hook = () => undefined;
      state.headers = () => ({});
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const INDEX_ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';

/** The digest `host/repository:tag` points at (read from the registry directly), or undefined when the tag does not exist. */
export async function taggedDigest(host: string, repository: string, tag: string, authorization?: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `http://${host}/v2/${repository}/manifests/${tag}`,
      { method: 'HEAD', headers: { accept: INDEX_ACCEPT, ...(authorization ? { authorization } : {}) } },
      (res) => {
        res.resume();
        if (res.statusCode === 404) return resolve(undefined);
        if (res.statusCode !== 200) return reject(new Error(`HEAD ${host}/${repository}:${tag} answered ${res.statusCode}`));
        resolve(String(res.headers['docker-content-digest']));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
