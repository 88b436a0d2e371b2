/**
 * Key discovery against real servers on 127.0.0.1: the bundled keys first
 * (no network), then Alpine's releases.json for repositories that name an
 * Alpine release, then a repository's apk-configuration key set.
 */
import { createPublicKey } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { SignatureError } from '../errors';
import { openStore } from '../store/store';
import { alpineReleaseOf } from './alpine-releases';
import { createHttpClient, type HttpClient } from './http';
import { createKeyDiscoverer } from './key-discoverer';
import { loadRepository } from './load';
import { bundledKeys } from './trusted-keys';
import { makePackage, writeRepository } from './testdata/repo-fixture';
import { ALPINE_KEY_NAME as ALPINE_NAME, jwkOf, writeDiscoverySite } from './testdata/discovery-site';
import { startServer, type TestServer } from './testdata/server';

let tmp: string;
let served: string;
let server: TestServer;
let agent: Agent;
let http: HttpClient;
let alpineKey: KeyPair;
let vendorKey: KeyPair;
let lines: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'apko-discover-'));
  served = join(tmp, 'www');
  alpineKey = generateKeyPair(ALPINE_NAME, 2048);
  vendorKey = generateKeyPair('acme-2024', 2048);
  server = await startServer(served);
  const o = server.origin;
  writeDiscoverySite(served, o, alpineKey, vendorKey);
  writeRepository(join(served, 'hostile'), 'x86_64', [makePackage('tool', '2.0-r0', 'x86_64')], vendorKey);
  writeFileSync(join(served, 'hostile', 'apk-configuration'), JSON.stringify({ jwks_uri: `${o}/hostile-keys.json` }));
  writeFileSync(join(served, 'hostile-keys.json'), JSON.stringify({ keys: [jwkOf(vendorKey, '../../../etc/acme-2024')] }));
  writeRepository(join(served, 'plain'), 'x86_64', [makePackage('tool', '2.0-r0', 'x86_64')], vendorKey);
  agent = new Agent({ keepAliveTimeout: 10 });
  http = createHttpClient({ dispatcher: agent, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, env: {} });
});

afterEach(() => {
  server.seen.length = 0;
  lines = [];
});

