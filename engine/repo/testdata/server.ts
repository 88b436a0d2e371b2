/**
 * A real HTTP server on 127.0.0.1 serving a directory, for repository tests.
 * Faults are queued per path and consumed one per request, so a test says
 * exactly which request fails and how. ETags are the quoted sha1 of the file.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** What a request can be made to suffer. */
export type Fault = 'status500' | 'status503' | 'reset' | 'truncate' | 'hang';

/** A request as the server saw it. */
export interface SeenRequest {
  readonly path: string;
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
}

/** The running server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  /** Queues faults for the next requests to `path`. */
  fail(path: string, ...faults: Fault[]): void;
  /** Answers `from` with a 302 to `to`. */
  redirect(from: string, to: string): void;
  /** Requests to `path` so far. */
  hits(path: string): SeenRequest[];
  close(): Promise<void>;
}

/** Serves `root`; with `auth`, every request needs that basic auth; `etags: false` sends none. */
export async function startServer(root: string, opts: { auth?: { user: string; password: string }; etags?: boolean } = {}): Promise<TestServer> {
  const faults = new Map<string, Fault[]>();
  const redirects = new Map<string, string>();
  const seen: SeenRequest[] = [];
  const expectedAuth = opts.auth ? `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}` : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const record = (status: number): void => void seen.push({ path, status, headers: req.headers });
    const fault = faults.get(path)?.shift();
    if (fault === 'reset') {
      record(0);
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'hang') {
      record(0);
      return;
    }
    if (fault === 'status500' || fault === 'status503') {
      record(fault === 'status500' ? 500 : 503);
      res.writeHead(fault === 'status500' ? 500 : 503).end('server error');
      return;
    }
    if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) {
      record(401);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="repo"' }).end('unauthorized');
      return;
    }
    const target = redirects.get(path);
    if (target !== undefined) {
      record(302);
      res.writeHead(302, { location: target }).end();
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(join(root, path));
    } catch {
      record(404);
      res.writeHead(404).end('not found');
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    const headers: Record<string, string | number> = { 'content-length': body.length };
    if (opts.etags !== false) headers.etag = etag;
    if (opts.etags !== false && req.headers['if-none-match'] === etag) {
      record(304);
      res.writeHead(304, { etag }).end();
      return;
    }
    record(200);
    if (fault === 'truncate') {
      res.writeHead(200, headers);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
      return;
    }
    res.writeHead(200, headers).end(body);
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    fail: (path, ...f) => faults.set(path, [...(faults.get(path) ?? []), ...f]),
    redirect: (from, to) => void redirects.set(from, to),
    hits: (path) => seen.filter((s) => s.path === path),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
