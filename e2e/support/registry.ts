/**
 * Real registries for push tests: Debian's `docker-registry` (distribution
 * 2.8) on 127.0.0.1 with a free port, a temp storage directory and a config
 * the test chooses (anonymous, htpasswd basic auth, or token auth against a
 * token server here); a loopback proxy in front of it that records every
 * request and can inject failures; and bcrypt hashes for htpasswd made with
 * perl's crypt() (libxcrypt's `$2b$`), so no new dependency is needed.
 * Readiness is polled (`GET /v2/` answers), never slept for.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** A free TCP port on 127.0.0.1 (the OS picks it; the listener is closed before returning). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A bcrypt (`$2b$`, cost 5) hash of `password` from perl's crypt(), as htpasswd -B would write. */
export function bcryptHash(password: string): string {
  const bytes = randomBytes(21);
  // 22 salt characters carry 128 bits; the last one may only be one of . O e u.
  const salt = [...bytes].map((b) => BCRYPT_ALPHABET[b % 64]).join('') + '.Oeu'[bytes[0]! % 4];
  const r = spawnSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}`], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.startsWith('$2b$05$')) throw new Error(`perl crypt() cannot make bcrypt hashes here: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Token auth settings for a registry (see startTokenServer). */
export interface TokenAuth {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly certFile: string;
}

/** A running docker-registry. */
export interface RunningRegistry {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly dir: string;
  /** What the registry printed so far. */
  output(): string;
  stop(): Promise<void>;
}

async function answers(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(`${origin}/v2/`, { method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 401);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Polls until `GET /v2/` answers, or fails after `timeoutMs` or when the process exits. */
export async function waitForRegistry(origin: string, child?: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the registry at ${origin} exited with ${child.exitCode}`);
    if (await answers(origin)) return;
    await delay(20); // poll interval, not synchronisation: the loop ends on the answer
  }
  throw new Error(`the registry at ${origin} did not answer GET /v2/ within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts docker-registry on a free loopback port: anonymous, with htpasswd users, or with token auth. */
export async function startRegistry(opts: { htpasswd?: { user: string; password: string }; token?: TokenAuth } = {}): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'apko-registry-'));
  let auth = '';
  if (opts.htpasswd) {
    writeFileSync(join(dir, 'htpasswd'), `${opts.htpasswd.user}:${bcryptHash(opts.htpasswd.password)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: apko-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (opts.token) {
    const t = opts.token;
    auth = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.certFile}\n`;
  }
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n` +
        `  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: apko-nx-test-secret\n${auth}`,
    );
    const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => (out = (out + d.toString('utf8')).slice(-256 * 1024));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const host = `127.0.0.1:${port}`;
    try {
      await waitForRegistry(`http://${host}`, child);
    } catch (err) {
      await stopChild(child);
      if (tries < 2) continue; // another process took the port in between
      throw new Error(`${(err as Error).message}\n${out}`);
    }
    return { host, dir, output: () => out, stop: () => stopChild(child) };
  }
}

/** One request as the proxy saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** The status returned to the client (injected or the registry's); 0 for a dropped connection. */
  status: number;
}

/** What a fault hook may do to a request: answer this status, drop the connection, or let it through. */
export type Fault = number | 'drop' | undefined;

/** A recording, fault-injecting proxy. */
export interface TestProxy {
  readonly host: string;
  readonly seen: SeenRequest[];
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A loopback HTTP proxy to `target` (`host:port`) that records each request,
 * lets `fault` fail it before it reaches the registry, and adds `extraHeaders`
 * to answers. The Host header passes through, so the registry's upload
 * locations point back at the proxy.
 */
export async function startProxy(
  target: string,
  opts: { fault?: (req: { method: string; path: string }) => Fault; extraHeaders?: (req: { method: string; path: string }) => Record<string, string> } = {},
): Promise<TestProxy> {
  const seen: SeenRequest[] = [];
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const entry: SeenRequest = { method: req.method!, path: req.url!, status: 0 };
    seen.push(entry);
    const fault = opts.fault?.(entry);
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (typeof fault === 'number') {
      entry.status = fault;
      req.resume();
      res.writeHead(fault, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"injected by the test proxy"}]}');
      return;
    }
    const upstream = httpRequest({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
      entry.status = up.statusCode!;
      res.writeHead(up.statusCode!, { ...up.headers, ...(opts.extraHeaders?.(entry) ?? {}) });
      up.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  const host = await listen(server);
  return { host, seen, stop: () => close(server) };
}

/** A token server for docker-registry's token auth: grants every requested scope to one user. */
export interface TokenServer extends TokenAuth {
  /** Each token request: the scopes asked for and whether the right credentials came with it. */
  readonly requests: Array<{ scopes: string[]; authorized: boolean; method: string }>;
  stop(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Starts a token server (realm `/token`) with a fresh self-signed certificate made by openssl. */
export async function startTokenServer(user: { user: string; password: string }): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'apko-token-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=apko-nx-test-token'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`openssl could not make a certificate: ${r.stderr}`);
  const key = createPrivateKey(readFileSync(keyFile));
  const certDer = new X509Certificate(readFileSync(certFile)).raw;
  const service = 'apko-nx-test-registry';
  const issuer = 'apko-nx-test-issuer';
  const requests: TokenServer['requests'] = [];
  const expected = `Basic ${Buffer.from(`${user.user}:${user.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
      const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '');
      const authorized = req.headers.authorization === expected;
      requests.push({ scopes, authorized, method: req.method! });
      if (!authorized) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const access = scopes.map((s) => {
        const [type, ...rest] = s.split(':');
        const actions = rest.pop()!.split(',');
        return { type, name: rest.join(':'), actions };
      });
      const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] };
      const claims = { iss: issuer, sub: user.user, aud: service, exp: now + 600, nbf: now - 60, iat: now, jti: createHash('sha256').update(randomBytes(16)).digest('hex'), access };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      const token = `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 600 }));
    });
  });
  const host = await listen(server);
  return { realm: `http://${host}/token`, service, issuer, certFile, requests, stop: () => close(server) };
}