afterAll(async () => {
  await agent.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

const log = (l: string) => lines.push(l);

function load(repository: string, keyring: Map<string, string>, extra: { store?: ReturnType<typeof openStore>; offline?: boolean } = {}) {
  const discoverer = createKeyDiscoverer(keyring, { http, env: {}, alpineReleasesUrl: `${server.origin}/releases.json`, ...extra }, log);
  const repo = loadRepository({ repository, arch: 'x86_64', keyring, http, discoverKeys: discoverer.forRepository(repository, 'x86_64'), ...extra });
  return { repo, discoverer };
}

describe('alpineReleaseOf', () => {
  it.each([
    ['https://dl-cdn.alpinelinux.org/alpine/v3.21/main', 'v3.21'],
    ['https://dl-cdn.alpinelinux.org/alpine/edge/community/', 'edge'],
    ['http://mirror.example/pub/alpine/v3.16/main', 'v3.16'],
  ])('reads the release of %s', (url, release) => expect(alpineReleaseOf(url)).toBe(release));

  it.each(['https://packages.wolfi.dev/os', 'https://dl-cdn.alpinelinux.org/alpine/v3.21', './alpine/v3.21/main'])('finds no release in %s', (url) =>
    expect(alpineReleaseOf(url)).toBeUndefined(),
  );
});

describe('bundledKeys', () => {
  it("holds Alpine's and Wolfi's public keys, each with the URL it is published at", () => {
    const keys = bundledKeys();
    expect([...keys.keys()]).toEqual([
      'alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub',
      'alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub',
      'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub',
      'wolfi-signing.rsa.pub',
    ]);
    expect(keys.get('wolfi-signing.rsa.pub')).toMatchObject({ url: 'https://packages.wolfi.dev/os/wolfi-signing.rsa.pub', source: 'bundled' });
    expect(createPublicKey(keys.get('wolfi-signing.rsa.pub')!.pem).asymmetricKeyDetails?.modulusLength).toBe(4096);
  });
});

describe('key discovery for an index no configured key verifies', () => {
  const alpine316 = fixture('alpine-v3.16-x86_64', 'APKINDEX.tar.gz');

  it.skipIf(!alpine316)('verifies the real Alpine index with the bundled key and no keyring, without the network', async () => {
    const dir = join(tmp, 'alpine-local');
    mkdirSync(join(dir, 'x86_64'), { recursive: true });
    copyFileSync(alpine316!, join(dir, 'x86_64', 'APKINDEX.tar.gz'));
    const keyring = new Map<string, string>();
    const { repo, discoverer } = load(dir, keyring);
    const loaded = await repo;
    expect(loaded.entries.length).toBe(4929);
    expect(loaded.signedBy).toBe('alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub');
    expect(discoverer.discovered.map((k) => [k.name, k.url, k.source])).toEqual([
      ['alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub', 'https://alpinelinux.org/keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub', 'bundled'],
    ]);
    expect([...keyring.keys()]).toEqual(['alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub']);
    expect(lines).toEqual([`note: ${dir} (x86_64) is signed by a key not in the keyring; trusting discovered key alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub (bundled with apko-nx)`]);
    expect(server.seen).toEqual([]);
  });

  it("takes an Alpine release's current keys for its arch from releases.json", async () => {
    const repository = `${server.origin}/alpine/v3.99/main`;
    const keyring = new Map<string, string>();
    const { repo, discoverer } = load(repository, keyring);
    expect((await repo).signedBy).toBe(ALPINE_NAME);
    expect(discoverer.discovered).toEqual([{ name: ALPINE_NAME, url: `${server.origin}/keys/${ALPINE_NAME}`, pem: alpineKey.publicKeyPem, source: 'alpine-releases' }]);
    expect(keyring.get(ALPINE_NAME)).toBe(alpineKey.publicKeyPem);
    // The retired key and the other arch's are never fetched.
    expect(server.seen.map((s) => s.path)).toEqual(['/alpine/v3.99/main/x86_64/APKINDEX.tar.gz', '/releases.json', `/keys/${ALPINE_NAME}`]);
    expect(lines[0]).toContain(`${ALPINE_NAME} (from Alpine's releases.json)`);
  });

  it("takes a repository's apk-configuration key set, named <kid>.rsa.pub", async () => {
    const repository = `${server.origin}/vendor`;
    const { repo, discoverer } = load(repository, new Map());
    expect((await repo).signedBy).toBe('acme-2024.rsa.pub');
    expect(discoverer.discovered).toEqual([{ name: 'acme-2024.rsa.pub', url: `${repository}/acme-2024.rsa.pub`, pem: vendorKey.publicKeyPem, source: 'apk-configuration' }]);
    expect(server.seen.map((s) => s.path)).toEqual(['/vendor/x86_64/APKINDEX.tar.gz', '/vendor/apk-configuration', '/vendor-keys/jwks.json']);
  });

  it('finds what an earlier run discovered in the store when --offline', async () => {
    const store = openStore(mkdtempSync(join(tmp, 'store-')));
    await load(`${server.origin}/vendor`, new Map(), { store }).repo;
    server.seen.length = 0;
    const { repo, discoverer } = load(`${server.origin}/vendor`, new Map(), { store, offline: true });
    expect((await repo).signedBy).toBe('acme-2024.rsa.pub');
    expect(discoverer.discovered.map((k) => k.name)).toEqual(['acme-2024.rsa.pub']);
    expect(server.seen).toEqual([]);
  });

  it('refuses the index as before when the repository offers no discovery (404)', async () => {
    const err = await load(`${server.origin}/plain`, new Map()).repo.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignatureError);
    expect((err as SignatureError).message).toContain('acme-2024.rsa.pub, which is not in the keyring');
    expect(lines).toEqual([]);
  });

  it('refuses a key set whose kid is not a plain file name, with a warning', async () => {
    const err = await load(`${server.origin}/hostile`, new Map()).repo.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignatureError);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: key discovery for .*\/hostile \(x86_64\) failed: .*hostile-keys\.json names a key "\.\.\/\.\.\/\.\.\/etc\/acme-2024\.rsa\.pub", which is not a plain file name/);
  });

  it('discovers nothing when a configured key of the signing name fails to verify', async () => {
    const impostor = generateKeyPair('acme-2024', 2048);
    const err = await load(`${server.origin}/vendor`, new Map([['acme-2024.rsa.pub', impostor.publicKeyPem]])).repo.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignatureError);
    expect((err as SignatureError).message).toContain('does not verify');
    expect(server.hits('/vendor/apk-configuration')).toEqual([]);
  });
});
