import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../errors';
import type { Credential } from './authn';
import { createRegistryClient, inStep, responseError } from './client';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A loopback server whose behaviour each test sets; it records what it was asked. */
class Fake {
  handler: Handler = (_req, res) => res.writeHead(200).end('{}');
  seen: Array<{ method: string; url: string; authorization?: string; body: string }> = [];
  server!: Server;
  host = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        this.seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
        this.handler(req, res, body);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const reg = new Fake();
const other = new Fake();
beforeAll(async () => {
  await reg.start();
  await other.start();
});
afterAll(async () => {
  await reg.stop();
  await other.stop();
});
afterEach(() => {
  reg.seen = [];
  other.seen = [];
});

function client(cred?: Credential) {
  return createRegistryClient({ registry: reg.host, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, credentials: { name: 'test', lookup: async () => cred }, timeoutMs: 5_000 });
}

const PUSH = ['repository:acme/app:pull,push'];

describe('createRegistryClient', () => {
  it('speaks plain HTTP to a loopback registry and pings /v2/ once before the first request', async () => {
    reg.handler = (_req, res) => res.writeHead(200).end('{}');
    const c = client();
    expect(c.origin).toBe(`http://${reg.host}`);
    await c.send({ method: 'HEAD', url: '/v2/acme/app/blobs/sha256:x', scopes: PUSH });
    await c.send({ method: 'HEAD', url: '/v2/acme/app/blobs/sha256:y', scopes: PUSH });
    expect(reg.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /v2/', 'HEAD /v2/acme/app/blobs/sha256:x', 'HEAD /v2/acme/app/blobs/sha256:y']);
  });

  it('retries a 500 and a dropped connection, sending the whole body again each time', async () => {
    let n = 0;
    reg.handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      n++;
      if (n === 1) return void res.writeHead(500).end();
      if (n === 2) return void req.socket.destroy();
      res.writeHead(201).end();
    };
    let opened = 0;
    const res = await client().send({
      method: 'PUT',
      url: '/v2/acme/app/manifests/x',
      body: () => {
        opened++;
        return (async function* () {
          yield Buffer.from('hello ');
          yield Buffer.from('world');
        })();
      },
      scopes: PUSH,
    });
    expect(res.status).toBe(201);
    expect(opened).toBe(3);
    expect(reg.seen.filter((s) => s.method === 'PUT').map((s) => s.body)).toEqual(['hello world', 'hello world', 'hello world']);
  });

  it('gives up after the configured attempts with a RegistryError carrying the status', async () => {
    reg.handler = (req, res) => (req.url === '/v2/' ? res.writeHead(200).end('{}') : res.writeHead(503).end());
    const err = (await client()
      .send({ method: 'GET', url: '/v2/acme/app/manifests/latest?x=secret-state', scopes: PUSH })
      .catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.status).toBe(503);
    expect(err.message).toBe(`GET http://${reg.host}/v2/acme/app/manifests/latest failed after 3 attempts: the server answered HTTP 503`);
    expect(err.hint).toBe('the registry or the network is failing; try again later');
    expect(reg.seen.filter((s) => s.method === 'GET' && s.url !== '/v2/')).toHaveLength(3);
  });

  it('follows the bearer challenge of the ping: a token per scope from the realm, with the credentials', async () => {
    reg.handler = (req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/token') {
        if (req.headers.authorization !== `Basic ${Buffer.from('robot:pw').toString('base64')}`) return void res.writeHead(401).end();
        return void res.writeHead(200).end(JSON.stringify({ access_token: `tok:${url.searchParams.getAll('scope').join('+')}` }));
      }
      if (req.headers.authorization?.startsWith('Bearer tok:')) return void res.writeHead(200).end('{}');
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${reg.host}/token",service="fake"` }).end();
    };
    const c = client({ username: 'robot', password: 'pw' });
    const res = await c.send({ method: 'GET', url: '/v2/acme/app/tags/list', scopes: PUSH });
    expect(res.status).toBe(200);
    expect(reg.seen.map((s) => `${s.method} ${s.url.replace(/\?.*/, '')} ${s.authorization?.split(' ')[0] ?? '-'}`)).toEqual([
      'GET /v2/ -',
      'GET /token Basic',
      'GET /v2/acme/app/tags/list Bearer',
    ]);
    expect(reg.seen[2]!.authorization).toBe('Bearer tok:repository:acme/app:pull,push');
  });

  it('learns a challenge from a 401 on the request itself and retries once', async () => {
    reg.handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      if (req.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`) return void res.writeHead(201).end();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="push"' }).end();
    };
    const res = await client({ username: 'u', password: 'p' }).send({ method: 'PUT', url: '/v2/acme/app/manifests/1', body: Buffer.from('{}'), scopes: PUSH });
    expect(res.status).toBe(201);
    expect(reg.seen.filter((s) => s.method === 'PUT').map((s) => s.authorization !== undefined)).toEqual([false, true]);
  });

  it('fails with a RegistryError when the registry refuses the credentials it asked for', async () => {
    reg.handler = (_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
    const err = (await client({ username: 'u', password: 'wrong' })
      .send({ method: 'HEAD', url: '/v2/acme/app/blobs/sha256:x', scopes: PUSH })
      .catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.status).toBe(401);
    expect(err.message).toBe(`${reg.host} refused access to HEAD http://${reg.host}/v2/acme/app/blobs/sha256:x (HTTP 401)`);
    expect(err.hint).toContain('docker login');
  });

  it('does not carry the Authorization header through a redirect to another origin', async () => {
    reg.handler = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      res.writeHead(307, { location: `http://${other.host}/storage/blob` }).end();
    };
    other.handler = (_req, res) => res.writeHead(200).end('blob bytes');
    const res = await client({ username: 'u', password: 'p' }).send({ method: 'GET', url: '/v2/acme/app/blobs/sha256:x', scopes: PUSH });
    expect(res.body.toString()).toBe('blob bytes');
    expect(reg.seen.at(-1)!.authorization).toMatch(/^Basic /);
    expect(other.seen[0]!.authorization).toBeUndefined();
  });

  it('says so when the host does not serve the distribution API', async () => {
    reg.handler = (_req, res) => res.writeHead(404).end();
    const err = (await client()
      .send({ method: 'HEAD', url: '/v2/acme/app/blobs/sha256:x', scopes: PUSH })
      .catch((e: unknown) => e)) as RegistryError;
    expect(err.message).toBe(`http://${reg.host} does not serve the OCI distribution API (GET /v2/ answered 404)`);
  });
});

