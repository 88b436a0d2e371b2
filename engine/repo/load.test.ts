import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { FetchError, OfflineError, SignatureError } from '../errors';
import { indexKey } from '../store/keys';
import { openStore, type Store } from '../store/store';
import { createHttpClient, type HttpClient } from './http';
import { loadRepository } from './load';
import { fetchPackageBytes } from '../fetch/package';
import { makePackage, writeRepository, type TestPackage } from './testdata/repo-fixture';
import { startServer, type TestServer } from './testdata/server';

let tmp: string;
let key: KeyPair;
let other: KeyPair;
let pkgs: TestPackage[];
let server: TestServer;
let agent: Agent;
let http: HttpClient;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'apko-load-'));
  key = generateKeyPair('repo-key', 2048);
  other = generateKeyPair('other-key', 2048);
  pkgs = [makePackage('hello', '1.0-r0', 'x86_64', key), makePackage('zlib', '1.3-r1', 'x86_64')];
  writeRepository(join(tmp, 'repo'), 'x86_64', pkgs, key);
  server = await startServer(join(tmp, 'repo'));
  agent = new Agent({ keepAliveTimeout: 10 });
  http = createHttpClient({ dispatcher: agent, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, env: {} });
});

afterEach(() => {
  server.seen.length = 0;
});

