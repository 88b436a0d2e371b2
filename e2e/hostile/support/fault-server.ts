/**
 * A fault-injecting HTTP server on 127.0.0.x for the battery's network
 * cases. It serves a directory (the sandbox's good repository or a forged
 * one) as plain HTTP/1.1 and, per path, does exactly the wrong thing a case
 * asks for: an error status (always, or the first N times), a connection
 * reset after K body bytes, headers and then silence, one byte per interval
 * forever, a Content-Length that lies, other bytes under the name, a
 * Content-Encoding the client did not ask for, redirects (loops, other
 * origins), a declared size beyond any limit, headers that never end. It
 * speaks HTTP over raw sockets (node:net) so that every byte and every lie is
 * under the case's control, answers with `Connection: close`, and records
 * every request (method, path, Authorization, If-None-Match) so a case can
 * assert what reached which server. Test support only.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What a path does instead of (or before) being served. */
export type Fault =
  /** Answer `status` (with a registry-style JSON body); `times` tries, then serve normally (default: always). */
  | { kind: 'status'; status: number; times?: number }
  /** Send the headers and `afterBytes` of the body, then destroy the socket. */
  | { kind: 'reset'; afterBytes: number; times?: number }
  /** Send the headers, then nothing, ever; `times` tries, then serve normally (default: always). */
  | { kind: 'stall'; times?: number }
  /** Send the headers, then one body byte every `intervalMs`, forever. */
  | { kind: 'trickle'; intervalMs: number }
  /** Declare a Content-Length `delta` bytes off the real one (negative: shorter than the body sent). */
  | { kind: 'length'; delta: number; times?: number }
  /** Serve these bytes under the path. */
  | { kind: 'body'; bytes: Buffer }
  /** Add `Content-Encoding: gzip`; `wire: 'gzip'` also gzips the bytes on the wire, `'as-is'` sends them unchanged. */
  | { kind: 'encoding'; wire: 'gzip' | 'as-is' }
  /** Redirect (302 unless given) to `to`, absolute or relative; `{n}` in it is replaced by the request's count on this path. */
  | { kind: 'redirect'; to: string; status?: number }
  /** Declare `declared` bytes and stream zeros until the client hangs up. */
  | { kind: 'huge'; declared: number }
  /** Send the status line, then one header line every `intervalMs`, forever. */
  | { kind: 'slowloris'; intervalMs: number };

