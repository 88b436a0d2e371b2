import { describe, expect, it } from 'vitest';
import { hostArch } from '../arch';
import { ConfigError } from '../errors';
import { normalizeMelangeBuildOptions } from './build-options';

describe('normalizeMelangeBuildOptions', () => {
  it('fills the defaults melange uses', () => {
    const o = normalizeMelangeBuildOptions({ configPath: 'pkgs/hello/melange.yaml' }, '/work', {});
    expect(o).toMatchObject({
      configPath: '/work/pkgs/hello/melange.yaml',
      arch: hostArch(),
      outDir: '/work/packages',
      sourceDir: '/work/pkgs/hello',
      runner: 'host',
      vars: {},
      namespace: 'unknown',
      generateIndex: true,
    });
    expect(o.sourceDateEpoch).toBeUndefined();
    expect(o.signingKey).toBeUndefined();
  });

  it('parses either arch spelling, resolves paths and names the public key', () => {
    const o = normalizeMelangeBuildOptions(
      { configPath: '/abs/melange.yaml', arch: 'arm64', outDir: 'out', sourceDir: 'src', signingKey: { privateKeyPem: 'k', keyName: 'melange.rsa' } },
      '/work',
      {},
    );
    expect([o.arch.apk, o.outDir, o.sourceDir, o.signingKey!.keyName]).toEqual(['aarch64', '/work/out', '/work/src', 'melange.rsa.pub']);
  });

  it('takes the build date from the option, else SOURCE_DATE_EPOCH', () => {
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml', sourceDateEpoch: 5 }, '/', { SOURCE_DATE_EPOCH: '9' }).sourceDateEpoch).toBe(5);
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml' }, '/', { SOURCE_DATE_EPOCH: '9' }).sourceDateEpoch).toBe(9);
    expect(normalizeMelangeBuildOptions({ configPath: 'm.yaml' }, '/', { SOURCE_DATE_EPOCH: '' }).sourceDateEpoch).toBeUndefined();
  });

  it.each([
    [{ configPath: 'm.yaml', sourceDateEpoch: -1 }, {}, 'sourceDateEpoch -1 is not a non-negative whole number of seconds'],
    [{ configPath: 'm.yaml' }, { SOURCE_DATE_EPOCH: 'yesterday' }, 'SOURCE_DATE_EPOCH="yesterday" is not a non-negative integer'],
    [{ configPath: 'm.yaml', arch: 'sparc' }, {}, '--arch: unknown architecture "sparc"'],
    [{ configPath: 'm.yaml', runner: 'chroot' as const }, {}, 'runner "chroot" needs a way to build the root filesystem (prepareRoot)'],
    [{ configPath: '' }, {}, 'no melange.yaml given'],
  ])('refuses %j', (opts, env, message) => {
    expect(() => normalizeMelangeBuildOptions(opts, '/', env)).toThrow(ConfigError);
    expect(() => normalizeMelangeBuildOptions(opts, '/', env)).toThrow(message);
  });
});