afterAll(async () => {
  await agent.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

function keyring(...keys: KeyPair[]) {
  return new Map(keys.map((k) => [k.publicKeyName, k.publicKeyPem]));
}

function freshStore(): Store {
  return openStore(mkdtempSync(join(tmp, 'store-')));
}

describe('loadRepository from a local directory', () => {
  it('verifies and parses the index, and names packages beside it', async () => {
    const repo = await loadRepository({ repository: './repo/', arch: 'x86_64', keyring: keyring(key), cwd: tmp });
    expect(repo).toMatchObject({ name: './repo/x86_64', url: './repo', indexUrl: './repo/x86_64/APKINDEX.tar.gz', signedBy: 'repo-key.rsa.pub', description: 'test repo', warnings: [] });
    expect(repo.entries.map((e) => e.name)).toEqual(['hello', 'zlib']);
    expect(repo.packageUrl(repo.entries[0]!)).toBe('./repo/x86_64/hello-1.0-r0.apk');
    expect(repo.packageSource(repo.entries[0]!)).toEqual({ kind: 'local', path: join(tmp, 'repo', 'x86_64', 'hello-1.0-r0.apk') });
  });

  it('reads a tagged file:// repository', async () => {
    const url = pathToFileURL(join(tmp, 'repo')).toString();
    const repo = await loadRepository({ repository: `@local ${url}`, arch: 'x86_64', keyring: keyring(key) });
    expect(repo.tag).toBe('local');
    expect(repo.url).toBe(url);
    expect(repo.entries).toHaveLength(2);
  });

  it('skips an architecture without an index, with a warning', async () => {
    const repo = await loadRepository({ repository: join(tmp, 'repo'), arch: 'aarch64', keyring: keyring(key) });
    expect(repo.entries).toEqual([]);
    expect(repo.warnings).toEqual([`${join(tmp, 'repo')}/aarch64/APKINDEX.tar.gz does not exist; skipping repository ${join(tmp, 'repo')} for aarch64`]);
  });

  it('refuses an index signed by a key outside the keyring, naming the index', async () => {
    const err = await loadRepository({ repository: join(tmp, 'repo'), arch: 'x86_64', keyring: keyring(other) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignatureError);
    expect((err as SignatureError).subject).toBe(`${join(tmp, 'repo')}/x86_64/APKINDEX.tar.gz`);
    expect((err as Error).message).toContain('signed with repo-key.rsa.pub');
  });
});

describe('loadRepository with signatures ignored', () => {
  it('reads an index no trusted key signed, and warns that its signatures are not verified, naming it', async () => {
    const repo = await loadRepository({ repository: join(tmp, 'repo'), arch: 'x86_64', keyring: keyring(other), ignoreSignatures: true });
    expect(repo.entries).toHaveLength(2);
    expect(repo.signedBy).toBeUndefined();
    expect(repo.warnings).toEqual([
      `signatures of ${join(tmp, 'repo')}/x86_64/APKINDEX.tar.gz are not verified (--ignore-signatures); its packages are trusted by its checksums alone`,
    ]);
  });
});

describe('loadRepository over HTTP', () => {
  const indexPath = '/x86_64/APKINDEX.tar.gz';

  it('fetches, verifies and parses the index', async () => {
    const repo = await loadRepository({ repository: `${server.origin}/`, arch: 'x86_64', keyring: keyring(key), http });
    expect(repo.indexUrl).toBe(`${server.origin}${indexPath}`);
    expect(repo.entries.map((e) => e.name)).toEqual(['hello', 'zlib']);
    expect(repo.packageSource(repo.entries[1]!)).toEqual({ kind: 'http', url: `${server.origin}/x86_64/zlib-1.3-r1.apk` });
  });

  it('revalidates the cached index with its ETag and uses the cached copy on 304', async () => {
    const store = freshStore();
    await loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(key), http, store });
    const again = await loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(key), http, store });
    expect(again.entries).toHaveLength(2);
    const hits = server.hits(indexPath);
    expect(hits.map((h) => h.status)).toEqual([200, 304]);
    expect(hits[1]!.headers['if-none-match']).toBe((await store.get(indexKey(`${server.origin}${indexPath}`)))!.metadata.etag);
  });

  it('replaces the cached copy when the index changed', async () => {
    const root = join(tmp, 'changing');
    writeRepository(root, 'x86_64', pkgs.slice(0, 1), key);
    const changing = await startServer(root);
    try {
      const store = freshStore();
      const first = await loadRepository({ repository: changing.origin, arch: 'x86_64', keyring: keyring(key), http, store });
      const oldEtag = (await store.get(indexKey(`${changing.origin}${indexPath}`)))!.metadata.etag;
      writeRepository(root, 'x86_64', pkgs, key);
      const second = await loadRepository({ repository: changing.origin, arch: 'x86_64', keyring: keyring(key), http, store });
      expect([first.entries.length, second.entries.length]).toEqual([1, 2]);
      expect(changing.hits(indexPath).map((h) => [h.status, h.headers['if-none-match']])).toEqual([
        [200, undefined],
        [200, oldEtag],
      ]);
      const cached = await store.get(indexKey(`${changing.origin}${indexPath}`));
      expect(cached!.metadata.etag).not.toBe(oldEtag);
      const offline = await loadRepository({ repository: changing.origin, arch: 'x86_64', keyring: keyring(key), store, offline: true, http });
      expect(offline.entries).toHaveLength(2);
    } finally {
      await changing.close();
    }
  });

  it('works offline from the cache without touching the network', async () => {
    const store = freshStore();
    await loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(key), http, store });
    server.seen.length = 0;
    const repo = await loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(key), http, store, offline: true });
    expect(repo.entries).toHaveLength(2);
    expect(server.seen).toEqual([]);
  });

  it('fails offline on a cache miss with an OfflineError saying how to fill the cache', async () => {
    const err = await loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(key), http, store: freshStore(), offline: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OfflineError);
    expect((err as OfflineError).message).toBe(`the repository index ${server.origin}${indexPath} is not in the cache, and --offline forbids fetching it`);
    expect((err as OfflineError).hint).toBe('run once without --offline (or run `apko-nx lock`) to fetch it into the cache');
    expect(server.seen).toEqual([]);
  });

  it('fails on a missing remote index (no skipping as for local directories)', async () => {
    const err = await loadRepository({ repository: server.origin, arch: 'riscv64', keyring: keyring(key), http }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).status).toBe(404);
  });

  it('does not cache an index that fails verification', async () => {
    const store = freshStore();
    await expect(loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(other), http, store })).rejects.toBeInstanceOf(SignatureError);
    expect(await store.get(indexKey(`${server.origin}${indexPath}`))).toBeUndefined();
  });

  it('refetches when the cached index is corrupt', async () => {
    const dir = mkdtempSync(join(tmp, 'store-'));
    const store = openStore(dir);
    await loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(key), http, store });
    const cacache = await import('cacache');
    const info = await cacache.get.info(dir, indexKey(`${server.origin}${indexPath}`));
    chmodSync(info!.path, 0o644);
    writeFileSync(info!.path, Buffer.from('garbage'));
    const repo = await loadRepository({ repository: server.origin, arch: 'x86_64', keyring: keyring(key), http, store });
    expect(repo.entries).toHaveLength(2);
    expect(server.hits(indexPath).map((h) => [h.status, h.headers['if-none-match']])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
  });

  it('keeps credentials out of every name it returns', async () => {
    const repo = await loadRepository({ repository: `http://me:s3cret@127.0.0.1:${server.port}`, arch: 'x86_64', keyring: keyring(key), http });
    const shown = JSON.stringify(repo) + repo.packageUrl(repo.entries[0]!);
    expect(shown).not.toContain('s3cret');
    expect(repo.url).toBe(`http://me:xxxxx@127.0.0.1:${server.port}`);
    expect(repo.packageSource(repo.entries[0]!)).toEqual({ kind: 'http', url: `http://me:s3cret@127.0.0.1:${server.port}/x86_64/hello-1.0-r0.apk` });
  });

  it('loads an authenticated repository with URL userinfo or HTTP_AUTH, and never shows the password', async () => {
    const secured = await startServer(join(tmp, 'repo'), { auth: { user: 'robot', password: 'hunter2' } });
    try {
      const base = { arch: 'x86_64', keyring: keyring(key), http };
      const refused = await loadRepository({ ...base, repository: secured.origin }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(FetchError);
      expect((refused as FetchError).status).toBe(401);
      const wrong = await loadRepository({ ...base, repository: `http://robot:nope@127.0.0.1:${secured.port}` }).catch((e: unknown) => e);
      expect((wrong as FetchError).message).toBe(`http://robot:xxxxx@127.0.0.1:${secured.port}/x86_64/APKINDEX.tar.gz refused access (HTTP 401)`);
      expect(JSON.stringify(wrong) + String((wrong as Error).stack)).not.toContain('nope');

      const withUserinfo = await loadRepository({ ...base, repository: `http://robot:hunter2@127.0.0.1:${secured.port}` });
      expect(withUserinfo.entries).toHaveLength(2);
      expect((await fetchPackageBytes(withUserinfo, withUserinfo.entries[0]!, { http })).equals(pkgs[0]!.bytes)).toBe(true);

      const envHttp = createHttpClient({ dispatcher: agent, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, env: { HTTP_AUTH: `basic:127.0.0.1:${secured.port}:robot:hunter2` } });
      const withEnv = await loadRepository({ ...base, repository: secured.origin, http: envHttp });
      expect(withEnv.entries).toHaveLength(2);
      expect(JSON.stringify(withEnv)).not.toContain('hunter2');
    } finally {
      await secured.close();
    }
  });
});
