import { describe, expect, it } from 'vitest';
import { DB_DIR, initDatabase, linkApkDatabase } from './base-layout';
import { listTree } from './testdata/listing';
import { Tree, TreePathError } from './tree';

describe('initDatabase', () => {
  it('lays down apko’s InitDB skeleton: directories, empty database files, device nodes and an empty scripts.tar', () => {
    const tree = new Tree();
    initDatabase(tree, 'x86_64');
    expect(listTree(tree)).toEqual([
      'drwxr-xr-x 0/0 0 dev',
      'crw--w---- 0/0 5,1 dev/console',
      'crw-rw-rw- 0/0 1,3 dev/null',
      'crw-rw-rw- 0/0 1,8 dev/random',
      'crw-rw-rw- 0/0 1,9 dev/urandom',
      'crw-rw-rw- 0/0 1,5 dev/zero',
      'drwxr-xr-x 0/0 0 etc',
      'drwxr-xr-x 0/0 0 etc/apk',
      '-rw-r--r-- 0/0 7 etc/apk/arch',
      'drwxr-xr-x 0/0 0 etc/apk/keys',
      '-rw-r--r-- 0/0 1 etc/apk/repositories',
      '-rw-r--r-- 0/0 1 etc/apk/world',
      'drwxr-xr-x 0/0 0 opt',
      'dr-xr-xr-x 0/0 0 proc',
      'drwxrwxrwt 0/0 0 tmp',
      'drwxr-xr-x 0/0 0 usr',
      'drwxr-xr-x 0/0 0 usr/lib',
      'drwxr-xr-x 0/0 0 usr/lib/apk',
      'drwxr-xr-x 0/0 0 usr/lib/apk/db',
      '-rw-r--r-- 0/0 0 usr/lib/apk/db/installed',
      '-rw------- 0/0 0 usr/lib/apk/db/lock',
      '-rw-r--r-- 0/0 1024 usr/lib/apk/db/scripts.tar',
      '-rw-r--r-- 0/0 0 usr/lib/apk/db/triggers',
      'drwxr-xr-x 0/0 0 usr/lib/apk/exec',
      'drwxr-xr-x 0/0 0 var',
      'drwxr-xr-x 0/0 0 var/cache',
      'drwxr-xr-x 0/0 0 var/cache/apk',
      'drwxr-xr-x 0/0 0 var/cache/misc',
    ]);
    expect(tree.readFile('etc/apk/arch')?.toString()).toBe('x86_64\n');
    expect(tree.readFile(`${DB_DIR}/scripts.tar`)).toEqual(Buffer.alloc(1024));
    expect(tree.entries().every(([, n]) => n.mtime === 0 && n.owner === undefined)).toBe(true);
  });

  it('rejects a base directory with the wrong mode', () => {
    const tree = new Tree();
    tree.mkdirAll('tmp', { mode: 0o755 });
    expect(() => initDatabase(tree, 'x86_64')).toThrow(new TreePathError('base directory /tmp has mode 755, not 1777', 'tmp'));
  });
});

describe('linkApkDatabase', () => {
  function initialized(): Tree {
    const tree = new Tree();
    initDatabase(tree, 'x86_64');
    return tree;
  }

  it('creates /lib and the link lib/apk -> ../usr/lib/apk', () => {
    const tree = initialized();
    linkApkDatabase(tree);
    expect(tree.get('lib')).toMatchObject({ type: 'dir', mode: 0o755 });
    expect(tree.get('lib/apk')).toMatchObject({ type: 'symlink', linkTarget: '../usr/lib/apk', mode: 0o777 });
    expect(tree.readFile('lib/apk/db/lock')).toEqual(Buffer.alloc(0));
  });

  it('gives the link the mtime of the /lib a package installed', () => {
    const tree = initialized();
    tree.mkdirAll('lib', { mtime: 1234 });
    linkApkDatabase(tree);
    expect(tree.get('lib/apk')?.mtime).toBe(1234);
  });

  it.each(['usr/lib', '/usr/lib', '../usr/lib'])('does nothing when /lib is a symlink to %s (usr-merge)', (target) => {
    const tree = initialized();
    tree.symlink(target, 'lib');
    linkApkDatabase(tree);
    expect(tree.get('usr/lib/apk')?.type).toBe('dir');
    expect(tree.below('usr/lib/apk').some((p) => p.endsWith('/apk/apk'))).toBe(false);
  });

  it('replaces a /lib/apk directory holding only empty directories', () => {
    const tree = initialized();
    tree.mkdirAll('lib/apk/db');
    tree.mkdirAll('lib/apk/exec');
    linkApkDatabase(tree);
    expect(tree.get('lib/apk')?.type).toBe('symlink');
  });

  it('refuses to replace a /lib/apk that holds files', () => {
    const tree = initialized();
    tree.mkdirAll('lib/apk/db');
    tree.writeFile('lib/apk/db/installed', 'x');
    expect(() => linkApkDatabase(tree)).toThrow('/lib/apk/db is not empty, refusing to replace /lib/apk');
  });
});
