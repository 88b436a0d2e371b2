/**
 * `apko-nx install-keys` as a user runs it, against discovery documents on
 * 127.0.0.1: every repository of the root's /etc/apk/repositories gets the
 * keys it publishes written to the root's /etc/apk/keys.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '../engine/apk/keys';
import { ALPINE_KEY_NAME, writeDiscoverySite } from '../engine/repo/testdata/discovery-site';
import { startServer, type TestServer } from '../engine/repo/testdata/server';
import { cleanEnv, runCliAsync } from './support/cli';

let tmp: string;
let server: TestServer;
let alpineKey: KeyPair;
let vendorKey: KeyPair;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'apko-install-keys-'));
  alpineKey = generateKeyPair(ALPINE_KEY_NAME, 2048);
  vendorKey = generateKeyPair('acme-2024', 2048);
  server = await startServer(join(tmp, 'www'));
  writeDiscoverySite(join(tmp, 'www'), server.origin, alpineKey, vendorKey);
});

afterAll(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('apko-nx install-keys', () => {
  it("writes every repository's discovered keys into the root's /etc/apk/keys, 0644", async () => {
    const root = join(tmp, 'root');
    mkdirSync(join(root, 'etc/apk'), { recursive: true });
    writeFileSync(join(root, 'etc/apk/arch'), 'x86_64\n');
    writeFileSync(
      join(root, 'etc/apk/repositories'),
      ['# the distribution', `${server.origin}/alpine/v3.99/main`, '', `@vendor ${server.origin}/vendor`, `${server.origin}/plain`, '/srv/local-repo', ''].join('\n'),
    );
    const env = cleanEnv({ APKO_NX_ALPINE_RELEASES_URL: `${server.origin}/releases.json`, APKO_CACHE_DIR: join(tmp, 'cache') });
    const r = await runCliAsync(['install-keys', '--root', root], { cwd: tmp, env });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const keys = join(root, 'etc/apk/keys');
    expect(r.stdout.trim().split('\n')).toEqual([join(keys, ALPINE_KEY_NAME), join(keys, 'acme-2024.rsa.pub')]);
    expect(readFileSync(join(keys, ALPINE_KEY_NAME), 'utf8')).toBe(alpineKey.publicKeyPem);
    expect(readFileSync(join(keys, 'acme-2024.rsa.pub'), 'utf8')).toBe(vendorKey.publicKeyPem);
    expect(statSync(join(keys, 'acme-2024.rsa.pub')).mode & 0o777).toBe(0o644);
    expect(r.stderr).toContain(`wrote ${join(keys, 'acme-2024.rsa.pub')} (for ${server.origin}/vendor)`);
  });

  it('names the missing repositories file and the flag that points elsewhere', async () => {
    const r = await runCliAsync(['install-keys', '--root', join(tmp, 'empty')], { cwd: tmp, env: cleanEnv({ APKO_CACHE_DIR: join(tmp, 'cache') }) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${join(tmp, 'empty', 'etc/apk/repositories')} does not exist`);
    expect(r.stderr).toContain('--root');
  });
});
