import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, LimitError } from '../errors';
import { createHttpClient, type HttpOptions } from './http';
import { startServer, type TestServer } from './testdata/server';

const BODY = Buffer.alloc(64 * 1024, 'apk!');
let root: string;
let server: TestServer;
let authServer: TestServer;
let agent: Agent;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'apko-http-'));
  writeFileSync(join(root, 'file.bin'), BODY);
  server = await startServer(root);
  authServer = await startServer(root, { auth: { user: 'robot', password: 'pa:ss w0rd' } });
  agent = new Agent({ keepAliveTimeout: 10 });
});

afterEach(() => {
  server.seen.length = 0;
  authServer.seen.length = 0;
});

afterAll(async () => {
  await agent.close();
  await server.close();
  await authServer.close();
  rmSync(root, { recursive: true, force: true });
});

function client(opts: HttpOptions = {}) {
  return createHttpClient({ dispatcher: agent, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, env: {}, timeoutMs: 5_000, ...opts });
}

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (e) {
    return e as FetchError;
  }
  throw new Error('expected a failure');
}

/** Every text a user could be shown: messages, hints, causes. */
function everythingShown(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String((e as Error).message), String((e as { hint?: string }).hint), String((e as { url?: string }).url), String((e as Error).stack));
  }
  return parts.join('\n');
}

describe('createHttpClient().get', () => {
  it('returns the body and the ETag', async () => {
    const res = await client().get(`${server.origin}/file.bin`);
    expect(res.status).toBe(200);
    expect(res.status === 200 && res.body.equals(BODY)).toBe(true);
    expect(res.status === 200 && res.etag).toMatch(/^"[0-9a-f]{40}"$/);
  });

  it('retries a 500 and succeeds on the next try', async () => {
    server.fail('/file.bin', 'status500');
    const res = await client().get(`${server.origin}/file.bin`);
    expect(res.status).toBe(200);
    expect(server.hits('/file.bin').map((s) => s.status)).toEqual([500, 200]);
  });

  it('gives up after the configured attempts with a FetchError carrying the status', async () => {
    server.fail('/file.bin', 'status503', 'status503', 'status503');
    const err = await failure(client().get(`${server.origin}/file.bin`));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.status).toBe(503);
    expect(err.message).toBe(`GET ${server.origin}/file.bin failed after 3 attempts: the server answered HTTP 503`);
    expect(server.hits('/file.bin')).toHaveLength(3);
  });

  it('retries after a connection reset', async () => {
    server.fail('/file.bin', 'reset');
    const res = await client().get(`${server.origin}/file.bin`);
    expect(res.status === 200 && res.body.equals(BODY)).toBe(true);
    expect(server.hits('/file.bin').map((s) => s.status)).toEqual([0, 200]);
  });

  it('retries a body cut short of its Content-Length', async () => {
    server.fail('/file.bin', 'truncate');
    const res = await client().get(`${server.origin}/file.bin`);
    expect(res.status === 200 && res.body.equals(BODY)).toBe(true);
    expect(server.hits('/file.bin').map((s) => s.status)).toEqual([200, 200]);
  });

  it('retries when the server does not answer within the timeout', async () => {
    server.fail('/file.bin', 'hang');
    const res = await client({ timeoutMs: 200 }).get(`${server.origin}/file.bin`);
    expect(res.status).toBe(200);
    expect(server.hits('/file.bin')).toHaveLength(2);
  });

  it('does not retry a 404', async () => {
    const err = await failure(client().get(`${server.origin}/missing.bin`));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.status).toBe(404);
    expect(err.message).toBe(`${server.origin}/missing.bin does not exist (HTTP 404)`);
    expect(server.hits('/missing.bin')).toHaveLength(1);
  });

  it('answers 304 when the ETag sent still matches, and 200 when it does not', async () => {
    const first = await client().get(`${server.origin}/file.bin`);
    const etag = first.status === 200 ? first.etag! : '';
    expect((await client().get(`${server.origin}/file.bin`, { etag })).status).toBe(304);
    expect((await client().get(`${server.origin}/file.bin`, { etag: '"stale"' })).status).toBe(200);
    expect(server.hits('/file.bin').map((s) => [s.status, s.headers['if-none-match']])).toEqual([
      [200, undefined],
      [304, etag],
      [200, '"stale"'],
    ]);
  });

  it('follows a redirect', async () => {
    server.redirect('/moved.bin', '/file.bin');
    const res = await client().get(`${server.origin}/moved.bin`);
    expect(res.status === 200 && res.body.equals(BODY)).toBe(true);
  });

  it('stops a body larger than maxBytes with a LimitError', async () => {
    await expect(client().get(`${server.origin}/file.bin`, { maxBytes: 1000 })).rejects.toBeInstanceOf(LimitError);
  });

  it('fails after retries when nothing listens, naming the URL', async () => {
    const closed = await startServer(root);
    await closed.close();
    const err = await failure(client().get(`${closed.origin}/file.bin`));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toMatch(new RegExp(`^GET ${closed.origin}/file.bin failed after 3 attempts: ECONNREFUSED`));
  });
});

describe('basic auth', () => {
  const secret = 'pa:ss w0rd';

  it('refuses without credentials, with a hint and no retry', async () => {
    const err = await failure(client().get(`${authServer.origin}/file.bin`));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.status).toBe(401);
    expect(err.message).toBe(`${authServer.origin}/file.bin refused access (HTTP 401)`);
    expect(err.hint).toMatch(/HTTP_AUTH=basic:<host>:<user>:<password>/);
    expect(authServer.seen).toHaveLength(1);
  });

  it('sends the URL userinfo as basic auth and never shows it', async () => {
    const url = `http://robot:${encodeURIComponent(secret)}@127.0.0.1:${authServer.port}/file.bin`;
    const res = await client().get(url);
    expect(res.status).toBe(200);
    authServer.fail('/file.bin', 'status500', 'status500', 'status500');
    const err = await failure(client().get(url));
    expect(err.message).toBe(`GET http://robot:xxxxx@127.0.0.1:${authServer.port}/file.bin failed after 3 attempts: the server answered HTTP 500`);
    expect(everythingShown(err)).not.toContain('pa:ss');
    expect(everythingShown(err)).not.toContain(encodeURIComponent(secret));
  });

  it('prefers URL userinfo over HTTP_AUTH', async () => {
    const env = { HTTP_AUTH: `basic:127.0.0.1:${authServer.port}:other:wrong` };
    const url = `http://robot:${encodeURIComponent(secret)}@127.0.0.1:${authServer.port}/file.bin`;
    expect((await client({ env }).get(url)).status).toBe(200);
  });

  it('takes credentials from HTTP_AUTH when its host matches', async () => {
    const env = { HTTP_AUTH: `basic:127.0.0.1:${authServer.port}:robot:${secret}` };
    expect((await client({ env }).get(`${authServer.origin}/file.bin`)).status).toBe(200);
    const wrongHost = { HTTP_AUTH: `basic:example.org:robot:${secret}` };
    const err = await failure(client({ env: wrongHost }).get(`${authServer.origin}/file.bin`));
    expect(err.status).toBe(401);
    expect(everythingShown(err)).not.toContain(secret);
  });

  it('does not show a wrong password either', async () => {
    const url = `http://robot:hunter2@127.0.0.1:${authServer.port}/file.bin`;
    const err = await failure(client().get(url));
    expect(err.status).toBe(401);
    expect(err.url).toBe(`http://robot:xxxxx@127.0.0.1:${authServer.port}/file.bin`);
    expect(everythingShown(err)).not.toContain('hunter2');
  });
});
