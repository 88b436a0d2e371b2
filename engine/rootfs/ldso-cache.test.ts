import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { libcmp, readLdsoConf, writeLdsoCache } from './ldso-cache';
import { Tree } from './tree';

const LIBZ = '/lib/x86_64-linux-gnu/libz.so.1';
const LDCONFIG = ['/sbin/ldconfig', '/usr/sbin/ldconfig'].find((p) => existsSync(p));
const canCheck = existsSync(LIBZ) && LDCONFIG !== undefined;
if (!canCheck) {
  const why = 'needs an x86_64 glibc machine with ldconfig (libc-bin)';
  if (process.env.CI === 'true') throw new Error(`ld.so.cache tests cannot run: ${why}`);
  console.warn(`skipping the ldconfig check of ld.so.cache: ${why}`);
}

/** A tree with the parents of every path made. */
function treeOf(files: Record<string, string | Buffer>, links: Record<string, string> = {}): Tree {
  const tree = new Tree();
  const parent = (p: string) => p.split('/').slice(0, -1).join('/');
  for (const [path, data] of Object.entries(files)) {
    if (parent(path)) tree.mkdirAll(parent(path));
    tree.writeFile(path, data, { mode: 0o755 });
  }
  for (const [path, target] of Object.entries(links)) {
    if (parent(path)) tree.mkdirAll(parent(path));
    tree.symlink(target, path);
  }
  return tree;
}

describe('libcmp (glibc library order)', () => {
  it('compares digit runs as numbers, ranks digits over other characters, then shorter first', () => {
    expect(libcmp('libfoo.so.10', 'libfoo.so.9')).toBe(1);
    expect(libcmp('libfoo.so.2', 'libfoo.so.2')).toBe(0);
    expect(libcmp('libfoo1.so', 'libfoo.so')).toBe(1);
    expect(libcmp('liba.so', 'libb.so')).toBe(-1);
    expect(libcmp('libz.so', 'libz.so.1')).toBe(-1);
  });
});

describe('readLdsoConf', () => {
  it('drops comments, blanks and repeats, reads includes in glob order and, as apko does, stops after an include', () => {
    const tree = treeOf({
      'etc/ld.so.conf': '/first # c\n\n/first\ninclude /etc/conf.d/*.conf\n/never\n',
      'etc/conf.d/b.conf': '/b\n',
      'etc/conf.d/a.conf': '/a\n/a2\n',
      'etc/conf.d/skip.txt': '/skip\n',
    });
    expect(readLdsoConf(tree, 'etc/ld.so.conf')).toEqual(['/first', '/a', '/a2', '/b']);
  });

  it('does not loop on a conf that includes itself', () => {
    const tree = treeOf({ 'etc/ld.so.conf': 'include /etc/ld.so.conf\n' });
    expect(readLdsoConf(tree, 'etc/ld.so.conf')).toEqual([]);
  });
});

describe('writeLdsoCache', () => {
  const work = mkdtempSync(join(tmpdir(), 'apko-nx-ldso-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes nothing without /etc/ld.so.conf', () => {
    const tree = new Tree();
    expect(writeLdsoCache(tree)).toBe(false);
    expect(tree.stat('etc/ld.so.cache')).toBeUndefined();
  });

  it('lists the header and no library for a conf naming empty directories', () => {
    const tree = treeOf({ 'etc/ld.so.conf': '/usr/lib\n' });
    expect(writeLdsoCache(tree)).toBe(true);
    const cache = tree.readFile('etc/ld.so.cache')!;
    expect(cache.subarray(0, 20).toString('latin1')).toBe('glibc-ld.so.cache1.1');
    expect(cache.readUInt32LE(20)).toBe(0);
    expect(cache.length).toBe(64);
  });

  it.runIf(canCheck)('writes a cache glibc\'s ldconfig -p reads: libraries by SONAME and link name, newest first, non-ELF files left out', () => {
    const real = realpathSync(LIBZ);
    const tree = treeOf(
      {
        'etc/ld.so.conf': 'include /etc/ld.so.conf.d/*.conf\n',
        'etc/ld.so.conf.d/local.conf': '/usr/local/lib\n',
        [`lib/${basename(real)}`]: readFileSync(real),
        'usr/local/lib/libfake.so.1': 'text, not ELF\n',
      },
      { 'lib/libz.so.1': basename(real), 'lib/libz.so': 'libz.so.1' },
    );
    writeLdsoCache(tree);
    const file = join(work, 'ld.so.cache');
    writeFileSync(file, tree.readFile('etc/ld.so.cache')!);
    const listed = spawnSync(LDCONFIG!, ['-p', '-C', file], { encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    const lines = listed.stdout.split('\n').map((l) => l.trim()).filter((l) => l.includes('=>'));
    expect(lines).toEqual(['libz.so.1 (libc6,x86-64) => /lib/libz.so.1', 'libz.so (libc6,x86-64) => /lib/libz.so']);
    expect(listed.stdout).toMatch(/^2 libs found in cache/);
  });
});