describe('responseError', () => {
  it("quotes the registry's error codes and messages", () => {
    const err = responseError(
      { status: 400, headers: {}, shown: 'http://r/v2/a/manifests/b', body: Buffer.from('{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"}]}') },
      'pushing manifest b',
    );
    expect(err.message).toBe('pushing manifest b failed: http://r/v2/a/manifests/b answered HTTP 400 (MANIFEST_INVALID: manifest invalid)');
    expect(err.status).toBe(400);
  });
});

describe('responseError: what to do', () => {
  const answer = (status: number, body = '') => responseError({ status, headers: {}, shown: 'http://r/v2/a/blobs/uploads/x', body: Buffer.from(body) }, 'uploading blob sha256:ab');
  it('says what to do for every status: refusals, missing repositories, failing registries', () => {
    expect(answer(400, '{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"bad"}]}').hint).toBe(
      'the registry refused the request; its error above says why: check the repository name and that the registry accepts OCI images',
    );
    expect(answer(404).hint).toBe('check the registry host and repository name');
    expect(answer(503).hint).toBe('the registry is failing; try again later');
    expect(answer(403).hint).toMatch(/docker login/);
  });
});

describe('inStep', () => {
  it("names the push step a request loop's error belonged to, keeping its URL, status and hint", () => {
    const loop = new RegistryError('PUT http://r/v2/a/blobs/uploads/x failed after 5 attempts: the server answered HTTP 500', { url: 'http://r/v2/a/blobs/uploads/x', status: 500, hint: 'later' });
    const err = inStep(loop, 'pushing blob sha256:ab to r/a', 'sha256:ab') as RegistryError;
    expect(err.message).toBe('pushing blob sha256:ab to r/a failed: PUT http://r/v2/a/blobs/uploads/x failed after 5 attempts: the server answered HTTP 500');
    expect([err.url, err.status, err.hint, err.cause]).toEqual(['http://r/v2/a/blobs/uploads/x', 500, 'later', loop]);
  });

  it('leaves an error that names the subject, or is not a registry error, as it is', () => {
    const named = new RegistryError('pushing blob sha256:ab failed', { url: 'u' });
    const other = new Error('boom');
    expect(inStep(named, 'pushing blob sha256:ab', 'sha256:ab')).toBe(named);
    expect(inStep(other, 'pushing blob sha256:ab', 'sha256:ab')).toBe(other);
  });
});

describe('createRegistryClient: the deadline', () => {
  it('gives up a registry that accepts a request and never answers at the deadline, saying which flag raises it', async () => {
    reg.handler = (req, res) => {
      if (req.url === '/v2/') res.writeHead(200).end('{}');
      // Anything else: never answered.
    };
    const c = createRegistryClient({ registry: reg.host, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, deadlineMs: 300 });
    const err = (await c.send({ method: 'PUT', url: '/v2/acme/app/manifests/v1', body: Buffer.from('{}'), scopes: PUSH }).catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.message).toBe(`PUT http://${reg.host}/v2/acme/app/manifests/v1 did not finish within 300ms (the fetch deadline), while waiting for the answer headers after 1 attempt`);
    expect(err.hint).toMatch(/--fetch-timeout/);
    reg.handler = (_req, res) => res.writeHead(200).end('{}');
  });
});
