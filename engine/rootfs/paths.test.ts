import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { mutatePaths } from './paths';
import { Tree } from './tree';

function base(): Tree {
  const tree = new Tree();
  tree.mkdirAll('etc');
  tree.writeFile('etc/conf', 'data', { mode: 0o600, owner: 'pkg' });
  return tree;
}

function configErrorOf(fn: () => void): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no error was thrown');
}

describe('mutatePaths', () => {
  it('applies mutations in order, so a later one sees what an earlier one made', () => {
    const tree = base();
    mutatePaths(tree, [
      { path: '/data/cache', type: 'directory', permissions: 0o770, uid: 65532, gid: 65532 },
      { path: '/data/cache/stamp', type: 'empty-file', permissions: 0o640, uid: 65532 },
      { path: '/data', type: 'permissions', permissions: 0o750 },
    ]);
    expect(tree.get('data')).toMatchObject({ type: 'dir', mode: 0o750, uid: 0 });
    expect(tree.get('data/cache')).toMatchObject({ type: 'dir', mode: 0o770, uid: 65532, gid: 65532 });
    expect(tree.get('data/cache/stamp')).toMatchObject({ type: 'file', mode: 0o640, uid: 65532, gid: 0, data: Buffer.alloc(0) });
  });

  it('keeps sensible modes when permissions are omitted instead of apko’s 0000', () => {
    const tree = base();
    mutatePaths(tree, [
      { path: '/new/dir', type: 'directory' },
      { path: '/new/file', type: 'empty-file' },
      { path: '/new/link', type: 'symlink', source: '/etc/conf' },
      { path: '/new/hard', type: 'hardlink', source: '/etc/conf' },
      { path: '/etc/conf', type: 'permissions', uid: 5 },
    ]);
    expect(tree.get('new/dir')?.mode).toBe(0o755);
    expect(tree.get('new/file')?.mode).toBe(0o644);
    expect(tree.get('new/link')).toMatchObject({ type: 'symlink', mode: 0o777, linkTarget: '/etc/conf' });
    expect(tree.get('new/hard')).toMatchObject({ type: 'hardlink', linkTarget: 'etc/conf', mode: 0o600 });
    expect(tree.get('etc/conf')).toMatchObject({ mode: 0o600, uid: 5, gid: 0 });
  });

  it('leaves ownership alone unless uid or gid is given', () => {
    const tree = base();
    tree.get('etc/conf')!.uid = 9;
    mutatePaths(tree, [{ path: '/etc/conf', type: 'permissions', permissions: 0o4755 }]);
    expect(tree.get('etc/conf')).toMatchObject({ mode: 0o4755, uid: 9 });
  });

  it('truncates an existing file for empty-file, keeping its mode', () => {
    const tree = base();
    mutatePaths(tree, [{ path: '/etc/conf', type: 'empty-file' }]);
    expect(tree.get('etc/conf')).toMatchObject({ mode: 0o600, data: Buffer.alloc(0) });
  });

  it('replaces an existing path with a hardlink and changes the shared inode’s mode', () => {
    const tree = base();
    tree.writeFile('etc/old', 'old');
    mutatePaths(tree, [{ path: '/etc/old', type: 'hardlink', source: '/etc/conf', permissions: 0o640 }]);
    expect(tree.get('etc/old')).toMatchObject({ type: 'hardlink', linkTarget: 'etc/conf', mode: 0o640 });
    expect(tree.get('etc/conf')?.mode).toBe(0o640);
    expect(tree.readFile('etc/old')?.toString()).toBe('data');
  });

  it('applies recursive permissions and ownership to everything below, without following symlinks', () => {
    const tree = base();
    tree.mkdirAll('app/sub');
    tree.writeFile('app/sub/f', 'x');
    tree.symlink('/etc', 'app/etc');
    mutatePaths(tree, [{ path: '/app', type: 'permissions', permissions: 0o700, uid: 1, gid: 2, recursive: true }]);
    for (const p of ['app', 'app/sub', 'app/sub/f']) expect(tree.get(p)).toMatchObject({ mode: 0o700, uid: 1, gid: 2 });
    expect(tree.get('app/etc')).toMatchObject({ mode: 0o777, uid: 0 });
    expect(tree.get('etc')).toMatchObject({ mode: 0o755, uid: 0 });
  });

  it('refuses a symlink over an existing path, naming the mutation and the owning package', () => {
    const err = configErrorOf(() => mutatePaths(base(), [{ path: '/etc/conf', type: 'symlink', source: '/dev/null' }]));
    expect(err.code).toBe('ECONFIG');
    expect(err.path).toBe('paths[0]');
    expect(err.message).toBe('paths[0]: symlink mutation on /etc/conf: /etc/conf already exists (installed by pkg)');
  });

  it('fails on permissions for a path that does not exist', () => {
    const err = configErrorOf(() => mutatePaths(base(), [{ path: '/nope', type: 'permissions', permissions: 0o700 }]));
    expect(err.message).toBe('paths[0]: permissions mutation on /nope: /nope does not exist');
  });

  it('fails when a directory would have to pass through a file', () => {
    const err = configErrorOf(() => mutatePaths(base(), [{ path: '/etc/conf/sub', type: 'directory' }]));
    expect(err.message).toBe('paths[0]: directory mutation on /etc/conf/sub: /etc/conf exists and is not a directory');
  });
});
