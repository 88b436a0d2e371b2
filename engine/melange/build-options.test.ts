import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../apk/keys';
import { hostArch } from '../arch';
import { ConfigError } from '../errors';
import { MELANGE_BUILD_DEFAULTS, normalizeMelangeBuildOptions } from './build-options';
import { RUNNER_NAMES } from './runners';

describe('normalizeMelangeBuildOptions', () => {
  it('fills the defaults melange uses', () => {
    const o = normalizeMelangeBuildOptions({ configPath: 'pkgs/hello/melange.yaml' }, '/work', { HOME: '/home/u' });
    expect(o).toMatchObject({
      configPath: '/work/pkgs/hello/melange.yaml',
      archs: [hostArch()],
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
    });
    expect(o.sourceDateEpoch).toBeUndefined();
    expect(o.signingKey).toBeUndefined();
    expect(MELANGE_BUILD_DEFAULTS).toMatchObject({ outDir: 'packages', namespace: 'unknown', runner: 'bubblewrap', generateIndex: true, archs: ['host'] });
  });

  it('takes the build root cache from --cache-dir, else APKO_CACHE_DIR, as image builds do', () => {
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml', cacheDir: 'c' }, '/work', { APKO_CACHE_DIR: '/env' }).cacheDir).toBe('/work/c');
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml' }, '/work', { APKO_CACHE_DIR: 'rel' }).cacheDir).toBe('/work/rel');
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
