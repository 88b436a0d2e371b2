import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import { ALL_ARCHS, expandArchs, hostArch, parseArch, resolveArchs } from './arch';

const amd64 = parseArch('amd64');

describe('parseArch', () => {
  it.each([
    ['x86', 'x86', '386', '386', undefined],
    ['386', 'x86', '386', '386', undefined],
    ['x86_64', 'x86_64', 'amd64', 'amd64', undefined],
    ['amd64', 'x86_64', 'amd64', 'amd64', undefined],
    ['aarch64', 'aarch64', 'arm64', 'arm64', undefined],
    ['arm64', 'aarch64', 'arm64', 'arm64', undefined],
    ['armv7', 'armv7', 'arm/v7', 'arm', 'v7'],
    ['arm/v7', 'armv7', 'arm/v7', 'arm', 'v7'],
    ['armhf', 'armhf', 'arm/v6', 'arm', 'v6'],
    ['arm/v6', 'armhf', 'arm/v6', 'arm', 'v6'],
    ['loongarch64', 'loongarch64', 'loong64', 'loong64', undefined],
    ['loong64', 'loongarch64', 'loong64', 'loong64', undefined],
    ['ppc64le', 'ppc64le', 'ppc64le', 'ppc64le', undefined],
    ['riscv64', 'riscv64', 'riscv64', 'riscv64', undefined],
    ['s390x', 's390x', 's390x', 's390x', undefined],
  ])('parses %s as apk %s / OCI %s', (input, apk, oci, architecture, variant) => {
    const a = parseArch(input);
    expect({ apk: a.apk, oci: a.oci, architecture: a.architecture, variant: a.variant }).toEqual({ apk, oci, architecture, variant });
  });

  it('returns the same object for both spellings', () => {
    expect(parseArch('x86_64')).toBe(parseArch('amd64'));
  });

  it.each(['sparc', 'AMD64', 'arm', 'arm64/v8', 'all', ''])('rejects %j with a ConfigError listing the accepted names', (input) => {
    expect(() => parseArch(input, '--arch')).toThrow(ConfigError);
    expect(() => parseArch(input, '--arch')).toThrow(
      `--arch: unknown architecture "${input}" (expected one of: 386, amd64, arm/v6, arm/v7, arm64, loong64, ppc64le, riscv64, s390x, x86, x86_64, armhf, armv7, aarch64, loongarch64, all, host)`,
    );
  });
});

describe('resolveArchs', () => {
  it('prefers --arch over the config archs', () => {
    expect(resolveArchs(['aarch64'], ['amd64'], amd64).map((a) => a.oci)).toEqual(['arm64']);
  });

  it('uses the config archs when --arch is absent or empty', () => {
    expect(resolveArchs(undefined, ['arm64', 'amd64'], amd64).map((a) => a.oci)).toEqual(['amd64', 'arm64']);
    expect(resolveArchs([], ['amd64'], amd64).map((a) => a.oci)).toEqual(['amd64']);
  });

  it('builds all nine architectures when neither names any', () => {
    expect(resolveArchs(undefined, [], amd64)).toEqual(ALL_ARCHS);
    expect(ALL_ARCHS.map((a) => a.oci)).toEqual(['386', 'amd64', 'arm/v6', 'arm/v7', 'arm64', 'loong64', 'ppc64le', 'riscv64', 's390x']);
  });

  it('expands all and host when they stand alone', () => {
    expect(resolveArchs(['all'], ['amd64'], amd64)).toEqual(ALL_ARCHS);
    expect(resolveArchs(['host'], [], parseArch('s390x')).map((a) => a.apk)).toEqual(['s390x']);
    expect(resolveArchs(undefined, ['host'], parseArch('arm64')).map((a) => a.apk)).toEqual(['aarch64']);
  });

  it('normalizes, de-duplicates and sorts', () => {
    expect(expandArchs(['x86_64', 'amd64', 'aarch64', 'armv7', 'x86'], amd64).map((a) => a.oci)).toEqual(['386', 'amd64', 'arm/v7', 'arm64']);
  });

  it('rejects all or host mixed with other names', () => {
    expect(() => resolveArchs(['all', 'amd64'], [], amd64)).toThrow('--arch: "all" must be the only entry, got all, amd64');
  });
});

describe('hostArch', () => {
  it.each([
    ['x64', 'x86_64'],
    ['arm64', 'aarch64'],
    ['ia32', 'x86'],
    ['arm', 'armv7'],
    ['ppc64', 'ppc64le'],
    ['s390x', 's390x'],
    ['riscv64', 'riscv64'],
    ['loong64', 'loongarch64'],
  ])('maps Node arch %s to %s', (node, apk) => {
    expect(hostArch(node).apk).toBe(apk);
  });
});
