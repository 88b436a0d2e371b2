import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { hostArch } from '../arch';
import { ConfigError } from '../errors';
import { buildMelangePackages } from './build';
import { normalizeMelangeBuildOptions, type MelangeBuildOptions } from './build-options';
import { qemuHandlerPath } from './emulation';
import { busyboxRoot } from './testdata/busybox-root';
import { makeProject, pkginfoText, readPackage, type Project } from './testdata/project';

/** melange build's script flags on real bubblewrap builds: what each one changes in the build or its outputs. */

const yaml = (runs: string, head = '') => `package:
  name: flagged
  version: 1.0.0
  epoch: 2
${head}pipeline:
  - name: build
    runs: |
${runs.split('\n').map((l) => `      ${l}`).join('\n')}
subpackages:
  - name: flagged-doc
    pipeline:
      - runs: mkdir -p \${{targets.contextdir}}/usr/share/doc && echo doc > \${{targets.contextdir}}/usr/share/doc/d
`;

const file = (path: string, name: string) => readPackage(path).dataEntries.find((e) => e.name === name)?.data.toString();

function build(p: Project, more: Partial<MelangeBuildOptions> = {}, env: Record<string, string> = {}, seams = {}) {
  return buildMelangePackages(normalizeMelangeBuildOptions({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', sourceDateEpoch: 0, log: p.log, ...more }, p.dir, env), seams);
}

const D = '${{targets.destdir}}/usr/share/f';

describe.skipIf(!(hasTool('bwrap') && hasTool('busybox')))('melange build flags on the bubblewrap runner', () => {
  it('--env-file: the variables reach the steps, the YAML environment wins', async () => {
    const p = makeProject(yaml(`mkdir -p ${D}; echo "$FROM_FILE $BOTH" > ${D}/env`, 'environment:\n  environment:\n    BOTH: yaml\n'), { 'build.env': 'FROM_FILE=file\nBOTH=file\n' });
    const r = await build(p, { envFiles: ['build.env'] });
    expect(file(r.packages[0]!.path, 'usr/share/f/env')).toBe('file yaml\n');
  });

  it('--workspace-dir and --empty-workspace: the workspace is DIR/<arch>, empty of sources, and removed after the build', async () => {
    const p = makeProject(yaml(`mkdir -p ${D}; ls -A /home/build | tr '\\n' ' ' > ${D}/ls; echo mark > /home/build/mark; cat /home/build/mark > ${D}/mark`), { 'src.txt': 'source' });
    const ws = mkdtempSync(join(tmpdir(), 'ws-'));
    const r = await build(p, { workspaceDir: ws, emptyWorkspace: true });
    expect(file(r.packages[0]!.path, 'usr/share/f/ls')).toBe('melange-out ');
    expect(file(r.packages[0]!.path, 'usr/share/f/mark')).toBe('mark\n');
    expect(existsSync(join(ws, 'x86_64'))).toBe(false);
    const full = await build(makeProject(yaml(`mkdir -p ${D}; ls /home/build | tr '\\n' ' ' > ${D}/ls`), { 'src.txt': 'source' }), { workspaceDir: ws });
    expect(file(full.packages[0]!.path, 'usr/share/f/ls')).toBe('melange-out melange.yaml src.txt ');
  });

  it('--rm=false: a failed build keeps its workspace and says where; the default removes it', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'ws-'));
    const p = makeProject(yaml('echo left > /home/build/left; exit 3'));
    await expect(build(p, { workspaceDir: ws, remove: false })).rejects.toThrow('failed with exit code 3');
    expect(readFileSync(join(ws, 'x86_64', 'left'), 'utf8')).toBe('left\n');
    expect(p.logs).toContain(`the build environment has been preserved (--rm=false): workspace ${join(ws, 'x86_64')}`);
    const q = makeProject(yaml('echo left > /home/build/left; exit 3'));
    const ws2 = mkdtempSync(join(tmpdir(), 'ws-'));
    await expect(build(q, { workspaceDir: ws2 })).rejects.toThrow('failed with exit code 3');
    expect(readdirSync(ws2)).toEqual([]);
  });

  it('--cache-dir: an existing directory is the read-write /var/cache/melange of the steps (GOMODCACHE in it), on both views', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeFileSync(join(cache, 'seed'), 'cached\n');
    const runs = `mkdir -p ${D}; cat /var/cache/melange/seed > ${D}/seed; echo "$GOMODCACHE" > ${D}/gomod; echo new > /var/cache/melange/written`;
    const p = makeProject(yaml(runs));
    const r = await build(p, { cacheDir: cache });
    expect([file(r.packages[0]!.path, 'usr/share/f/seed'), file(r.packages[0]!.path, 'usr/share/f/gomod')]).toEqual(['cached\n', '/var/cache/melange/gomodcache\n']);
    expect(readFileSync(join(cache, 'written'), 'utf8')).toBe('new\n');
    const q = makeProject(yaml(runs, ''.concat('environment:\n  contents:\n    packages: [busybox]\n')));
    const rooted = await build(q, { cacheDir: cache }, {}, { prepareRoot: busyboxRoot });
    expect(file(rooted.packages[0]!.path, 'usr/share/f/seed')).toBe('cached\n');
    // The default ./melange-cache/ is skipped when it does not exist, as in melange.
    const none = await build(makeProject(yaml(`mkdir -p ${D}; [ -e /var/cache/melange ] || echo absent > ${D}/c`)));
    expect(file(none.packages[0]!.path, 'usr/share/f/c')).toBe('absent\n');
  });

  it('--timeout: a build that runs longer is killed and fails naming the timeout', async () => {
    // The step would outlast the test's own timeout, so the test fails unless the step is killed.
    const p = makeProject(yaml('sleep 600'));
    const err = await build(p, { timeout: '300ms' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('the x86_64 build exceeded its timeout of 300ms (--timeout); its running step was killed');
    expect(existsSync(p.outDir)).toBe(false);
  });

  it('package.timeout is the timeout without --timeout, and --timeout wins over it', async () => {
    const q = makeProject(yaml('sleep 30').replace('  epoch: 2\n', '  epoch: 2\n  timeout: 300ms\n'));
    await expect(build(q)).rejects.toThrow(`the x86_64 build exceeded its timeout of 300ms (package.timeout in ${q.config})`);
    await expect(build(q, { timeout: '200ms' })).rejects.toThrow('the x86_64 build exceeded its timeout of 200ms (--timeout)');
    const ok = makeProject(yaml('true').replace('  epoch: 2\n', '  epoch: 2\n  timeout: 1h\n'));
    expect((await build(ok)).packages).toHaveLength(2);
  });

  it('--build-date, --git-commit, --git-repo-url and --license: .PKGINFO and the SBOM carry them', async () => {
    const p = makeProject(yaml(`mkdir -p ${D}; echo "$SOURCE_DATE_EPOCH" > ${D}/sde`));
    const r = await build(p, { sourceDateEpoch: undefined, buildDate: '2023-11-14T22:13:20Z', gitCommit: 'c'.repeat(40), gitRepoUrl: 'https://github.com/acme/pkgs', license: 'Apache-2.0' });
    const apk = r.packages[0]!.path;
    expect(file(apk, 'usr/share/f/sde')).toBe('1700000000\n');
    const info = pkginfoText(apk);
    expect(info).toContain('builddate = 1700000000\n');
    expect(info).toContain(`commit = ${'c'.repeat(40)}\n`);
    const sbom = JSON.parse(file(apk, 'var/lib/db/sbom/flagged-1.0.0-r2.spdx.json')!);
    expect(sbom.packages[1]).toMatchObject({
      name: 'melange.yaml',
      versionInfo: 'c'.repeat(40),
      licenseDeclared: 'Apache-2.0',
      externalRefs: [{ referenceType: 'purl', referenceLocator: `pkg:github/acme/pkgs@${'c'.repeat(40)}#melange.yaml` }],
    });
  });

  it('--create-build-log and --dependency-log: packages.log lines and FILE.<arch> as melange writes them', async () => {
    const p = makeProject(yaml(`mkdir -p \${{targets.destdir}}/usr/bin; printf '#!/bin/bash\\necho hi\\n' > \${{targets.destdir}}/usr/bin/hi; chmod 755 \${{targets.destdir}}/usr/bin/hi`));
    writeFileSync(join(p.dir, 'packages.log'), 'x86_64|old|old|0-r0\n');
    await build(p, { createBuildLog: true, dependencyLog: 'deps.json' });
    expect(readFileSync(join(p.dir, 'packages.log'), 'utf8')).toBe('x86_64|old|old|0-r0\nx86_64|flagged|flagged|1.0.0-r2\nx86_64|flagged|flagged-doc|1.0.0-r2\n');
    // melange rewrites the file per package: the last one (flagged-doc, no generated dependencies) stays.
    expect(readFileSync(join(p.dir, 'deps.json.x86_64'), 'utf8')).toBe('{}\n');
  });
});

describe('melange build architectures', () => {
  const host = hostArch();
  const foreign = host.apk === 'aarch64' ? 'x86_64' : 'aarch64';

  it('by default builds what target-architecture allows of the archs this machine runs, and fails naming the arch when that is none', async () => {
    const p = makeProject(`package:\n  name: only-foreign\n  version: 1.0.0\n  target-architecture: [${foreign}]\npipeline:\n  - runs: 'true'\n`);
    const err = await buildMelangePackages(normalizeMelangeBuildOptions({ configPath: p.config, outDir: p.outDir, runner: 'host', sourceDateEpoch: 0, log: p.log }, p.dir, {})).catch((e: unknown) => e);
    if (existsSync(qemuHandlerPath(normalizeMelangeBuildOptions({ configPath: 'm.yaml', archs: foreign }, '/', {}).archs[0]!))) return;
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`package.target-architecture (${foreign}) allows no architecture this ${host.apk} machine can run steps for`);
    expect((err as ConfigError).hint).toContain(`qemu-user handler for ${foreign}`);
  });

  it.skipIf(!(hasTool('bwrap') && hasTool('busybox')))('refuses a foreign build environment no qemu-user handler can run, before building anything', async () => {
    const p = makeProject(yaml('true', 'environment:\n  contents:\n    packages: [busybox]\n'));
    const opts = normalizeMelangeBuildOptions({ configPath: p.config, outDir: p.outDir, archs: foreign, sourceDateEpoch: 0, log: p.log }, p.dir, {});
    if (existsSync(qemuHandlerPath(opts.archs[0]!))) return;
    const err = await buildMelangePackages(opts, { prepareRoot: busyboxRoot }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`cannot build flagged for ${foreign} on this ${host.apk} machine: the steps run in an ${foreign} build environment, and no qemu-user handler for ${foreign} is registered with binfmt_misc`);
    expect((err as ConfigError).hint).toContain('qemu-user-static binfmt-support');
  });
});

describe('package.timeout', () => {
  it('is read as a Go duration or yaml.v3 nanoseconds, and refused when it is neither', async () => {
    const { loadMelangeConfig } = await import('./load');
    const load = (t: string) => loadMelangeConfig(makeProject(`package:\n  name: t\n  version: 1.0.0\n  timeout: ${t}\npipeline:\n  - runs: 'true'\n`).config, {});
    expect((await load('1h30m')).config.package.timeout).toEqual({ ms: 5_400_000, text: '1h30m' });
    expect((await load('1500000000')).config.package.timeout).toEqual({ ms: 1500, text: '1500000000' });
    await expect(load('soon')).rejects.toThrow('expected a duration such as 30m or 1h30m');
  });
});
