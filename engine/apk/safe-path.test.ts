import { describe, expect, it } from 'vitest';
import { UnsafePathError } from '../errors';
import { readTar } from '../tar/read';
import { writeTar } from '../tar/write';
import { assertInstallableName, assertSafeEntryName, assertSafeHardlink, assertSafeTarNames, rawTarNames } from './safe-path';

function caught(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('assertSafeEntryName', () => {
  it.each(['usr/bin', './usr/bin', 'usr/bin/', '.PKGINFO', 'a..b/..c', '...', './', 'usr/./bin'])('accepts %s', (name) => {
    expect(() => assertSafeEntryName(name, 'p-1-r0')).not.toThrow();
  });

  it.each([
    ['/etc/passwd', 'is an absolute path'],
    ['//etc', 'is an absolute path'],
    ['a/../../x', 'has a ".." component'],
    ['..', 'has a ".." component'],
    ['./../x', 'has a ".." component'],
    ['usr/..', 'has a ".." component'],
  ])('rejects %s, naming the package and the entry', (name, reason) => {
    const err = caught(() => assertSafeEntryName(name, 'p-1-r0'));
    expect(err).toBeInstanceOf(UnsafePathError);
    expect((err as UnsafePathError).code).toBe('EUNSAFEPATH');
    expect((err as UnsafePathError).subject).toBe('p-1-r0');
    expect((err as UnsafePathError).entry).toBe(name);
    expect((err as UnsafePathError).message).toBe(`p-1-r0: tar entry "${name}" ${reason}`);
  });
});

describe('assertSafeHardlink', () => {
  it('rejects a target that climbs out of the tree', () => {
    const err = caught(() => assertSafeHardlink('usr/bin/a', '../../etc/shadow', 'p-1-r0'));
    expect(err).toBeInstanceOf(UnsafePathError);
    expect((err as Error).message).toBe('p-1-r0: hardlink "usr/bin/a" points to "../../etc/shadow", which has a ".." component');
  });

  it('accepts a target inside the tree', () => {
    expect(() => assertSafeHardlink('usr/bin/a', 'usr/bin/b', 'p')).not.toThrow();
  });
});

describe('rawTarNames', () => {
  it('returns names as stored, where readTar has normalized them', () => {
    const long = `./${'d/'.repeat(80)}file`;
    const tar = writeTar([
      { name: '/etc/passwd', type: 'file', mode: 0o644, data: Buffer.from('x') },
      { name: './usr', type: 'dir', mode: 0o755 },
      { name: long, type: 'file', mode: 0o644, pax: { 'APK-TOOLS.checksum.SHA1': '0'.repeat(40) } },
      { name: 'h', type: 'hardlink', mode: 0o644, linkname: '/x' },
    ]);
    expect(readTar(tar).map((e) => e.name)).toEqual(['etc/passwd', 'usr', long.slice(2), 'h']);
    expect(rawTarNames(tar)).toEqual([
      { name: '/etc/passwd', linkname: '', flag: '0' },
      { name: './usr/', linkname: '', flag: '5' },
      { name: long, linkname: '', flag: '0' },
      { name: 'h', linkname: '/x', flag: '1' },
    ]);
  });
});

describe('assertSafeTarNames', () => {
  it('accepts ./-prefixed names and symlinks pointing anywhere', () => {
    const tar = writeTar([
      { name: './usr/bin', type: 'dir', mode: 0o755 },
      { name: 'var/run', type: 'symlink', mode: 0o777, linkname: '/run' },
      { name: 'var/x', type: 'symlink', mode: 0o777, linkname: '../../../etc' },
    ]);
    expect(() => assertSafeTarNames(tar, 'p')).not.toThrow();
  });

  it.each([
    ['an absolute entry', [{ name: '/etc/passwd', type: 'file' as const, mode: 0o644 }], 'p: tar entry "/etc/passwd" is an absolute path'],
    ['a climbing entry', [{ name: 'a/../../x', type: 'file' as const, mode: 0o644 }], 'p: tar entry "a/../../x" has a ".." component'],
    ['an absolute hardlink', [{ name: 'h', type: 'hardlink' as const, mode: 0o644, linkname: '/etc/shadow' }], 'p: hardlink "h" points to "/etc/shadow", which is an absolute path'],
  ])('rejects %s', (_what, entries, message) => {
    const err = caught(() => assertSafeTarNames(writeTar(entries), 'p'));
    expect(err).toBeInstanceOf(UnsafePathError);
    expect((err as Error).message).toBe(message);
  });
});

describe('assertInstallableName', () => {
  it('refuses a name with a newline, naming the package and showing the name escaped', () => {
    const err = caught(() => assertInstallableName('usr/x\nP:injected', 'evil-1-r0')) as UnsafePathError;
    expect(err).toBeInstanceOf(UnsafePathError);
    expect(err.message).toBe('evil-1-r0: tar entry "usr/x\\nP:injected" has a control or line-breaking character (\\n) in its name');
    expect(err.hint).toMatch(/package database/);
  });

  it('refuses a link target with a control character', () => {
    expect(() => assertInstallableName('etc/l', 'p', 'a\rb')).toThrow('p: tar entry "etc/l" links to "a\\rb", which has a control or line-breaking character (\\r)');
  });

  it('refuses whiteouts and opaque markers anywhere in the tree', () => {
    expect(() => assertInstallableName('etc/.wh.passwd', 'p')).toThrow(/OCI whiteout/);
    expect(() => assertInstallableName('usr/.wh..wh..opq', 'p')).toThrow(/OCI whiteout/);
    expect(() => assertInstallableName('.wh.etc', 'p')).toThrow(/OCI whiteout/);
  });

  it('refuses names longer than PATH_MAX or with a component longer than NAME_MAX', () => {
    expect(() => assertInstallableName(`a/${'b'.repeat(256)}`, 'p')).toThrow("has a component of 256 bytes, more than Linux's NAME_MAX (255)");
    expect(() => assertInstallableName(Array.from({ length: 17 }, () => 'c'.repeat(250)).join('/'), 'p')).toThrow(/PATH_MAX/);
  });

  it('accepts ordinary names with spaces, tabs, UTF-8 and dots', () => {
    for (const name of ['usr/share/a b', 'usr/share/café', 'etc/.hidden', 'usr/lib/.whatever', 'x\ty']) expect(() => assertInstallableName(name, 'p')).not.toThrow();
  });
});
