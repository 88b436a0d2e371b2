import * as cacache from 'cacache';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { ChecksumError, FetchError, OfflineError } from '../errors';
import { apkKey } from '../store/keys';
import { openStore } from '../store/store';
import { createHttpClient, type HttpClient } from '../repo/http';
import { loadRepository, type LoadedRepository } from '../repo/load';
import { fetchPackageBytes, packageChecksumOf, readFetched } from './package';
import { FormatError } from '../errors';
import { makePackage, writeRepository, type TestPackage } from '../repo/testdata/repo-fixture';
import { startServer, type TestServer } from '../repo/testdata/server';

let tmp: string;
let key: KeyPair;
let signed: TestPackage;
let unsigned: TestPackage;
let server: TestServer;
let agent: Agent;
let http: HttpClient;
let remote: LoadedRepository;
let local: LoadedRepository;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'apko-pkg-'));
  key = generateKeyPair('repo-key', 2048);
  signed = makePackage('hello', '1.0-r0', 'x86_64', key);
  unsigned = makePackage('zlib', '1.3-r1', 'x86_64');
  writeRepository(join(tmp, 'repo'), 'x86_64', [signed, unsigned], key);
  server = await startServer(join(tmp, 'repo'));
  agent = new Agent({ keepAliveTimeout: 10 });
  http = createHttpClient({ dispatcher: agent, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, env: {} });
  const keyring = new Map([[key.publicKeyName, key.publicKeyPem]]);
  remote = await loadRepository({ repository: server.origin, arch: 'x86_64', keyring, http });
  local = await loadRepository({ repository: join(tmp, 'repo'), arch: 'x86_64', keyring });
});

afterEach(() => {
  server.seen.length = 0;
});

afterAll(async () => {
  await agent.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

const path = (p: TestPackage) => `/x86_64/${p.entry.name}-${p.entry.version}.apk`;

describe('packageChecksumOf', () => {
  it('hashes the control member of signed and unsigned packages', () => {
    expect(packageChecksumOf(signed.bytes, 'hello')).toBe(signed.entry.checksum);
    expect(packageChecksumOf(unsigned.bytes, 'zlib')).toBe(unsigned.entry.checksum);
  });
});

describe('fetchPackageBytes', () => {
  it('reads a local package and checks it against the index', async () => {
    expect((await fetchPackageBytes(local, signed.entry)).equals(signed.bytes)).toBe(true);
  });

  it('refuses a package whose control section is not the one the index names', async () => {
    const wrong = { ...unsigned.entry, checksum: signed.entry.checksum };
    const err = await fetchPackageBytes(local, wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as ChecksumError).message).toBe(
      `zlib-1.3-r1 (${join(tmp, 'repo')}/x86_64/zlib-1.3-r1.apk): the control section's checksum is ${unsigned.entry.checksum}, but the index says ${signed.entry.checksum}`,
    );
    expect((err as ChecksumError).algorithm).toBe('sha1');
  });

  it('fails with a FetchError when a local package is missing', async () => {
    const ghost = { ...unsigned.entry, name: 'ghost' };
    await expect(fetchPackageBytes(local, ghost)).rejects.toBeInstanceOf(FetchError);
  });

  it('fetches a remote package once and then serves it from the store, offline too', async () => {
    const store = openStore(mkdtempSync(join(tmp, 'store-')));
    expect((await fetchPackageBytes(remote, signed.entry, { http, store })).equals(signed.bytes)).toBe(true);
    expect((await fetchPackageBytes(remote, signed.entry, { http, store })).equals(signed.bytes)).toBe(true);
    expect((await fetchPackageBytes(remote, signed.entry, { http, store, offline: true })).equals(signed.bytes)).toBe(true);
    expect(server.hits(path(signed))).toHaveLength(1);
  });

  it('refetches when the cached entry is corrupt', async () => {
    const dir = mkdtempSync(join(tmp, 'store-'));
    const store = openStore(dir);
    await fetchPackageBytes(remote, unsigned.entry, { http, store });
    const info = await cacache.get.info(dir, apkKey(unsigned.entry.checksum));
    chmodSync(info!.path, 0o644);
    writeFileSync(info!.path, Buffer.from(unsigned.bytes).fill(0, 0, 10));
    expect((await fetchPackageBytes(remote, unsigned.entry, { http, store })).equals(unsigned.bytes)).toBe(true);
    expect(server.hits(path(unsigned))).toHaveLength(2);
  });

  it('refetches when the cache holds other bytes under the checksum', async () => {
    const store = openStore(mkdtempSync(join(tmp, 'store-')));
    await store.put(apkKey(unsigned.entry.checksum), signed.bytes);
    expect((await fetchPackageBytes(remote, unsigned.entry, { http, store })).equals(unsigned.bytes)).toBe(true);
    expect(server.hits(path(unsigned))).toHaveLength(1);
    expect((await store.get(apkKey(unsigned.entry.checksum)))!.data.equals(unsigned.bytes)).toBe(true);
  });

  it('does not cache a download that fails its checksum', async () => {
    const store = openStore(mkdtempSync(join(tmp, 'store-')));
    const lying = { ...unsigned.entry, checksum: signed.entry.checksum };
    await expect(fetchPackageBytes(remote, lying, { http, store })).rejects.toBeInstanceOf(ChecksumError);
    expect(await store.get(apkKey(signed.entry.checksum))).toBeUndefined();
  });

  it('fails offline on a cache miss, naming the package URL', async () => {
    const store = openStore(mkdtempSync(join(tmp, 'store-')));
    const err = await fetchPackageBytes(remote, signed.entry, { http, store, offline: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OfflineError);
    expect((err as OfflineError).message).toBe(`the package hello-1.0-r0 (${server.origin}${path(signed)}) is not in the cache, and --offline forbids fetching it`);
    expect(server.seen).toEqual([]);
  });
});

describe('readFetched', () => {
  const Q1A = `Q1${Buffer.alloc(20, 1).toString('base64')}`;
  const Q1B = `Q1${Buffer.alloc(20, 2).toString('base64')}`;
  it('evicts stored bytes that fail to read and says where they came from and what to do', async () => {
    const store = openStore(mkdtempSync(join(tmpdir(), 'apko-readfetched-')));
    await store.put(apkKey(Q1A), Buffer.from('damaged'));
    const err = await readFetched(
      'http://repo/x86_64/hello-1.0-r0.apk',
      () => {
        throw new FormatError('hello-1.0-r0: corrupt gzip member at byte 600: unexpected end of file');
      },
      { store, checksum: Q1A },
    ).catch((e: unknown) => e as FormatError);
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('http://repo/x86_64/hello-1.0-r0.apk: hello-1.0-r0: corrupt gzip member at byte 600: unexpected end of file');
    expect(err.hint).toMatch(/the package is damaged/);
    expect(await store.get(apkKey(Q1A))).toBeUndefined();
  });

  it('returns what the reader returns, keeping the stored bytes', async () => {
    const store = openStore(mkdtempSync(join(tmpdir(), 'apko-readfetched-')));
    await store.put(apkKey(Q1B), Buffer.from('good'));
    expect(await readFetched('u', () => 42, { store, checksum: Q1B })).toBe(42);
    expect((await store.get(apkKey(Q1B)))?.data.toString()).toBe('good');
  });
});
