import { describe, expect, it } from 'vitest';
import { readTar } from '../tar/read';
import { scriptEntries, scriptsTar } from './scripts-tar';
import { makePackage } from './testdata/make-package';

const pkg = makePackage({
  name: 'foo',
  version: '1.0-r0',
  checksum: 'Q1abcdefghijklmnopqrstuvwxyz0=',
  control: [
    { name: '.melange.yaml', type: 'file', data: 'package: foo\n', mode: 0o644 },
    { name: '.pre-install', type: 'file', data: '#!/bin/sh\necho pre\n', mode: 0o755, mtime: 5 },
    { name: '.post-install', type: 'file', data: '#!/bin/sh\necho post\n', mode: 0o755, mtime: 5 },
    { name: '.trigger', type: 'file', data: '#!/bin/sh\n', mode: 0o754 },
  ],
});

describe('scriptEntries', () => {
  it('takes only control entries executable by everyone and renames them <name>-<version>.<Q1 checksum><entry>', () => {
    expect(scriptEntries(pkg, 1700000000).map((e) => e.name)).toEqual([
      'foo-1.0-r0.Q1abcdefghijklmnopqrstuvwxyz0=.pre-install',
      'foo-1.0-r0.Q1abcdefghijklmnopqrstuvwxyz0=.post-install',
    ]);
  });

  it('writes them into a tar with the build date as mtime and the original mode, owner and content', () => {
    const entries = readTar(scriptsTar([...scriptEntries(pkg, 1700000000)]));
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({ type: 'file', mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1700000000 });
    expect(entries[1]!.data.toString()).toBe('#!/bin/sh\necho post\n');
  });

  it('ends the archive with two zero blocks, so an empty one is exactly 1024 zero bytes', () => {
    expect(scriptsTar([])).toEqual(Buffer.alloc(1024));
    const full = scriptsTar(scriptEntries(pkg, 0));
    expect(full.subarray(full.length - 1024)).toEqual(Buffer.alloc(1024));
  });
});

describe('scriptEntries: hostile control entries', () => {
  it('refuses a control entry whose name has a newline or a slash', () => {
    const nl = makePackage({ name: 'evil', control: [{ name: '.post-install\nP:x', type: 'file', data: '#!/bin/sh\n', mode: 0o755 }] });
    expect(() => scriptEntries(nl, 0)).toThrow('evil-1.0.0-r0: control entry ".post-install\\nP:x" has a character (\\n) no script name may hold');
    const slash = makePackage({ name: 'evil', control: [{ name: '.pre-install/../../x', type: 'file', data: '', mode: 0o755 }] });
    expect(() => scriptEntries(slash, 0)).toThrow(/character \(\/\)/);
  });

  it('refuses a package name or version with a slash, which would become a path inside scripts.tar', () => {
    expect(() => scriptEntries(makePackage({ name: 'evil', version: '1/../../x' }), 0)).toThrow('evil: the package version "1/../../x" has a character (/) no package version may hold');
  });
});
