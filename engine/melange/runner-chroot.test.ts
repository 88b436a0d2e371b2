import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool, isRoot } from '../../e2e/support/env';
import type { Arch } from '../arch';
import { PipelineError } from '../errors';
import { writeBusyboxRepository } from './testdata/busybox-repository';
import { buildMelangePackages } from './build';
import { normalizeMelangeBuildOptions } from './build-options';
import type { RootEnvironment as BuildEnvironment } from '../buildroot';
import { makeProject, readPackage, melangeBuild } from './testdata/project';

/** A root filesystem of one static busybox with a link per applet: enough for /bin/sh pipelines. */
function busyboxRoot(seen: { environment?: BuildEnvironment; arch?: Arch; dir?: string }) {
  return async (environment: BuildEnvironment, arch: Arch, dir: string): Promise<void> => {
    Object.assign(seen, { environment, arch, dir });
    const busybox = execFileSync('sh', ['-c', 'command -v busybox']).toString().trim();
    mkdirSync(join(dir, 'bin'), { recursive: true });
    copyFileSync(busybox, join(dir, 'bin', 'busybox'));
    for (const applet of execFileSync(busybox, ['--list']).toString().split('\n')) {
      if (applet !== '' && applet !== 'busybox' && !existsSync(join(dir, 'bin', applet))) symlinkSync('busybox', join(dir, 'bin', applet));
    }
    mkdirSync(join(dir, 'tmp'), { recursive: true });
  };
}

const YAML = `package:
  name: rooted
  version: 1.0.0
environment:
  contents:
    packages: [busybox]
  environment:
    GREETING: from-config
pipeline:
  - needs:
      packages: [coreutils]
    runs: |
      mkdir -p \${{targets.destdir}}/usr/share/rooted
      echo "pwd=$(pwd) home=$HOME dest=\${{targets.destdir}} $GREETING $(cat src.txt)" > \${{targets.destdir}}/usr/share/rooted/info
      [ -x /bin/busybox ] && [ ! -e /usr/bin/node ]
  - uses: strip
`;

describe.skipIf(!(isRoot() && hasTool('busybox')))('runner chroot', () => {
  it('runs the pipeline inside the root filesystem the prepareRoot seam writes, at /home/build', async () => {
    const p = makeProject(YAML, { 'src.txt': 'source-file' });
    const seen: { environment?: BuildEnvironment; arch?: Arch; dir?: string } = {};
    const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', runner: 'chroot', sourceDateEpoch: 0, log: p.log }, { prepareRoot: busyboxRoot(seen) });
    const info = readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'usr/share/rooted/info')!;
    expect(info.data.toString()).toBe('pwd=/home/build home=/home/build dest=/home/build/melange-out/rooted from-config source-file\n');
    expect(info.uid).toBe(0);
    expect(seen.environment!.contents.packages).toEqual(['busybox', 'coreutils']);
    expect(seen.arch!.apk).toBe('x86_64');
    expect(existsSync(seen.dir!)).toBe(false);
    expect(p.logs).toContain('strip: no ELF files to strip');
    expect(p.logs.some((l) => l.startsWith('warning: runner "host"'))).toBe(false);
  });

  it('reports a failing step in the chroot as a PipelineError and removes the root', async () => {
    const p = makeProject(YAML.replace('[ -x /bin/busybox ] && [ ! -e /usr/bin/node ]', 'false'), { 'src.txt': 'x' });
    const seen: { dir?: string } = {};
    await expect(
      melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', runner: 'chroot', sourceDateEpoch: 0, log: p.log }, { prepareRoot: busyboxRoot(seen) }),
    ).rejects.toThrow(PipelineError);
    expect(existsSync(seen.dir!)).toBe(false);
    expect(existsSync(p.outDir)).toBe(false);
  });

  it('refuses a root filesystem without /bin/sh', async () => {
    const p = makeProject(YAML, { 'src.txt': 'x' });
    await expect(
      melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', runner: 'chroot', sourceDateEpoch: 0, log: p.log }, { prepareRoot: async () => undefined }),
    ).rejects.toThrow('the build environment has no /bin/sh');
  });
});


/** Packaged by a pipeline that needs the build root's busybox and its apk database. */
const FROM_REPOSITORY = `package:
  name: rooted-from-repo
  version: 1.0.0
environment:
  contents:
    repositories: [./repo]
    keyring: [./keys/test.rsa.pub]
    packages: [busybox]
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/share/rooted
      echo "$(readlink /bin/sh) $(pwd) $(cat /etc/apk/world)" > \${{targets.destdir}}/usr/share/rooted/where
`;

describe.skipIf(!(isRoot() && hasTool('busybox')))('runner chroot, with no root preparer given', () => {
  it('builds its root with the build root stage from a local repository, relative to the caller\'s directory', async () => {
    const p = makeProject(FROM_REPOSITORY);
    await writeBusyboxRepository(p.dir);
    const cacheDir = mkdtempSync(join(tmpdir(), 'chroot-cache-'));
    const request = normalizeMelangeBuildOptions({ configPath: 'melange.yaml', archs: ['x86_64'], runner: 'chroot', apkCacheDir: cacheDir, sourceDateEpoch: 0, log: p.log }, p.dir, {});
    const r = await buildMelangePackages(request);
    const where = readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'usr/share/rooted/where')!;
    expect(where.data.toString()).toBe('/bin/busybox /home/build busybox=1.36.1-r0\n');
    expect(p.logs).toContain('build environment: busybox for x86_64');
    const written = p.logs.map((l) => /^build environment: 1 packages, \d+ files written to (.+)$/.exec(l)?.[1]).find((d) => d !== undefined);
    expect(written).toBeDefined();
    expect(existsSync(written!)).toBe(false);
  });
});
