import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { OutputError, UnsafePathError } from '../errors';
import { Tree } from '../rootfs';
import { materializeTree } from './materialize';

const isRoot = process.getuid?.() === 0;

/** A fresh base directory holding the target `root` and a sentinel `outside` that must stay empty. */
function places(): { base: string; root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'materialize-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  return { base, root, outside };
}

/** Every path below `dir`, relative, sorted. */
function listing(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    out.push(rel);
    const st = lstatSync(join(dir, name));
    if (st.isDirectory()) out.push(...listing(join(dir, name), rel));
  }
  return out;
}

describe('materializeTree', () => {
  let p: ReturnType<typeof places>;
  beforeEach(() => {
    p = places();
  });

  it('writes directories, files, symlinks and hardlinks with their modes and times', async () => {
    const tree = new Tree();
    tree.mkdirAll('usr/bin', { mode: 0o755 });
    tree.writeFile('usr/bin/tool', '#!/bin/sh\n', { mode: 0o4755, uid: 0, gid: 0, mtime: 1700000000 });
    tree.mkdirAll('etc');
    tree.writeFile('etc/secret', 'x', { mode: 0o640, uid: 12, gid: 34 });
    tree.symlink('tool', 'usr/bin/alias');
    tree.set('usr/bin/hard', { type: 'hardlink', mode: 0o4755, uid: 0, gid: 0, mtime: 0, linkTarget: 'usr/bin/tool' });
    tree.mkdirAll('ro', { mode: 0o555 });
    tree.writeFile('ro/inside', 'kept');
    const r = await materializeTree(tree, p.root);
    expect(listing(p.root)).toEqual(['etc', 'etc/secret', 'ro', 'ro/inside', 'usr', 'usr/bin', 'usr/bin/alias', 'usr/bin/hard', 'usr/bin/tool']);
    expect(r.written).toBe(9);
    const tool = statSync(join(p.root, 'usr/bin/tool'));
    expect(tool.mode & 0o7777).toBe(0o4755);
    expect(tool.mtimeMs).toBe(1700000000 * 1000);
    expect(readFileSync(join(p.root, 'usr/bin/tool'), 'utf8')).toBe('#!/bin/sh\n');
    expect(readlinkSync(join(p.root, 'usr/bin/alias'))).toBe('tool');
    expect(statSync(join(p.root, 'usr/bin/hard')).ino).toBe(tool.ino);
    expect(statSync(join(p.root, 'ro')).mode & 0o7777).toBe(0o555);
    expect(readFileSync(join(p.root, 'ro/inside'), 'utf8')).toBe('kept');
    if (isRoot) {
      expect(statSync(join(p.root, 'etc/secret'))).toMatchObject({ uid: 12, gid: 34 });
      expect(r.notes).toEqual([]);
    }
  });

  it('writes symlinks that point outside (absolute, ../ and host paths) as links and never writes through them', async () => {
    const tree = new Tree();
    tree.mkdirAll('etc');
    tree.symlink('/etc', 'etc/host-etc');
    tree.symlink('../../..', 'etc/up');
    tree.symlink(p.outside, 'abs');
    tree.symlink('../outside', 'escape');
    // The tree resolves writes through its own links inside itself: these land at /outside/… and /etc/… of the tree.
    tree.mkdirAll('escape');
    tree.writeFile('escape/pwned', 'no');
    tree.writeFile('etc/host-etc/passwd-probe', 'no');
    tree.writeFile('abs-file', 'fine');
    await materializeTree(tree, p.root);
    expect(readdirSync(p.outside)).toEqual([]);
    expect(readlinkSync(join(p.root, 'etc/host-etc'))).toBe('/etc');
    expect(readlinkSync(join(p.root, 'etc/up'))).toBe('../../..');
    expect(readlinkSync(join(p.root, 'abs'))).toBe(p.outside);
    expect(readlinkSync(join(p.root, 'escape'))).toBe('../outside');
    expect(readFileSync(join(p.root, 'outside/pwned'), 'utf8')).toBe('no');
    expect(readFileSync(join(p.root, 'etc/passwd-probe'), 'utf8')).toBe('no');
    expect(listing(p.base).filter((x) => !x.startsWith('root/') && x !== 'root')).toEqual(['outside']);
  });

  it('refuses a node below a symlink (a stale entry of an inconsistent tree) and writes nothing outside', async () => {
    const tree = new Tree();
    tree.mkdirAll('a');
    tree.writeFile('a/f', 'through the link');
    tree.set('a', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 0, linkTarget: p.outside });
    const err = await materializeTree(tree, p.root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafePathError);
    expect((err as UnsafePathError).code).toBe('EUNSAFEPATH');
    expect((err as Error).message).toBe(`cannot write /a/f into ${p.root}: /a is not a directory written here (the tree holds a link or file there)`);
    expect(readdirSync(p.outside)).toEqual([]);
  });

  it('refuses a hardlink whose target is a symlink, so link(2) never reaches outside', async () => {
    const tree = new Tree();
    writeFileSync(join(p.outside, 'victim'), 'host file');
    tree.symlink(join(p.outside, 'victim'), 'ln');
    tree.set('hard', { type: 'hardlink', mode: 0o644, uid: 0, gid: 0, mtime: 0, linkTarget: 'ln' });
    await expect(materializeTree(tree, p.root)).rejects.toThrow('cannot write hardlink /hard: its target /ln is not a regular file written here');
    expect(statSync(join(p.outside, 'victim')).nlink).toBe(1);
  });

  it('skips device nodes with a note when not root, and still makes fifos', async () => {
    const tree = new Tree();
    tree.mkdirAll('dev');
    tree.set('dev/null', { type: 'char', mode: 0o666, uid: 0, gid: 0, mtime: 0, devmajor: 1, devminor: 3 });
    tree.set('dev/pipe', { type: 'fifo', mode: 0o600, uid: 0, gid: 0, mtime: 0 });
    const r = await materializeTree(tree, p.root, { asRoot: false });
    expect(r.notes).toEqual([
      '/dev/null: character device 1,3 not created (mknod needs root)',
      'file ownership not applied: every file belongs to the current user (chown needs root)',
    ]);
    expect(listing(p.root)).toEqual(['dev', 'dev/pipe']);
    expect(lstatSync(join(p.root, 'dev/pipe')).isFIFO()).toBe(true);
  });

  it.skipIf(!isRoot)('creates character devices as root', async () => {
    const tree = new Tree();
    tree.mkdirAll('dev');
    tree.set('dev/null', { type: 'char', mode: 0o666, uid: 0, gid: 0, mtime: 0, devmajor: 1, devminor: 3 });
    await materializeTree(tree, p.root, { asRoot: true });
    const st = lstatSync(join(p.root, 'dev/null'));
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe(statSync('/dev/null').rdev);
    expect(st.mode & 0o777).toBe(0o666);
  });

  it('refuses a directory that is not empty, or is a symlink', async () => {
    writeFileSync(join(p.root, 'old'), 'x');
    await expect(materializeTree(new Tree(), p.root)).rejects.toThrow(OutputError);
    await expect(materializeTree(new Tree(), p.root)).rejects.toThrow('the directory is not empty');
    const link = join(p.base, 'link');
    symlinkSync(p.outside, link);
    await expect(materializeTree(new Tree(), link)).rejects.toThrow('it is not a directory (or it is a symlink)');
  });
});
