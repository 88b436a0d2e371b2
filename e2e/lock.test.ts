import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../engine/repo/testdata/server';
import { runCliAsync as runCli } from './support/cli';

// The repository server lives in this process, so CLI runs must not block its event loop.
import { BASELAYOUT, makeWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Hermetic builds: lock a config against a repository served over HTTP, then
 * build from the lock without the network, from a cache filled only by the
 * lock's packages, and get the digest of the unlocked build.
 */
const APP = { name: 'app', version: '1.0-r0', depends: ['test-baselayout'], files: [{ path: 'usr/bin/app', type: 'file' as const, mode: 0o755, data: 'app' }] };

describe('lock files', () => {
  let ws: TestWorkspace;
  let server: TestServer;
  let unlockedDigest: string;

  function digestOf(stdout: string): string {
    return /@(sha256:[0-9a-f]{64})/.exec(stdout)![1]!;
  }

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT, APP]);
    server = await startServer(ws.repo);
    ws.write(
      'apko.yaml',
      ['contents:', '  repositories:', `    - ${server.origin}`, '  keyring:', `    - ./${ws.key.publicKeyName}`, '  packages: [app]', 'archs: [x86_64, aarch64]', ''].join('\n'),
    );
    const out = join(ws.dir, 'unlocked');
    mkdirSync(out);
    const r = await runCli(['build', 'apko.yaml', 'locked:1', out, '--cache-dir', join(ws.dir, 'cache-unlocked')], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    unlockedDigest = digestOf(r.stderr);
  });

  afterAll(async () => {
    await server.close();
  });

  it('writes apko.lock.json in apko\'s format, with ranges, digests and embedded keys', async () => {
    const r = await runCli(['lock', 'apko.yaml', '--cache-dir', join(ws.dir, 'cache-lock')], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    expect([r.stdout, r.stderr]).toEqual(['', expect.stringContaining(`wrote ${join(ws.dir, 'apko.lock.json')}`)]);
    const text = readFileSync(join(ws.dir, 'apko.lock.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const lock = JSON.parse(text);
    expect(lock.version).toBe('v1');
    expect(lock.config.name).toBe('apko.yaml');
    expect(lock.config.checksum).toMatch(/^sha256-/);
    expect(lock.contents.keyring[0].content).toContain('BEGIN PUBLIC KEY');
    expect(lock.contents.repositories.map((r: { architecture: string }) => r.architecture)).toEqual(['x86_64', 'aarch64']);
    const names = lock.contents.packages.map((p: { name: string; architecture: string }) => `${p.architecture}/${p.name}`);
    expect(names).toEqual(['x86_64/test-baselayout', 'x86_64/app', 'aarch64/test-baselayout', 'aarch64/app']);
    const app = lock.contents.packages[1];
    expect(app.url).toBe(`${server.origin}/x86_64/app-1.0-r0.apk`);
    expect(app.signature.range).toMatch(/^bytes=0-\d+$/);
    expect(app.control.checksum).toMatch(/^sha1-/);
    expect(app.data.checksum).toMatch(/^sha256-/);
    expect(app.checksum).toMatch(/^Q1/);
    // The control range starts where the signature ends.
    const sigEnd = Number(app.signature.range.split('-')[1]);
    expect(app.control.range.startsWith(`bytes=${sigEnd + 1}-`)).toBe(true);
  });

  it('builds from the lock offline, from a cache holding only its packages, with the unlocked digest', async () => {
    await runCli(['lock', 'apko.yaml', '--cache-dir', join(ws.dir, 'cache-lock2')], { cwd: ws.dir });
    const cache = join(ws.dir, 'cache-locked');
    const fill = join(ws.dir, 'locked-online');
    mkdirSync(fill);
    const online = await runCli(['build', 'apko.yaml', 'locked:1', fill, '--lockfile', 'apko.lock.json', '--cache-dir', cache], { cwd: ws.dir });
    expect(online.code, online.stderr).toBe(0);
    const indexRequests = server.seen.length;
    const offlineOut = join(ws.dir, 'locked-offline');
    mkdirSync(offlineOut);
    const offline = await runCli(['build', 'apko.yaml', 'locked:1', offlineOut, '--lockfile', 'apko.lock.json', '--offline', '--cache-dir', cache], { cwd: ws.dir });
    expect(offline.code, offline.stderr).toBe(0);
    expect(server.seen.length).toBe(indexRequests);
    expect(digestOf(offline.stderr)).toBe(unlockedDigest);
    expect(digestOf(online.stderr)).toBe(unlockedDigest);
  });

  it('never reads an index when building from a lock', async () => {
    await runCli(['lock', 'apko.yaml', '--cache-dir', join(ws.dir, 'cache-lock3')], { cwd: ws.dir });
    const before = server.seen.filter((r) => r.path.endsWith('APKINDEX.tar.gz')).length;
    const out = join(ws.dir, 'locked-noindex');
    mkdirSync(out);
    const r = await runCli(['build', 'apko.yaml', 'locked:1', out, '--lockfile', 'apko.lock.json', '--cache-dir', join(ws.dir, 'cache-noindex')], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(server.seen.filter((q) => q.path.endsWith('APKINDEX.tar.gz')).length).toBe(before);
  });

  it('names the missing package and the fix when --offline meets an empty cache', async () => {
    await runCli(['lock', 'apko.yaml', '--cache-dir', join(ws.dir, 'cache-lock4')], { cwd: ws.dir });
    const r = await runCli(['build', 'apko.yaml', 'locked:1', join(ws.dir, 'x.tar'), '--lockfile', 'apko.lock.json', '--offline', '--cache-dir', join(ws.dir, 'empty-cache')], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the package (test-baselayout|app)-\S+ \(http:\/\/127\.0\.0\.1:\d+\/x86_64\/\S+\.apk\) is not in the cache/);
    expect(r.stderr).toContain('without --offline');
  });

  it('refuses a lock made for another version of the config, saying to re-run lock', async () => {
    await runCli(['lock', 'apko.yaml', '--output', 'old.lock.json', '--cache-dir', join(ws.dir, 'cache-lock5')], { cwd: ws.dir });
    writeFileSync(join(ws.dir, 'changed.yaml'), readFileSync(join(ws.dir, 'apko.yaml'), 'utf8') + '# changed\n');
    const r = await runCli(['build', 'changed.yaml', 'locked:1', join(ws.dir, 'y.tar'), '--lockfile', 'old.lock.json'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was made for another version of');
    expect(r.stderr).toContain('re-run apko-nx lock');
  });

  it('refuses a package whose bytes differ from the lock', async () => {
    await runCli(['lock', 'apko.yaml', '--output', 'tamper.lock.json', '--cache-dir', join(ws.dir, 'cache-lock6')], { cwd: ws.dir });
    const lock = JSON.parse(readFileSync(join(ws.dir, 'tamper.lock.json'), 'utf8'));
    const p = lock.contents.packages[1];
    p.data.checksum = `sha256-${Buffer.alloc(32, 7).toString('base64')}`;
    writeFileSync(join(ws.dir, 'tamper.lock.json'), JSON.stringify(lock, null, 2));
    const r = await runCli(['build', 'apko.yaml', 'locked:1', join(ws.dir, 'z.tar'), '--lockfile', 'tamper.lock.json', '--cache-dir', join(ws.dir, 'cache-tamper')], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('app-1.0-r0: the data section does not match the lock file');
  });

  it('keeps credentials out of the lock file and takes them from the config for a locked build', async () => {
    const guarded = await startServer(ws.repo, { auth: { user: 'robot', password: 's3cret-pw' } });
    try {
      const url = guarded.origin.replace('http://', 'http://robot:s3cret-pw@');
      const config = readFileSync(join(ws.dir, 'apko.yaml'), 'utf8').replace(server.origin, url);
      writeFileSync(join(ws.dir, 'private.yaml'), config);
      const locked = await runCli(['lock', 'private.yaml', '--cache-dir', join(ws.dir, 'cache-private-lock')], { cwd: ws.dir });
      expect(locked.code, locked.stderr).toBe(0);
      const text = readFileSync(join(ws.dir, 'private.lock.json'), 'utf8');
      expect(text).not.toContain('s3cret-pw');
      expect(text).not.toContain('robot');
      expect(JSON.parse(text).contents.packages[1].url).toBe(`${guarded.origin}/x86_64/app-1.0-r0.apk`);
      const out = join(ws.dir, 'private-out');
      mkdirSync(out);
      const r = await runCli(['build', 'private.yaml', 'locked:1', out, '--lockfile', 'private.lock.json', '--cache-dir', join(ws.dir, 'cache-private-build')], { cwd: ws.dir });
      expect(r.code, r.stderr).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret-pw');
    } finally {
      await guarded.close();
    }
  });
});
