import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { FetchError, FormatError, OfflineError } from '../errors';
import { openStore } from '../store/store';
import { createHttpClient, type HttpClient } from './http';
import { loadKeyring } from './keyring';
import { startServer, type TestServer } from './testdata/server';

let tmp: string;
let a: KeyPair;
let b: KeyPair;
let server: TestServer;
let agent: Agent;
let http: HttpClient;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'apko-keyring-'));
  a = generateKeyPair('alpha', 2048);
  b = generateKeyPair('beta', 2048);
  mkdirSync(join(tmp, 'keys'));
  writeFileSync(join(tmp, 'keys', a.publicKeyName), a.publicKeyPem);
  writeFileSync(join(tmp, 'keys', b.publicKeyName), b.publicKeyPem);
  writeFileSync(join(tmp, 'keys', 'not-a-key.rsa.pub'), 'hello');
  writeFileSync(join(tmp, 'keys', 'private.rsa'), a.privateKeyPem);
  writeFileSync(join(tmp, 'keys', 'weak.rsa.pub'), generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString());
  server = await startServer(join(tmp, 'keys'));
  agent = new Agent({ keepAliveTimeout: 10 });
  http = createHttpClient({ dispatcher: agent, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, env: {} });
});

afterAll(async () => {
  await agent.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('loadKeyring', () => {
  it('loads paths, file:// and http URLs, each named by its basename', async () => {
    const ring = await loadKeyring(
      ['keys/alpha.rsa.pub', `${server.origin}/beta.rsa.pub`, pathToFileURL(join(tmp, 'keys', 'alpha.rsa.pub')).toString()],
      { cwd: tmp, http },
    );
    expect([...ring.keys()]).toEqual(['alpha.rsa.pub', 'beta.rsa.pub']);
    expect(ring.get('alpha.rsa.pub')).toBe(a.publicKeyPem);
    expect(ring.get('beta.rsa.pub')).toBe(b.publicKeyPem);
  });

  it('caches remote keys for offline use', async () => {
    const store = openStore(mkdtempSync(join(tmp, 'store-')));
    await loadKeyring([`${server.origin}/beta.rsa.pub`], { http, store });
    const ring = await loadKeyring([`${server.origin}/beta.rsa.pub`], { http, store, offline: true });
    expect(ring.get('beta.rsa.pub')).toBe(b.publicKeyPem);
    await expect(loadKeyring([`${server.origin}/alpha.rsa.pub`], { http, store, offline: true })).rejects.toBeInstanceOf(OfflineError);
  });

  it('refuses a file that is not a public key, naming it', async () => {
    const err = await loadKeyring(['keys/not-a-key.rsa.pub'], { cwd: tmp }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toBe('keyring entry keys/not-a-key.rsa.pub is not a PEM key: it has no -----BEGIN PUBLIC KEY----- block');
  });

  it('refuses a private key and a weak key, by path or URL, naming the entry, and caches neither', async () => {
    const priv = await loadKeyring(['keys/private.rsa'], { cwd: tmp }).catch((e: unknown) => e);
    expect(priv).toBeInstanceOf(FormatError);
    expect((priv as Error).message).toBe('keyring entry keys/private.rsa holds a private key, which must never be trusted, copied into an image or cached');
    expect((priv as FormatError).hint).toMatch(/the \.pub file/);
    expect((priv as Error).message).not.toContain('PRIVATE KEY-----');
    const storeDir = mkdtempSync(join(tmp, 'store-'));
    const store = openStore(storeDir);
    for (const name of ['private.rsa', 'weak.rsa.pub']) {
      const err = await loadKeyring([`${server.origin}/${name}`], { http, store }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toContain(`keyring entry ${server.origin}/${name} `);
    }
    const weak = await loadKeyring(['keys/weak.rsa.pub'], { cwd: tmp }).catch((e: unknown) => e);
    expect((weak as Error).message).toBe('keyring entry keys/weak.rsa.pub is a 1024-bit RSA key; keys shorter than 2048 bits are too weak to trust');
    await expect(loadKeyring([`${server.origin}/weak.rsa.pub`], { http, store, offline: true })).rejects.toBeInstanceOf(OfflineError);
    await expect(loadKeyring([`${server.origin}/private.rsa`], { http, store, offline: true })).rejects.toBeInstanceOf(OfflineError);
  });

  it('refuses a device, a directory and an oversized file without reading them', async () => {
    writeFileSync(join(tmp, 'keys', 'huge.rsa.pub'), Buffer.alloc(1024 * 1024 + 1, 0x41));
    for (const [entry, message] of [
      ['/dev/zero', 'keyring entry /dev/zero is not a regular file'],
      ['keys', 'keyring entry keys is not a regular file'],
      ['keys/huge.rsa.pub', 'keyring entry keys/huge.rsa.pub is 1048577 bytes, larger than any public key (at most 1048576)'],
    ] as const) {
      const err = await loadKeyring([entry], { cwd: tmp }).catch((e: unknown) => e);
      expect(err, entry).toBeInstanceOf(FormatError);
      expect((err as Error).message).toBe(message);
    }
  });

  it('fails with a FetchError for a missing file or URL, without showing credentials', async () => {
    await expect(loadKeyring(['keys/missing.rsa.pub'], { cwd: tmp })).rejects.toBeInstanceOf(FetchError);
    const err = await loadKeyring([`http://u:topsecret@127.0.0.1:${server.port}/missing.rsa.pub`], { http }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).status).toBe(404);
    expect((err as Error).message).not.toContain('topsecret');
  });
});
