import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LINT_REQUIRE, DEFAULT_LINT_WARN, LINTERS } from './table';
import { humanBytes, isLicenseFile } from './duplicate';
import type { LintEntry, LintSubject } from './types';

const file = (path: string, mode = 0o644, data: Buffer | string = 'x'): LintEntry => {
  const bytes = Buffer.from(data);
  return { path, type: 'file', mode, size: bytes.length, read: () => bytes };
};
const dir = (path: string): LintEntry => ({ path, type: 'dir', mode: 0o755, size: 0, read: () => Buffer.alloc(0) });
const subject = (entries: LintEntry[], name = 'pkg', testUses?: string[]): LintSubject => ({ name, entries, ...(testUses ? { testUses } : {}) });
const check = (linter: string, s: LintSubject) => LINTERS.get(linter)!.check(s);

describe('the linter table', () => {
  it("has melange v0.58.0's default required and warning sets", () => {
    expect(DEFAULT_LINT_REQUIRE).toEqual(['dev', 'infodir', 'libtool/la-files', 'setuidgid', 'tempdir', 'usrmerge', 'varempty', 'worldwrite']);
    expect(DEFAULT_LINT_WARN).toEqual([
      'binaryarch', 'cudaruntimelib', 'dll', 'duplicate', 'dylib', 'lddcheck', 'maninfo', 'nonlinux', 'object', 'opt', 'pkgconf',
      'python/docs', 'python/multiple', 'python/test', 'sbom', 'srv', 'staticarchive', 'strip', 'unsupportedarch', 'usrlocal',
    ]);
    expect([...LINTERS.keys()].filter((n) => !DEFAULT_LINT_REQUIRE.includes(n) && !DEFAULT_LINT_WARN.includes(n)).sort()).toEqual(['documentation', 'empty']);
  });
});

