import { describe, expect, it } from 'vitest';
import type { ApkPackage } from '../apk/package';
import { FormatError } from '../errors';
import { checkPackageIdentity } from './identity';

const pkg = (pkgname: string, pkgver: string, arch: string) =>
  ({ pkginfo: { pkgname, pkgver, arch, size: 0, license: [], depend: [], provides: [], replaces: [], install_if: [], triggers: [], extra: [] } }) as unknown as ApkPackage;

function refusal(fn: () => void): FormatError {
  try {
    fn();
  } catch (e) {
    return e as FormatError;
  }
  throw new Error('expected a refusal');
}

describe('checkPackageIdentity', () => {
  it('accepts the package asked for, and a noarch package in any build', () => {
    checkPackageIdentity(pkg('a', '1-r0', 'x86_64'), { name: 'a', version: '1-r0', arch: 'x86_64', buildArch: 'x86_64' }, 'r/a-1-r0.apk', 'the index');
    checkPackageIdentity(pkg('a', '1-r0', 'noarch'), { name: 'a', version: '1-r0', arch: 'noarch', buildArch: 'aarch64' }, 'r/a-1-r0.apk', 'the index');
    checkPackageIdentity(pkg('a', '1-r0', 'x86_64'), { name: 'a', version: '1-r0', arch: '', buildArch: 'x86_64' }, 'r/a-1-r0.apk', 'the index');
  });

  it('names every disagreement, both sides of each, and the file', () => {
    const err = refusal(() => checkPackageIdentity(pkg('b', '2-r0', 'aarch64'), { name: 'a', version: '1-r0', arch: 'x86_64', buildArch: 'x86_64' }, 'r/a-1-r0.apk', 'the index'));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe(
      'r/a-1-r0.apk is not the package a-1-r0: the index says name "a", its .PKGINFO says "b"; the index says version "1-r0", its .PKGINFO says "2-r0"; ' +
        'the index says arch "x86_64", its .PKGINFO says "aarch64"; the build is for x86_64, its .PKGINFO says arch "aarch64"',
    );
    expect(err.hint).toContain('index');
  });

  it('refuses a package for another arch even when the lock file agrees with it', () => {
    const err = refusal(() => checkPackageIdentity(pkg('a', '1-r0', 'aarch64'), { name: 'a', version: '1-r0', arch: 'aarch64', buildArch: 'x86_64' }, 'a.apk', 'the lock file'));
    expect(err.message).toBe('a.apk is not the package a-1-r0: the build is for x86_64, its .PKGINFO says arch "aarch64"');
    expect(err.hint).toContain('apko-nx lock');
  });
});
