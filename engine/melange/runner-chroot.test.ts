import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool, isRoot } from '../../e2e/support/env';
import type { Arch } from '../arch';
import { ConfigError, PipelineError } from '../errors';
import { buildMelangePackage } from './build';
import type { RootEnvironment as BuildEnvironment } from '../buildroot';
import { makeProject, readPackage } from './testdata/project';

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
  it('runs the pipeline inside the root filesystem prepareRoot writes, at /home/build', async () => {
    const p = makeProject(YAML, { 'src.txt': 'source-file' });
    const seen: { environment?: BuildEnvironment; arch?: Arch; dir?: string } = {};
    const r = await buildMelangePackage({ configPath: p.config, outDir: p.outDir, arch: 'x86_64', runner: 'chroot', prepareRoot: busyboxRoot(seen), sourceDateEpoch: 0, log: p.log });
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
      buildMelangePackage({ configPath: p.config, outDir: p.outDir, arch: 'x86_64', runner: 'chroot', prepareRoot: busyboxRoot(seen), sourceDateEpoch: 0, log: p.log }),
    ).rejects.toThrow(PipelineError);
    expect(existsSync(seen.dir!)).toBe(false);
    expect(existsSync(p.outDir)).toBe(false);
  });

  it('refuses a root filesystem without /bin/sh', async () => {
    const p = makeProject(YAML, { 'src.txt': 'x' });
    await expect(
      buildMelangePackage({ configPath: p.config, outDir: p.outDir, arch: 'x86_64', runner: 'chroot', prepareRoot: async () => undefined, sourceDateEpoch: 0, log: p.log }),
    ).rejects.toThrow('the build environment has no /bin/sh');
  });
});

describe('runner chroot options', () => {
  it('needs prepareRoot', async () => {
    const p = makeProject(YAML);
    await expect(buildMelangePackage({ configPath: p.config, outDir: p.outDir, runner: 'chroot' })).rejects.toThrow(ConfigError);
  });
});