describe('the linters', () => {
  it.each([
    ['opt', ['opt/a'], 'pkg writes to /opt'],
    ['srv', ['srv/a'], 'pkg writes to /srv'],
    ['usrlocal', ['usr/local/bin/a'], 'pkg contains /usr/local path in non-compat package'],
    ['object', ['usr/lib/a.o', 'usr/lib/b.o'], 'pkg contains 2 intermediate object files. This is usually wrong. In most cases they should be removed'],
    ['dll', ['usr/lib/a.dll'], 'pkg contains 1 DLL file'],
    ['dylib', ['usr/lib/a.dylib'], 'pkg contains 1 dylib file'],
    ['cudaruntimelib', ['usr/lib/libcuda.so.1'], 'pkg contains CUDA driver-specific libraries'],
    ['maninfo', ['usr/share/man/man1/a.1.gz'], 'pkg contains 1 man/info file but is not a documentation package'],
    ['documentation', ['usr/share/doc/a/README'], 'pkg contains 1 documentation file but is not a documentation package'],
    ['sbom', ['var/lib/db/sbom/extra.txt'], 'pkg writes to var/lib/db/sbom'],
    ['pkgconf', ['usr/lib/pkgconfig/a.pc'], 'pkg contains pkgconfig files but test/pkgconf is not configured'],
    ['lddcheck', ['usr/lib/liba.so.1'], 'pkg contains shared objects but test/ldd-check is not configured'],
    ['nonlinux', ['usr/share/a/darwin/x'], 'pkg contains 1 non-Linux reference(s)'],
    ['unsupportedarch', ['usr/lib/a-s390x.so'], 'pkg contains 1 unsupported architecture reference(s)'],
  ])('%s flags %j', (linter, paths, message) => {
    const f = check(linter, subject([dir('usr'), ...paths.map((p) => file(p))], 'pkg', []));
    expect(f?.message).toBe(message);
    expect(f?.items?.map((i) => i.split(' (')[0])).toEqual(paths);
  });

  it('spares -compat, -dev and -doc packages where melange does, and packages whose test runs the check', () => {
    expect(check('opt', subject([file('opt/a')], 'x-compat'))).toBeUndefined();
    expect(check('dll', subject([file('a.dll')], 'x-dev'))).toBeUndefined();
    expect(check('staticarchive', subject([file('a.a')], 'x-static'))).toBeUndefined();
    expect(check('maninfo', subject([file('usr/share/man/man1/a.1')], 'x-doc'))).toBeUndefined();
    expect(check('lddcheck', subject([file('usr/lib/liba.so')], 'x', ['test/tw/ldd-check']))).toBeUndefined();
    expect(check('pkgconf', subject([file('usr/lib/pkgconfig/a.pc')]))?.message).toBe('pkg contains pkgconfig files but missing .melange.yaml');
  });

  it('tempdir accepts directories under /run when a tmpfiles.d snippet exists', () => {
    expect(check('tempdir', subject([dir('run/x')]))?.items).toEqual(['run/x']);
    expect(check('tempdir', subject([dir('run/x'), file('usr/lib/tmpfiles.d/x.conf')]))).toBeUndefined();
    expect(check('tempdir', subject([dir('tmp')]))).toBeUndefined();
  });

  it('empty flags a package with nothing but directories and the SBOM', () => {
    expect(check('empty', subject([dir('usr'), file('var/lib/db/sbom/p.spdx.json')]))?.message).toBe('package is empty but no-provides is not set');
    expect(check('empty', subject([file('usr/a')]))).toBeUndefined();
  });

  it('python linters read site-packages', () => {
    const site = 'usr/lib/python3.12/site-packages';
    const py = [dir('usr/lib/python3.12'), dir(site), dir(`${site}/foo`), dir(`${site}/barbaz`), dir(`${site}/tests`), dir(`${site}/foo-1.0.dist-info`)];
    expect(check('python/test', subject(py))?.message).toBe('tests directory encountered in Python site-packages directory');
    expect(check('python/multiple', subject(py))?.message).toBe('multiple Python packages detected: 2 found ("barbaz", "foo")');
    expect(check('python/docs', subject(py))).toBeUndefined();
    expect(check('python/docs', subject([dir('usr/lib/python3.11'), dir('usr/lib/python3.12')]))?.message).toBe('more than one Python version detected: 2 found');
  });

  it('binaryarch reads the ELF machine, and skips files that are neither executable nor named like libraries', () => {
    const env = readFileSync('/usr/bin/env');
    const arm = Buffer.from(env);
    arm.writeUInt16LE(40, 18);
    expect(check('binaryarch', subject([file('usr/bin/env', 0o755, env)]))).toBeUndefined();
    expect(check('binaryarch', subject([file('usr/bin/arm', 0o755, arm)]))?.items).toEqual(['usr/bin/arm (arm)']);
    expect(check('binaryarch', subject([file('usr/share/arm', 0o644, arm)]))).toBeUndefined();
    expect(check('strip', subject([file('usr/bin/env', 0o755, env)]))).toBeUndefined();
  });

  it('duplicate reports same-named, same-content files of 1 kB or more, license files excepted', () => {
    const big = 'x'.repeat(2000);
    const f = check('duplicate', subject([file('a/data.bin', 0o644, big), file('b/data.bin', 0o644, big), file('a/LICENSE', 0o644, big), file('b/LICENSE', 0o644, big)]));
    expect(f?.message).toBe('pkg contains 1 duplicate file(s) with same name in different directories (wasting 2.0 kB total)');
    expect(f?.items).toEqual(["2 copies of 'data.bin' (2.0 kB each, wasting 2.0 kB): a/data.bin, b/data.bin"]);
    expect(isLicenseFile('usr/share/licenses/COPYING-MIT')).toBe(true);
    expect(isLicenseFile('usr/share/x/license.xml')).toBe(false);
    expect([humanBytes(9), humanBytes(1024), humanBytes(12_345_678)]).toEqual(['9 B', '1.0 kB', '12 MB']);
  });
});
