import { describe, expect, it } from 'vitest';
import { apkChecksumOf } from '../digest';
import { formatInstalled } from './installed-db';
import { installedRecord } from './installed-record';
import { GOLDEN_INSTALLED_HEAD, pretendBaselayout, replayout } from './testdata/golden-packages';
import { dir, file, hardlink, makePackage, symlink } from './testdata/make-package';

function goldenDb(arch: string): string {
  const a = pretendBaselayout(arch);
  const b = replayout(arch);
  return formatInstalled([installedRecord(a, a.dataEntries), installedRecord(b, b.dataEntries)]);
}

describe('installedRecord', () => {
  it('writes the golden amd64 installed database (apko `pkg/apk/apk/installed.go` output) byte for byte, 756 bytes long', () => {
    const text = goldenDb('x86_64');
    expect(text.startsWith(GOLDEN_INSTALLED_HEAD)).toBe(true);
    expect(Buffer.byteLength(text)).toBe(756);
    expect(text.endsWith('R:replayout-1.0.0-r0.spdx.json\nZ:Q19AQ+nV6ShsZ5h5wgPxI+uYz3Uvw=\n\n')).toBe(true);
  });

  it('writes the arm64 database two bytes longer (aarch64 in both A: lines), as apko did', () => {
    expect(Buffer.byteLength(goldenDb('aarch64'))).toBe(758);
  });

  it('records directory and file ownership with M: and a: lines only when not the default', () => {
    const pkg = makePackage({
      name: 'own',
      entries: [
        dir('tmp', { mode: 0o1777 }),
        dir('srv', { uid: 1000, gid: 1000 }),
        file('srv/data', 'd', { mode: 0o600, uid: 1000, gid: 1000 }),
        file('srv/plain', 'p'),
        symlink('srv/link', 'data'),
        hardlink('srv/hard', 'srv/plain'),
      ],
    });
    const lines = installedRecord(pkg, pkg.dataEntries).lines.map((l) => `${l.key}:${l.value}`);
    const q1 = (s: string) => apkChecksumOf(Buffer.from(s));
    expect(lines.slice(lines.indexOf('C:' + pkg.checksum) + 1)).toEqual([
      'F:srv',
      'M:1000:1000:0755',
      'R:data',
      'a:1000:1000:0600',
      `Z:${q1('d')}`,
      'R:hard',
      'R:link',
      'a:0:0:0777',
      `Z:${q1('data')}`,
      'R:plain',
      `Z:${q1('p')}`,
      'F:tmp',
      'M:0:0:1777',
    ]);
  });

  it('lists files before subdirectories, drops orphans and hangs top-level files from a bare F:', () => {
    const pkg = makePackage({
      name: 'order',
      entries: [
        dir('usr'),
        dir('usr/lib'),
        file('usr/lib/z', 'z'),
        file('usr/a', 'a'),
        file('top', 't'),
        file('orphan/x', 'x'),
      ],
    });
    const view = installedRecord(pkg, pkg.dataEntries).lines.filter((l) => 'FR'.includes(l.key)).map((l) => `${l.key}:${l.value}`);
    expect(view).toEqual(['F:', 'R:top', 'F:usr', 'R:a', 'F:usr/lib', 'R:z']);
  });

  it('writes i: as Go prints a slice and omits r: when nothing is replaced', () => {
    const pkg = makePackage({ name: 'q', install_if: ['a', 'b=1'], provider_priority: 10, builddate: 1700000000 });
    const text = formatInstalled([installedRecord(pkg, [])]);
    expect(text).toContain('\ni:[a b=1]\nt:1700000000\n');
    expect(text).toContain('\nk:10\n');
    expect(text).not.toContain('\nr:');
  });
});

describe('installedRecord: values that would break a line', () => {
  it('refuses a .PKGINFO value with a carriage return, naming the package and the field', () => {
    const pkg = makePackage({ name: 'evil', url: 'https://x/\rP:injected' });
    expect(() => installedRecord(pkg, [])).toThrow('evil-1.0.0-r0: its url "https://x/\\rP:injected" has a control or line-breaking character (\\r), which would forge lines in the installed database');
  });

  it('refuses a file name with a newline, whatever reached the record', () => {
    const pkg = makePackage({ name: 'evil', entries: [dir('etc'), file('etc/a\nP:x', 'x')] });
    expect(() => installedRecord(pkg, pkg.dataEntries)).toThrow(/its file name "a\\nP:x"/);
  });

  it('refuses a dependency with a Unicode line separator', () => {
    expect(() => installedRecord(makePackage({ name: 'evil', depend: ['so:libc\u2028P:x'] }), [])).toThrow(/its depend .*\\u2028/);
  });
});
