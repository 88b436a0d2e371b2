import { describe, expect, it } from 'vitest';
import { Tree } from '../rootfs/tree';
import { readTar } from '../tar/read';
import { listTar } from './listing';
import { ownerNamesFromTree } from './names';
import { tarChunks } from './tar';
import { NO_NAMES } from './types';
import { goldenTree, mixedTree } from './testdata/trees';

const tarOf = (t: Tree, names = ownerNamesFromTree(t)) => Buffer.concat([...tarChunks(t.entries(), names)]);

describe('tarChunks', () => {
  it('writes the same bytes on every run and whatever order the tree was filled in', () => {
    const a = tarOf(mixedTree('forward'));
    expect(tarOf(mixedTree('forward')).equals(a)).toBe(true);
    expect(tarOf(mixedTree('reverse')).equals(a)).toBe(true);
  });

  it('writes entries in directory-walk order, each directory before its children and its children before later siblings', () => {
    const t = new Tree();
    for (const p of ['a/b', 'a-b', 'B', 'a', 'é']) t.mkdirAll(p);
    expect(readTar(tarOf(t)).map((e) => e.name)).toEqual(['B', 'a', 'a/b', 'a-b', 'é']);
  });

  it('keeps the owner, mode, mtime and special bits each node carries', () => {
    const entries = new Map(readTar(tarOf(mixedTree())).map((e) => [e.name, e]));
    expect(entries.get('home/nonroot')).toMatchObject({ type: 'dir', mode: 0o700, uid: 65532, gid: 65532, uname: 'nonroot', gname: 'nonroot' });
    expect(entries.get('home/nonroot/.profile')).toMatchObject({ uid: 65532, gid: 65532, mtime: 5, size: 11 });
    expect(entries.get('usr/bin/busybox')).toMatchObject({ mode: 0o4755, uid: 0, uname: 'root', gname: 'root', mtime: 1700000000 });
    expect(entries.get('usr/bin/ls')).toMatchObject({ type: 'symlink', linkname: '/usr/bin/busybox', mode: 0o777 });
  });

  it('leaves uname and gname empty when no names are given', () => {
    const entries = readTar(tarOf(mixedTree(), NO_NAMES));
    expect(entries.every((e) => e.uname === '' && e.gname === '')).toBe(true);
  });

  it('writes a hardlink as a link entry with no content', () => {
    const sh = readTar(tarOf(mixedTree())).find((e) => e.name === 'usr/bin/sh');
    expect(sh).toMatchObject({ type: 'hardlink', linkname: 'usr/bin/busybox', size: 0 });
  });

  it('uses a PAX header for a path too long for ustar, and only there', () => {
    const tar = tarOf(mixedTree());
    const long = readTar(tar).find((e) => e.name.endsWith('.txt'))!;
    expect(long.name.length).toBeGreaterThan(155);
    expect(long.data.toString()).toBe('long');
    const paxHeaders = [];
    for (let pos = 0; pos + 512 <= tar.length; pos += 512) if (tar[pos + 156] === 0x78 && tar.subarray(pos + 257, pos + 262).toString() === 'ustar') paxHeaders.push(pos);
    // Two: the long path and busybox's xattr; the long directory itself splits into prefix + name.
    expect(paxHeaders).toHaveLength(2);
  });

  it('carries xattrs on files but drops APK checksums and xattrs on symlinks', () => {
    const entries = new Map(readTar(tarOf(mixedTree())).map((e) => [e.name, e]));
    expect(entries.get('usr/bin/busybox')!.pax).toEqual({ 'SCHILY.xattr.security.capability': 'cap' });
    expect(entries.get('usr/bin/ls')!.pax).toEqual({});
  });

  it('writes character devices with their numbers', () => {
    const zero = readTar(tarOf(goldenTree())).find((e) => e.name === 'dev/zero');
    expect(zero).toMatchObject({ type: 'char', devmajor: 1, devminor: 5, mode: 0o666 });
  });

  it('reproduces the shape of apko golden layer: 39 entries in 32768 bytes', () => {
    const tar = tarOf(goldenTree());
    expect(tar.length).toBe(32768);
    expect(listTar(tar)).toEqual([
      'drwxr-xr-x 0/0 / 0 0 dev/',
      'crw--w---- 0/0 / 5,1 0 dev/console',
      'crw-rw-rw- 0/0 / 1,3 0 dev/null',
      'crw-rw-rw- 0/0 / 1,8 0 dev/random',
      'crw-rw-rw- 0/0 / 1,9 0 dev/urandom',
      'crw-rw-rw- 0/0 / 1,5 0 dev/zero',
      'drwxr-xr-x 0/0 / 0 0 etc/',
      'drwxr-xr-x 0/0 / 0 0 etc/apk/',
      '-rw-r--r-- 0/0 / 7 0 etc/apk/arch',
      'drwxr-xr-x 0/0 / 0 0 etc/apk/keys/',
      '-rw-r--r-- 0/0 / 800 0 etc/apk/keys/melange.rsa.pub',
      '-rw-r--r-- 0/0 / 20 0 etc/apk/repositories',
      '-rw-r--r-- 0/0 / 47 0 etc/apk/world',
      '-r--r--r-- 0/0 / 329 0 etc/apko.json',
      '-rw-r--r-- 0/0 / 102 0 etc/os-release',
      '-rw-r--r-- 0/0 / 0 0 etc/passwd',
      'drwxr-xr-x 0/0 / 0 0 lib/',
      'lrwxrwxrwx 0/0 / 0 0 lib/apk -> ../usr/lib/apk',
      'drwxr-xr-x 0/0 / 0 0 opt/',
      'dr-xr-xr-x 0/0 / 0 0 proc/',
      'drwxrwxrwt 0/0 / 0 0 tmp/',
      'drwxr-xr-x 0/0 / 0 0 usr/',
      'drwxr-xr-x 0/0 / 0 0 usr/lib/',
      'drwxr-xr-x 0/0 / 0 0 usr/lib/apk/',
      'drwxr-xr-x 0/0 / 0 0 usr/lib/apk/db/',
      '-rw-r--r-- 0/0 / 756 0 usr/lib/apk/db/installed',
      '-rw------- 0/0 / 0 0 usr/lib/apk/db/lock',
      '-rw-r--r-- 0/0 / 1024 0 usr/lib/apk/db/scripts.tar',
      '-rw-r--r-- 0/0 / 0 0 usr/lib/apk/db/triggers',
      'drwxr-xr-x 0/0 / 0 0 usr/lib/apk/exec/',
      'drwxr-xr-x 0/0 / 0 0 var/',
      'drwxr-xr-x 0/0 / 0 0 var/cache/',
      'drwxr-xr-x 0/0 / 0 0 var/cache/apk/',
      'drwxr-xr-x 0/0 / 0 0 var/cache/misc/',
      'drwxr-xr-x 0/0 / 0 0 var/lib/',
      'drwxr-xr-x 0/0 / 0 0 var/lib/db/',
      'drwxr-xr-x 0/0 / 0 0 var/lib/db/sbom/',
      '-rw-r--r-- 0/0 / 2769 0 var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json',
      '-rw-r--r-- 0/0 / 2679 0 var/lib/db/sbom/replayout-1.0.0-r0.spdx.json',
    ]);
  });

  it('writes ustar headers byte for byte as Go does for a plain file', () => {
    const t = new Tree();
    t.writeFile('f', 'hi', { mtime: 0 });
    const h = tarOf(t).subarray(0, 512);
    expect(h.subarray(100, 108).toString('latin1')).toBe('0000644\0');
    expect(h.subarray(124, 136).toString('latin1')).toBe('00000000002\0');
    expect(h.subarray(257, 265).toString('latin1')).toBe('ustar\u000000');
    expect(h.subarray(329, 345).toString('latin1')).toBe('0000000\u00000000000\0');
  });
});
