import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeApkIndex } from '../engine/apk/index-write';
import { readApkBytes, toIndexEntry } from '../engine/apk/package-read';
import { writeApk } from '../engine/apk/package-write';
import { readTar } from '../engine/tar/read';
import { splitMembers } from '../engine/apk/gzip-members';
import { parseInstalled } from '../engine/rootfs';
import { runCli } from './support/cli';
import { fixture } from './support/env';

/**
 * Real packages made by other tools (Wolfi's melange, Alpine's abuild),
 * installed into images: the installed database and file ownership must
 * agree with the packages.
 */
const helloWolfi = fixture('packages', 'hello-wolfi-2.12.1-r0.x86_64.apk');
const baselayout = fixture('packages', 'alpine-baselayout-3.2.0-r23.aarch64.apk');

/** A stand-in package that provides what a real package depends on. */
function standIn(name: string, arch: string, provides: string[]): Buffer {
  return writeApk({
    pkginfo: { pkgname: name, pkgver: '1.0.0-r0', arch, license: ['MIT'], depend: [], provides, replaces: [], install_if: [], triggers: [], extra: [] },
    files: [{ path: 'etc', type: 'dir', mode: 0o755 }, { path: `etc/${name}`, type: 'file', mode: 0o644, data: `${name}\n` }],
  });
}

/** A local repository holding one real package and stand-ins, with an unsigned index we write. */
function repoWith(apkPath: string, arch: string, standIns: Buffer[]): { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'apko-fixture-'));
  const pkgs = [readFileSync(apkPath), ...standIns].map((bytes) => ({ bytes, pkg: readApkBytes(bytes) }));
  mkdirSync(join(dir, 'repo', arch), { recursive: true });
  for (const { bytes, pkg } of pkgs) writeFileSync(join(dir, 'repo', arch, `${pkg.pkginfo.pkgname}-${pkg.pkginfo.pkgver}.apk`), bytes);
  writeFileSync(join(dir, 'repo', arch, 'APKINDEX.tar.gz'), writeApkIndex(pkgs.map((p) => toIndexEntry(p.pkg))));
  const world = pkgs.map((p) => p.pkg.pkginfo.pkgname).join(', ');
  writeFileSync(join(dir, 'apko.yaml'), `contents:\n  repositories: [./repo]\n  packages: [${world}]\narchs: [${arch}]\n`);
  return { dir };
}

/** The single layer of the single image in a docker archive written by `build`. */
function layerOf(layoutDir: string): ReturnType<typeof readTar> {
  const top = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8'));
  const blob = (d: string) => readFileSync(join(layoutDir, 'blobs', 'sha256', d.slice('sha256:'.length)));
  const index = JSON.parse(blob(top.manifests[0].digest).toString());
  const manifest = JSON.parse(blob(index.manifests[0].digest).toString());
  return readTar(splitMembers(blob(manifest.layers[0].digest))[0]!.content);
}

function build(dir: string, extra: string[] = []) {
  const out = join(dir, 'out');
  mkdirSync(out);
  const r = runCli(['build', 'apko.yaml', 'fixture:1', out, '--ignore-signatures', '--cache-dir', join(dir, 'cache'), ...extra], { cwd: dir });
  expect(r.stderr).toContain('building');
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe.skipIf(!helloWolfi)('an image from the melange-built hello-wolfi package', () => {
  it('installs every file with the package owner and records it in the installed database', () => {
    const { dir } = repoWith(helloWolfi!, 'x86_64', [standIn('glibc-standin', 'x86_64', ['so:libc.so.6=2.38', 'so:ld-linux-x86-64.so.2=2'])]);
    const entries = layerOf(build(dir));
    const pkg = readApkBytes(readFileSync(helloWolfi!));
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const f of pkg.dataEntries.filter((e) => e.type === 'file')) {
      const got = byName.get(f.name);
      expect(got, f.name).toBeDefined();
      expect(got!.data.equals(f.data)).toBe(true);
      expect([got!.uid, got!.gid, got!.mode]).toEqual([f.uid, f.gid, f.mode]);
    }
    const db = parseInstalled(byName.get('usr/lib/apk/db/installed')!.data.toString());
    const record = db.find((r) => r.name === 'hello-wolfi')!;
    expect(`${record.name}-${record.version}`).toBe('hello-wolfi-2.12.1-r0');
    expect(record.checksum).toBe(pkg.checksum);
    const listed = record.files.map((f) => f.path).sort();
    expect(listed).toEqual(expect.arrayContaining(['usr/bin/hello']));
    expect(byName.get('etc/apk/world')!.data.toString()).toBe('glibc-standin=1.0.0-r0\nhello-wolfi=2.12.1-r0\n');
  });
});

describe.skipIf(!baselayout)('an image from Alpine\'s abuild-built alpine-baselayout package', () => {
  it('fails to resolve without its dependencies, naming them', () => {
    const { dir } = repoWith(baselayout!, 'aarch64', []);
    const r = runCli(['build', 'apko.yaml', 'fixture:1', join(dir, 'image.tar'), '--ignore-signatures'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('alpine-baselayout-data');
  });

  it('installs without running its scripts, keeping them in scripts.tar, with file ownership as packaged', () => {
    const pkg = readApkBytes(readFileSync(baselayout!));
    const data = standIn('alpine-baselayout-data', 'aarch64', []);
    // The real dependency is versioned: alpine-baselayout-data=3.2.0-r23.
    const pinned = writeApk({
      pkginfo: { ...readApkBytes(data).pkginfo, pkgver: '3.2.0-r23', provides: ['/bin/sh', 'so:libc.musl-aarch64.so.1=1'] },
      files: [{ path: 'etc', type: 'dir', mode: 0o755 }, { path: 'etc/hostname', type: 'file', mode: 0o644, data: 'localhost\n' }],
    });
    const { dir } = repoWith(baselayout!, 'aarch64', [pinned]);
    const entries = layerOf(build(dir));
    const byName = new Map(entries.map((e) => [e.name, e]));
    const scripts = readTar(byName.get('usr/lib/apk/db/scripts.tar')!.data).map((e) => e.name);
    expect(scripts.some((n) => n.startsWith('alpine-baselayout-3.2.0-r23.Q1') && n.endsWith('.pre-install'))).toBe(true);
    const db = parseInstalled(byName.get('usr/lib/apk/db/installed')!.data.toString());
    expect(db.map((r) => r.name).sort()).toEqual(['alpine-baselayout', 'alpine-baselayout-data']);
    // Directories apko's base layout makes first (/proc 0555, /tmp 1777) keep their mode, as in apko.
    for (const f of pkg.dataEntries.filter((e) => e.type !== 'dir')) {
      const got = byName.get(f.name);
      expect(got, f.name).toBeDefined();
      expect([got!.uid, got!.gid, got!.mode]).toEqual([f.uid, f.gid, f.mode]);
    }
  });
});