/** One request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly ifNoneMatch?: string;
  /** What was answered: a status, or the fault's kind. */
  answered: string;
}

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.x:<port>`. */
  readonly origin: string;
  readonly seen: SeenRequest[];
  /** Sets (or with undefined clears) the fault of `path` (exact URL path) or of every path a pattern matches. */
  fault(path: string | RegExp, fault: Fault | undefined): void;
  /** Clears every fault and the request log. */
  reset(): void;
  /** Serves ETags (sha256 of the bytes) and answers 304 to a matching If-None-Match. */
  etags: boolean;
  /** Serves another directory from now on. */
  root: string;
  stop(): Promise<void>;
}

interface ParsedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

function parseHead(head: string): ParsedRequest {
  const [line = '', ...rest] = head.split('\r\n');
  const [method = 'GET', target = '/'] = line.split(' ');
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { method, path: target.split('?')[0]!, headers };
}

const REASONS: Record<number, string> = { 200: 'OK', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 307: 'Temporary Redirect', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

function head(status: number, headers: Record<string, string | number>): string {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`, ...Object.entries({ connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Starts a fault server for `root` on `host` (default 127.0.0.1) and a free port. */
export async function startFaultServer(root: string, opts: { host?: string } = {}): Promise<FaultServer> {
  const faults: Array<{ match: string | RegExp; fault: Fault; used: number }> = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const seen: SeenRequest[] = [];

  const state = { root, etags: false };

  function faultFor(path: string): { fault: Fault; used: number } | undefined {
    for (let i = faults.length - 1; i >= 0; i--) {
      const f = faults[i]!;
      if (typeof f.match === 'string' ? f.match === path : f.match.test(path)) return f;
    }
    return undefined;
  }

  function every(sock: Socket, ms: number, fn: () => void): void {
    const t = setInterval(() => (sock.destroyed ? clearInterval(t) : fn()), ms);
    timers.add(t);
    sock.on('close', () => {
      clearInterval(t);
      timers.delete(t);
    });
  }

  function file(path: string): Buffer | undefined {
    const p = normalize(join(state.root, decodeURIComponent(path)));
    if (!p.startsWith(normalize(state.root)) || !existsSync(p) || !statSync(p).isFile()) return undefined;
    return readFileSync(p);
  }

  function answer(sock: Socket, req: ParsedRequest): void {
    const entry: SeenRequest = {
      method: req.method,
      path: req.path,
      ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['if-none-match'] !== undefined ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
      answered: '',
    };
    seen.push(entry);
    const n = (counts.get(req.path) ?? 0) + 1;
    counts.set(req.path, n);
    const found = faultFor(req.path);
    let fault = found?.fault;
    if (found && fault && 'times' in fault && fault.times !== undefined) {
      if (found.used >= fault.times) fault = undefined;
      else found.used++;
    }
    const bytes = fault?.kind === 'body' ? fault.bytes : file(req.path);
    const send = (status: number, headers: Record<string, string | number>, body: Buffer = Buffer.alloc(0)) => {
      entry.answered = String(status);
      sock.end(Buffer.concat([Buffer.from(head(status, headers)), req.method === 'HEAD' ? Buffer.alloc(0) : body]));
    };
    if (fault?.kind === 'status') {
      const body = Buffer.from('{"errors":[{"code":"UNKNOWN","message":"injected by the fault server"}]}');
      return send(fault.status, { 'content-type': 'application/json', 'content-length': body.length }, body);
    }
    if (fault?.kind === 'redirect') {
      return send(fault.status ?? 302, { location: fault.to.replace('{n}', String(n)), 'content-length': 0 });
    }
    if (fault?.kind === 'slowloris') {
      entry.answered = 'slowloris';
      sock.write('HTTP/1.1 200 OK\r\n');
      let i = 0;
      every(sock, fault.intervalMs, () => sock.write(`x-slow-${i++}: a\r\n`));
      return;
    }
    if (fault?.kind === 'huge') {
      entry.answered = 'huge';
      sock.write(head(200, { 'content-length': fault.declared, 'content-type': 'application/octet-stream' }));
      const zeros = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (!sock.destroyed && sock.write(zeros));
      };
      sock.on('drain', pump);
      pump();
      return;
    }
    if (bytes === undefined) return send(404, { 'content-length': 9 }, Buffer.from('not found'));
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
    const tagged: Record<string, string> = state.etags ? { etag } : {};
    if (state.etags && req.headers['if-none-match'] === etag) return send(304, { ...tagged });
    if (fault === undefined || fault.kind === 'body') return send(200, { 'content-length': bytes.length, ...tagged }, bytes);
    switch (fault.kind) {
      case 'reset':
        entry.answered = 'reset';
        sock.write(head(200, { 'content-length': bytes.length }));
        sock.write(bytes.subarray(0, fault.afterBytes), () => sock.destroy());
        return;
      case 'stall':
        entry.answered = 'stall';
        sock.write(head(200, { 'content-length': bytes.length }));
        return;
      case 'trickle': {
        entry.answered = 'trickle';
        sock.write(head(200, { 'content-length': bytes.length * 1000 + 1 }));
        let i = 0;
        every(sock, fault.intervalMs, () => sock.write(bytes.subarray(i % bytes.length, (i++ % bytes.length) + 1)));
        return;
      }
      case 'length':
        entry.answered = `length${fault.delta > 0 ? '+' : ''}${fault.delta}`;
        sock.end(Buffer.concat([Buffer.from(head(200, { 'content-length': bytes.length + fault.delta })), bytes]));
        return;
      case 'encoding': {
        const wire = fault.wire === 'gzip' ? gzipSync(bytes) : bytes;
        return send(200, { 'content-length': wire.length, 'content-encoding': 'gzip' }, wire);
      }
    }
  }

  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let answered = false;
    sock.on('data', (d: Buffer) => {
      if (answered) return; // request bodies are not read: the battery's repositories are GET-only
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      answered = true;
      answer(sock, parseHead(buf.subarray(0, end).toString('latin1')));
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://${host}:${port}`,
    seen,
    fault(match, fault) {
      for (let i = faults.length - 1; i >= 0; i--) if (String(faults[i]!.match) === String(match)) faults.splice(i, 1);
      if (fault !== undefined) faults.push({ match, fault, used: 0 });
    },
    reset() {
      faults.length = 0;
      seen.length = 0;
      counts.clear();
    },
    get etags() {
      return state.etags;
    },
    set etags(v: boolean) {
      state.etags = v;
    },
    get root() {
      return state.root;
    },
    set root(v: string) {
      state.root = v;
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
