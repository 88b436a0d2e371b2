import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../apk/keys';
import { ALL_ARCHS, hostArch } from '../arch';
import { runnableArchs } from './emulation';
import { ConfigError } from '../errors';
import { MELANGE_BUILD_DEFAULTS, normalizeMelangeBuildOptions } from './build-options';
import { RUNNER_NAMES } from './runners';

describe('normalizeMelangeBuildOptions', () => {
  it('fills the defaults melange uses', () => {
    const o = normalizeMelangeBuildOptions({ configPath: 'pkgs/hello/melange.yaml' }, '/work', { HOME: '/home/u' });
    expect(o).toMatchObject({
      configPath: '/work/pkgs/hello/melange.yaml',
      archs: runnableArchs(hostArch()),
      archsDefaulted: true,
      outDir: '/work/packages',
      sourceDir: '/work/pkgs/hello',
      runner: 'bubblewrap',
      vars: {},
      namespace: 'unknown',
      generateIndex: true,
      cwd: '/work',
      offline: false,
      repositoryAppend: [],
      keyringAppend: [],
      packageAppend: [],
      cacheDir: '/work/melange-cache',
      emptyWorkspace: false,
      envFileVars: {},
      license: 'NOASSERTION',
      remove: true,
      createBuildLog: false,
    });
    expect(o.archs).toContain(hostArch());
    expect([o.workspaceDir, o.timeout, o.dependencyLog, o.gitCommit, o.gitRepoUrl]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(o.sourceDateEpoch).toBeUndefined();
    expect(o.signingKey).toBeUndefined();
    expect(MELANGE_BUILD_DEFAULTS).toMatchObject({ outDir: 'packages', namespace: 'unknown', runner: 'bubblewrap', generateIndex: true, cacheDir: './melange-cache/', license: 'NOASSERTION', remove: true });
  });

  it('takes the build root cache from --apk-cache-dir, else APKO_CACHE_DIR, as image builds do; --cache-dir is the inputs cache', () => {
    const both = normalizeMelangeBuildOptions({ configPath: 'm.yaml', apkCacheDir: 'c', cacheDir: 'in' }, '/work', { APKO_CACHE_DIR: '/env' });
    expect([both.apkCacheDir, both.cacheDir]).toEqual(['/work/c', '/work/in']);
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml' }, '/work', { APKO_CACHE_DIR: 'rel' }).apkCacheDir).toBe('/work/rel');
  });

  it('reads --arch lists as melange does: comma-separated, repeated, all, host', () => {
    const archs = (a: string | string[]) => normalizeMelangeBuildOptions({ configPath: 'm.yaml', archs: a }, '/w', {}).archs.map((x) => x.apk);
    expect(archs('x86_64,aarch64')).toEqual(['x86_64', 'aarch64']);
    expect(archs(['arm64, amd64', 'x86_64'])).toEqual(['aarch64', 'x86_64']);
    expect(archs('all')).toEqual(ALL_ARCHS.map((a) => a.apk));
    expect(archs('host')).toEqual([hostArch().apk]);
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml', archs: 'x86_64' }, '/w', {}).archsDefaulted).toBe(false);
  });

  it('takes --build-date as RFC 3339 or Unix seconds, with SOURCE_DATE_EPOCH winning as in melange', () => {
    const sde = (buildDate: string, env: Record<string, string> = {}) => normalizeMelangeBuildOptions({ configPath: 'm.yaml', buildDate }, '/w', env).sourceDateEpoch;
    expect(sde('2023-11-14T22:13:20Z')).toBe(1700000000);
    expect(sde('2023-11-14T23:13:20+01:00')).toBe(1700000000);
    expect(sde('1700000000')).toBe(1700000000);
    expect(sde('2023-11-14T22:13:20Z', { SOURCE_DATE_EPOCH: '5' })).toBe(5);
    expect(() => sde('yesterday')).toThrow('--build-date: "yesterday" is not an RFC 3339 date');
  });

  it('parses --timeout as a Go duration and refuses what is not one', () => {
    const t = (timeout: string | number) => normalizeMelangeBuildOptions({ configPath: 'm.yaml', timeout }, '/w', {}).timeout;
    expect(t('30m')).toEqual({ ms: 1_800_000, text: '30m' });
    expect(t('1h30m')).toEqual({ ms: 5_400_000, text: '1h30m' });
    expect(t(1500)).toEqual({ ms: 1500, text: '1.5s' });
    expect(() => t('soon')).toThrow('--timeout: "soon" is not a duration');
  });

  it('resolves the workspace, dependency log and env files against the caller\'s directory and reads the env files once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opts-env-'));
    writeFileSync(join(dir, 'a.env'), 'A=1\nB=from-a\n');
    writeFileSync(join(dir, 'b.env'), 'B=from-b\nC=3\n');
    const o = normalizeMelangeBuildOptions({ configPath: 'm.yaml', workspaceDir: 'ws', dependencyLog: 'deps.json', envFiles: ['a.env', 'b.env'], emptyWorkspace: true, remove: false, gitCommit: 'abc', gitRepoUrl: 'https://github.com/a/b', license: 'MIT', createBuildLog: true }, dir, {});
    expect(o).toMatchObject({ workspaceDir: join(dir, 'ws'), dependencyLog: join(dir, 'deps.json'), envFileVars: { A: '1', B: 'from-a', C: '3' }, emptyWorkspace: true, remove: false, gitCommit: 'abc', gitRepoUrl: 'https://github.com/a/b', license: 'MIT', createBuildLog: true });
    expect(() => normalizeMelangeBuildOptions({ configPath: 'm.yaml', envFiles: ['missing.env'] }, dir, {})).toThrow('--env-file ' + join(dir, 'missing.env'));
  });

  it('refuses --generate-provenance, and --workspace-dir on the chroot runner, naming them', () => {
    expect(() => normalizeMelangeBuildOptions({ configPath: 'm.yaml', generateProvenance: true }, '/w', {})).toThrow('--generate-provenance is not supported');
    expect(() => normalizeMelangeBuildOptions({ configPath: 'm.yaml', runner: 'chroot', workspaceDir: 'ws' }, '/w', {})).toThrow('--workspace-dir: runner "chroot"');
  });

  it('parses either arch spelling, keeps several in order without repeats, resolves paths and names the public key', () => {
    const o = normalizeMelangeBuildOptions(
      { configPath: '/abs/melange.yaml', archs: ['arm64', 'x86_64', 'aarch64'], outDir: 'out', sourceDir: 'src', signingKey: { privateKeyPem: 'k', keyName: 'melange.rsa' } },
      '/work',
      {},
    );
    expect([o.archs.map((a) => a.apk), o.outDir, o.sourceDir, o.signingKey!.keyName]).toEqual([['aarch64', 'x86_64'], '/work/out', '/work/src', 'melange.rsa.pub']);
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml', archs: 'amd64' }, '/', {}).archs.map((a) => a.apk)).toEqual(['x86_64']);
  });

  it('reads a signing key given as a path with the one reader, relative to the caller\'s directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'melange-opts-'));
    writeFileSync(join(dir, 'ci.rsa'), generateKeyPair('ci', 2048).privateKeyPem);
    const o = normalizeMelangeBuildOptions({ configPath: 'm.yaml', signingKey: 'ci.rsa' }, dir, {});
    expect(o.signingKey!.keyName).toBe('ci.rsa.pub');
    expect(() => normalizeMelangeBuildOptions({ configPath: 'm.yaml', signingKey: 'none.rsa' }, dir, {})).toThrow('cannot read the signing key none.rsa');
  });

  it('takes the build date from the option, else SOURCE_DATE_EPOCH', () => {
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml', sourceDateEpoch: 5 }, '/', { SOURCE_DATE_EPOCH: '9' }).sourceDateEpoch).toBe(5);
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml' }, '/', { SOURCE_DATE_EPOCH: '9' }).sourceDateEpoch).toBe(9);
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml' }, '/', { SOURCE_DATE_EPOCH: '' }).sourceDateEpoch).toBeUndefined();
  });

  it('accepts every runner of the table', () => {
    expect(RUNNER_NAMES).toEqual(['bubblewrap', 'host', 'chroot']);
    for (const runner of RUNNER_NAMES) expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml', runner }, '/', {}).runner).toBe(runner);
  });

  it.each([
    [{ configPath: 'm.yaml', sourceDateEpoch: -1 }, {}, 'sourceDateEpoch -1 is not a non-negative whole number of seconds'],
    [{ configPath: 'm.yaml' }, { SOURCE_DATE_EPOCH: 'yesterday' }, 'SOURCE_DATE_EPOCH="yesterday" is not a non-negative integer'],
    [{ configPath: 'm.yaml', archs: 'sparc' }, {}, '--arch: unknown architecture "sparc"'],
    [{ configPath: 'm.yaml', runner: 'docker' }, {}, 'unknown runner "docker" (the runners are bubblewrap, host, chroot)'],
    [{ configPath: 'm.yaml', runner: 'host', packageAppend: ['busybox'] }, {}, 'extra packages (-p, --package-append) shape the build environment, which runner "host" does not build'],
    [{ configPath: '' }, {}, 'no melange.yaml given'],
  ])('refuses %j', (opts, env, message) => {
    expect(() => normalizeMelangeBuildOptions(opts, '/', env)).toThrow(ConfigError);
    expect(() => normalizeMelangeBuildOptions(opts, '/', env)).toThrow(message);
  });
});
