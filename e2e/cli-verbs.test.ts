import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTar } from '../engine/tar/read';
import { cleanEnv, runCli, sh } from './support/cli';
import { ROOT } from './support/env';
import { apkoYaml, BASELAYOUT, makeWorkspace, type TestWorkspace } from './support/workspace';

/** The read-only verbs and the single-arch rootfs, run as a user runs them. */
const APP = {
  name: 'app',
  version: '2.0.0-r3',
  license: 'MIT',
  depends: ['test-baselayout', 'so:libfoo.so.1'],
  files: [{ path: 'usr/bin/app', type: 'file' as const, mode: 0o755, data: '#!/bin/sh\necho app\n' }],
};
const LIBFOO = {
  name: 'libfoo',
  version: '1.1-r0',
  provides: ['so:libfoo.so.1=1.1'],
  files: [{ path: 'usr/lib/libfoo.so.1', type: 'file' as const, mode: 0o755, data: 'ELF?' }],
};

describe('apko-nx verbs', () => {
  let ws: TestWorkspace;

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT, APP, LIBFOO]);
    ws.write('apko.yaml', apkoYaml(ws, { packages: ['app'] }));
  });

  it("show-packages prints name and version per line, dependencies first, in apko's order (fewest candidates, then the atom)", () => {
    const r = runCli(['show-packages', 'apko.yaml', '--arch', 'x86_64'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['libfoo 1.1-r0', 'test-baselayout 1.0.0-r0', 'app 2.0.0-r3']);
  });

  it('show-packages honours --format and -p', () => {
    const r = runCli(['show-packages', 'apko.yaml', '--arch', 'aarch64', '--format', 'name=version', '-p', 'libfoo'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['app=2.0.0-r3', 'libfoo=1.1-r0', 'test-baselayout=1.0.0-r0']);
    const json = JSON.parse(runCli(['show-packages', 'apko.yaml', '--arch', 'x86_64', '--format', 'json'], { cwd: ws.dir }).stdout);
    expect(json.x86_64.map((p: { name: string }) => p.name)).toContain('libfoo');
  });

  it('show-packages rejects an unknown format', () => {
    const r = runCli(['show-packages', 'apko.yaml', '--format', 'nope'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown --format "nope"');
  });

  it('dot prints a digraph with the dependency edges', () => {
    const r = runCli(['dot', 'apko.yaml'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^digraph/);
    expect(r.stdout).toContain('app-2.0.0-r3');
    expect(r.stdout).toContain('libfoo-1.1-r0');
  });

  it('show-config prints the merged config with credentials redacted', () => {
    ws.write('secret.yaml', 'contents:\n  repositories:\n    - https://user:s3cret@repo.example.com/os\n  packages: [app]\n');
    const r = runCli(['show-config', 'secret.yaml', '-p', 'extra'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('s3cret');
    expect(r.stdout).toContain('repo.example.com/os');
    expect(r.stdout).toContain('- extra');
  });

  it('build-minirootfs writes a real gzip tarball of one arch', () => {
    const out = join(ws.dir, 'rootfs.tar.gz');
    const r = runCli(['build-minirootfs', 'apko.yaml', out, '--build-arch', 'aarch64'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    const names = readTar(gunzipSync(readFileSync(out))).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['usr/bin/app', 'usr/lib/libfoo.so.1', 'etc/apk/world', 'usr/lib/apk/db/installed']));
    expect(readTar(gunzipSync(readFileSync(out))).find((e) => e.name === 'etc/apk/arch')!.data.toString()).toBe('aarch64\n');
  });

  it('build writes an OCI layout into a new directory named with a trailing slash', () => {
    const r = runCli(['build', 'apko.yaml', 'slash:1', 'fresh/dir/'], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(ws.dir, 'fresh', 'dir', 'index.json'))).toBe(true);
    expect(existsSync(join(ws.dir, 'fresh', 'dir', 'oci-layout'))).toBe(true);
  });

  it('build refuses an SBOM format it cannot write rather than ignoring it', () => {
    const r = runCli(['build', 'apko.yaml', 'x:1', 'x.tar', '--sbom-formats', 'spdx,cyclonedx'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sbom-formats cyclonedx is not supported');
  });

  it('--help lists every verb and exits 0; no arguments exits 2', () => {
    const help = runCli(['--help'], { cwd: ws.dir });
    expect(help.code).toBe(0);
    for (const verb of ['build', 'build-minirootfs', 'build-cpio', 'show-config', 'show-packages', 'dot', 'lock', 'resolve', 'login', 'example']) expect(help.stdout).toContain(verb);
    expect(runCli([], { cwd: ws.dir }).code).toBe(2);
    expect(runCli(['frobnicate'], { cwd: ws.dir }).code).toBe(2);
  });
});

describe('build --vcs', () => {
  it('annotates the image with the git origin and commit of the config, and says when there is none', async () => {
    const ws = await makeWorkspace([BASELAYOUT], ['x86_64']);
    ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout'], archs: ['x86_64'] }));
    // The probe is on by default, as in apko, and its "no checkout" note is a debug line, as apko's.
    const quiet = runCli(['build', 'apko.yaml', 'vcs:1', 'quiet/'], { cwd: ws.dir });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('is not in a git checkout');
    const plain = runCli(['--log-level', 'debug', 'build', 'apko.yaml', 'vcs:1', 'plain/', '--vcs'], { cwd: ws.dir });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('is not in a git checkout with an origin remote');
    const env = cleanEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' });
    const git = (...args: string[]) => sh('git', ['-C', ws.dir, ...args]).trim();
    git('init', '-q');
    git('remote', 'add', 'origin', 'https://token@example.com/team/images.git');
    git('add', 'apko.yaml');
    sh('git', ['-C', ws.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'config']);
    const r = runCli(['build', 'apko.yaml', 'vcs:1', 'annotated/'], { cwd: ws.dir, env });
    expect(r.code, r.stderr).toBe(0);
    const top = JSON.parse(readFileSync(join(ws.dir, 'annotated', 'index.json'), 'utf8'));
    const index = JSON.parse(readFileSync(join(ws.dir, 'annotated', 'blobs', 'sha256', top.manifests[0].digest.slice(7)), 'utf8'));
    expect(index.annotations['org.opencontainers.image.source']).toBe('https://example.com/team/images.git');
    expect(index.annotations['org.opencontainers.image.revision']).toBe(git('rev-parse', 'HEAD'));
    const off = runCli(['build', 'apko.yaml', 'vcs:1', 'off/', '--vcs=false'], { cwd: ws.dir, env });
    expect(off.code, off.stderr).toBe(0);
    const offTop = JSON.parse(readFileSync(join(ws.dir, 'off', 'index.json'), 'utf8'));
    const offIndex = JSON.parse(readFileSync(join(ws.dir, 'off', 'blobs', 'sha256', offTop.manifests[0].digest.slice(7)), 'utf8'));
    expect(offIndex.annotations?.['org.opencontainers.image.source']).toBeUndefined();
  });
});

describe('the README main job', () => {
  it('builds the bundled example offline and prints its digest and SBOM paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apko-example-'));
    const r = runCli(['example'], { cwd: dir, env: cleanEnv({ SOURCE_DATE_EPOCH: '12345' }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/image: apko-nx-example:latest@sha256:[0-9a-f]{64}/);
    for (const f of ['sbom-x86_64.spdx.json', 'sbom-aarch64.spdx.json', 'sbom-index.spdx.json']) {
      expect(r.stdout).toContain(f);
      expect(existsSync(join(dir, 'example-out', 'sbom', f))).toBe(true);
    }
    // A second run reuses the workspace key and gives the same digest.
    const again = runCli(['example'], { cwd: dir });
    expect(again.stdout.split('\n')[0]).toBe(r.stdout.split('\n')[0]);
  });
});

describe('the engine as a library', () => {
  it('is loadable as require("@apko/nx/engine"), /workspace and /format through the package exports, with only the verbs and errors public', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apko-require-'));
    mkdirSync(join(dir, 'node_modules', '@apko'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules', '@apko', 'nx'));
    const script = [
      "const e = require('@apko/nx/engine');",
      "const w = require('@apko/nx/engine/workspace');",
      "const f = require('@apko/nx/engine/format');",
      "const k = w.generateKeyPair('lib', 2048);",
      "console.log(JSON.stringify({",
      "  verbs: ['buildImageFromConfig', 'resolveImagePackages', 'lockImage', 'publishImage', 'buildMelangePackages', 'normalizeBuildRequest', 'formatError'].every((n) => typeof e[n] === 'function'),",
      "  errors: new e.ConfigError('x') instanceof e.ApkoError,",
      "  names: Object.keys(e).length,",
      "  internals: ['readApk', 'loadRepository', 'resolve', 'Tree', 'openStore'].filter((n) => n in e),",
      "  order: ['b', 'a'].sort(w.compareBytes),",
      "  format: ['readApkBytes', 'readApkIndex', 'parseLockFile', 'validateLayout'].every((n) => typeof f[n] === 'function'),",
      "  key: k.publicKeyName,",
      "  version: require('@apko/nx/package.json').version,",
      '}));',
    ].join('\n');
    const out = JSON.parse(sh(process.execPath, ['-e', script], { cwd: dir }));
    expect(out).toEqual({ verbs: true, errors: true, names: expect.any(Number), internals: [], order: ['a', 'b'], format: true, key: 'lib.rsa.pub', version: expect.any(String) });
    // The verbs (build-cpio and login among them), their normalizers, the error classes, the image
    // output writer the executors' docker tarball uses and the two report helpers the shells share
    // (the build tag check, the privileged-file lines); types are not runtime names: a deliberate, small surface.
    // LintError (a failed melange linter) is the 46th.
    expect(out.names).toBeLessThanOrEqual(46);
  });
});
