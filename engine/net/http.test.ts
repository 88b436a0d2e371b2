import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, HttpError, LimitError, RegistryError } from '../errors';
import { basicAuthorization, createTransport, MAX_REDIRECTS, type HttpErrorClass } from './http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server whose answers each test sets; it records who asked for what, with which Authorization. */
class Loopback {
  handler: Handler = (_req, res) => res.writeHead(200).end('ok');
  seen: Array<{ method: string; url: string; authorization?: string }> = [];
  server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.seen.push({ method: req.method!, url: req.url!, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      req.resume();
      req.on('end', () => this.handler(req, res));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const a = new Loopback();
const b = new Loopback();
beforeAll(async () => {
  await a.start();
  await b.start();
});
afterAll(async () => {
  await a.stop();
  await b.stop();
});
afterEach(() => {
  a.seen = [];
  b.seen = [];
  a.handler = (_req, res) => res.writeHead(200).end('ok');
  b.handler = (_req, res) => res.writeHead(200).end('ok');
});

function transport(error: HttpErrorClass = FetchError) {
  return createTransport({ error, exhaustedHint: 'try again later', retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 5_000 });
}

async function failure(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    return e as HttpError;
  }
  throw new Error('expected a failure');
}

const BASIC = basicAuthorization('robot', 'pa:ss');

describe('createTransport: credentials', () => {
  it('sends URL userinfo as Basic auth, and never as userinfo on the wire', async () => {
    const res = await transport().send({ method: 'GET', url: `http://robot:${encodeURIComponent('pa:ss')}@${a.origin.slice(7)}/x` });
    expect(res.status).toBe(200);
    expect(a.seen).toEqual([{ method: 'GET', url: '/x', authorization: BASIC }]);
    expect(res.url).toBe(`${a.origin}/x`);
  });

  it('keeps URL userinfo and an Authorization header on a redirect within the origin', async () => {
    a.handler = (req, res) => (req.url === '/old' ? res.writeHead(302, { location: '/new' }).end() : res.writeHead(200).end('ok'));
    await transport().send({ method: 'GET', url: `http://robot:pa%3Ass@${a.origin.slice(7)}/old` });
    await transport().send({ method: 'GET', url: `${a.origin}/old`, headers: { Authorization: 'Bearer t0ken' } });
    expect(a.seen.map((s) => [s.url, s.authorization])).toEqual([
      ['/old', BASIC],
      ['/new', BASIC],
      ['/old', 'Bearer t0ken'],
      ['/new', 'Bearer t0ken'],
    ]);
  });

  it.each([
    ['URL userinfo', (origin: string) => ({ url: `http://robot:pa%3Ass@${origin.slice(7)}/blob` })],
    ['an Authorization header', (origin: string) => ({ url: `${origin}/blob`, headers: { authorization: BASIC } })],
  ])('leaves %s behind on a redirect to another origin', async (_what, request) => {
    a.handler = (_req, res) => res.writeHead(307, { location: `${b.origin}/storage/blob` }).end();
    b.handler = (_req, res) => res.writeHead(200).end('blob bytes');
    const res = await transport().send({ method: 'GET', ...request(a.origin) });
    expect(res.body.toString()).toBe('blob bytes');
    expect(res.url).toBe(`${b.origin}/storage/blob`);
    expect(a.seen[0]!.authorization).toBe(BASIC);
    expect(b.seen).toEqual([{ method: 'GET', url: '/storage/blob' }]);
  });

  it('asks for host-bound credentials on the hops the request’s own do not reach', async () => {
    a.handler = (_req, res) => res.writeHead(302, { location: `${b.origin}/mirror` }).end();
    const asked: string[] = [];
    await transport().send({
      method: 'GET',
      url: `${a.origin}/x`,
      hostAuthorization: (u) => (asked.push(u.origin), u.origin === b.origin ? 'Basic b-only' : undefined),
    });
    expect(asked).toEqual([a.origin, b.origin]);
    expect(a.seen[0]!.authorization).toBeUndefined();
    expect(b.seen[0]!.authorization).toBe('Basic b-only');
  });
});

describe('createTransport: redirects, caps and retries', () => {
  it(`stops after ${MAX_REDIRECTS} redirects with the caller's error class`, async () => {
    a.handler = (req, res) => res.writeHead(302, { location: `/loop${Number(req.url!.slice(5) || 0) + 1}` }).end();
    const err = await failure(transport(RegistryError).send({ method: 'GET', url: `${a.origin}/loop0` }));
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.message).toBe(`GET ${a.origin}/loop0 redirected more than 10 times`);
    expect(a.seen).toHaveLength(MAX_REDIRECTS + 1);
  });

  it('returns a redirect of a PUT instead of sending the body elsewhere', async () => {
    a.handler = (_req, res) => res.writeHead(307, { location: `${b.origin}/x` }).end();
    const res = await transport().send({ method: 'PUT', url: `${a.origin}/x`, body: Buffer.from('payload') });
    expect(res.status).toBe(307);
    expect(b.seen).toEqual([]);
  });

  it('refuses a body whose Content-Length is over the cap without reading it, and one that grows over it', async () => {
    a.handler = (req, res) => {
      if (req.url === '/declared') return void res.writeHead(200, { 'content-length': '2000' }).end(Buffer.alloc(2000));
      res.writeHead(200); // chunked: no length to check first
      res.write(Buffer.alloc(600));
      res.end(Buffer.alloc(600));
    };
    for (const path of ['/declared', '/chunked']) {
      const err = await failure(transport().send({ method: 'GET', url: `${a.origin}${path}`, maxBytes: 1000 }));
      expect(err).toBeInstanceOf(LimitError);
      expect(err.message).toBe(`${a.origin}${path} is larger than 1000 bytes`);
    }
    expect(a.seen).toHaveLength(2);
  });

  it('takes a HEAD whose Content-Length is over the cap: it names the size of a body it does not send', async () => {
    a.handler = (_req, res) => res.writeHead(200, { 'content-length': String(1 << 30) }).end();
    expect((await transport().send({ method: 'HEAD', url: `${a.origin}/big`, maxBytes: 10 })).status).toBe(200);
  });

  it('retries a body cut short of its Content-Length', async () => {
    let n = 0;
    a.handler = (req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      if (++n === 1) res.write('short', () => req.socket.destroy());
      else res.end('0123456789');
    };
    const res = await transport().send({ method: 'GET', url: `${a.origin}/t` });
    expect(res.body.toString()).toBe('0123456789');
    expect(a.seen).toHaveLength(2);
  });

  it('retries 5xx and 429, then gives up with the status, the hint and the password hidden', async () => {
    let n = 0;
    a.handler = (_req, res) => res.writeHead(++n === 1 ? 429 : 503).end('busy');
    const err = await failure(transport().send({ method: 'GET', url: `http://robot:hunter2@${a.origin.slice(7)}/f?sig=s3cret` }));
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(503);
    expect(err.message).toBe(`GET http://robot:xxxxx@${a.origin.slice(7)}/f failed after 3 attempts: the server answered HTTP 503`);
    expect(err.url).toBe(`http://robot:xxxxx@${a.origin.slice(7)}/f`);
    expect(err.hint).toBe('try again later');
    expect(`${err.message}${err.url}${String(err.stack)}`).not.toMatch(/hunter2|s3cret/);
    expect(a.seen).toHaveLength(3);
  });

  it('returns 4xx answers for the caller to judge, without retrying', async () => {
    a.handler = (_req, res) => res.writeHead(404).end('{"errors":[]}');
    const res = await transport().send({ method: 'GET', url: `${a.origin}/missing` });
    expect([res.status, res.body.toString(), res.shown]).toEqual([404, '{"errors":[]}', `${a.origin}/missing`]);
    expect(a.seen).toHaveLength(1);
  });
});

describe('createTransport: the stall timeout and the deadline', () => {
  const quick = (over: { timeoutMs?: number; deadlineMs?: number; attempts?: number } = {}) =>
    createTransport({
      error: FetchError,
      exhaustedHint: 'try again later',
      retry: { attempts: over.attempts ?? 3, baseDelayMs: 1, maxDelayMs: 2 },
      timeoutMs: over.timeoutMs ?? 5_000,
      deadlineMs: over.deadlineMs ?? 10_000,
    });

  it('ends a body that trickles a byte at a time at the deadline, naming the URL without its password', async () => {
    a.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      const tick = setInterval(() => (res.destroyed ? clearInterval(tick) : res.write('x')), 20);
      res.on('close', () => clearInterval(tick));
    };
    const started = Date.now();
    const err = await failure(quick({ deadlineMs: 400 }).send({ method: 'GET', url: `http://robot:hunter2@${a.origin.slice(7)}/trickle` }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toBe(`GET http://robot:xxxxx@${a.origin.slice(7)}/trickle did not finish within 400ms (the fetch deadline), while reading the body after 1 attempt`);
    expect(err.hint).toMatch(/--fetch-timeout/);
    expect(`${err.message}${err.url}`).not.toMatch(/hunter2/);
  });

  it('retries a server that sends headers and then nothing, each try ended by the stall timeout', async () => {
    a.handler = (_req, res) => void res.writeHead(200, { 'content-length': '10' }).flushHeaders();
    const err = await failure(quick({ timeoutMs: 100, attempts: 2 }).send({ method: 'GET', url: `${a.origin}/stall` }));
    expect(err.message).toBe(`GET ${a.origin}/stall failed after 2 attempts: no body bytes for 100ms while reading the body (the stall timeout)`);
    expect(a.seen).toHaveLength(2);
  });

  it('stops retrying at the deadline: no try starts after it', async () => {
    a.handler = (_req, res) => res.writeHead(503).end('busy');
    const t = createTransport({ error: FetchError, exhaustedHint: 'later', retry: { attempts: 50, baseDelayMs: 100, maxDelayMs: 100 }, deadlineMs: 300 });
    const err = await failure(t.send({ method: 'GET', url: `${a.origin}/busy` }));
    expect(err.message).toMatch(new RegExp(`^GET ${a.origin}/busy did not finish within 300ms \\(the fetch deadline\\), while waiting to retry after \\d attempts; before that: the server answered HTTP 503$`));
    expect(a.seen.length).toBeLessThan(10);
  });

  it('ends headers that never complete (slowloris) at the deadline', async () => {
    const { createServer: netServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const slow = netServer((sock) => {
      sockets.push(sock);
      sock.on('error', () => undefined);
      sock.write('HTTP/1.1 200 OK\r\n');
      const tick = setInterval(() => sock.write('X-Slow: a\r\n'), 20);
      sock.on('close', () => clearInterval(tick));
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`;
    try {
      const err = await failure(quick({ deadlineMs: 400 }).send({ method: 'GET', url }));
      expect(err.message).toMatch(new RegExp(`^GET ${url} did not finish within 400ms \\(the fetch deadline\\)`));
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});

describe('createTransport: https', () => {
  it('refuses a redirect from https to plain http, and sends nothing there', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createServer: httpsServer } = await import('node:https');
    const { Agent } = await import('undici');
    const dir = mkdtempSync(join(tmpdir(), 'apko-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    expect(made.status).toBe(0);
    const cert = readFileSync(join(dir, 'cert.pem'));
    const tls = httpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => res.writeHead(301, { location: `${b.origin}/plain` }).end());
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const origin = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    const dispatcher = new Agent({ connect: { ca: cert } });
    try {
      const t = createTransport({ error: FetchError, exhaustedHint: 'later', retry: { attempts: 1 }, dispatcher });
      const err = await failure(t.send({ method: 'GET', url: `https://robot:hunter2@${origin.slice(8)}/APKINDEX.tar.gz` }));
      expect(err).toBeInstanceOf(FetchError);
      expect(err.message).toBe(`GET https://robot:xxxxx@${origin.slice(8)}/APKINDEX.tar.gz redirected from https to ${b.origin}/plain, which is not https`);
      expect(err.hint).toMatch(/downgrades/);
      expect(b.seen).toEqual([]);
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((r) => tls.close(() => r()));
      await dispatcher.close();
    }
  });
});
