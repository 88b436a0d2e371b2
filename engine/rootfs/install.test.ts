import { describe, expect, it } from 'vitest';
import { FileConflictError, FormatError, UnsafePathError } from '../errors';
import { sha1Hex } from '../digest';
import { installPackage, keptEntries, newInstallState, type InstallState } from './install';
import { dir, file, hardlink, makePackage, symlink, type PackageSpec } from './testdata/make-package';
import { Tree, TreePathError } from './tree';

function installAll(specs: PackageSpec[], tree = new Tree(), state: InstallState = newInstallState()) {
  const listed = specs.map((s) => {
    const pkg = makePackage(s);
    return { name: pkg.pkginfo.pkgname, entries: installPackage(tree, pkg, state) };
  });
  const kept = (name: string) => keptEntries(listed.find((l) => l.name === name)!.entries, name, state).map((e) => e.name);
  return { tree, state, kept };
}

describe('installPackage', () => {
  it('keeps each entry’s uid, gid, mode and mtime and records its package and sha1', () => {
    const { tree } = installAll([
      {
        name: 'app',
        entries: [
          dir('srv', { uid: 1000, gid: 1001, mode: 0o750, mtime: 7 }),
          file('srv/run', 'exec me', { uid: 1000, gid: 1001, mode: 0o4755, mtime: 8 }),
          symlink('srv/current', 'run', { mtime: 9 }),
          hardlink('srv/again', 'srv/run', { uid: 1000, gid: 1001, mode: 0o4755 }),
        ],
      },
    ]);
    expect(tree.get('srv')).toMatchObject({ type: 'dir', uid: 1000, gid: 1001, mode: 0o750, mtime: 7, owner: 'app' });
    expect(tree.get('srv/run')).toMatchObject({ type: 'file', uid: 1000, gid: 1001, mode: 0o4755, mtime: 8, owner: 'app', sha1: sha1Hex('exec me') });
    expect(tree.get('srv/current')).toMatchObject({ type: 'symlink', linkTarget: 'run', mode: 0o777, owner: 'app', sha1: sha1Hex('run') });
    expect(tree.get('srv/again')).toMatchObject({ type: 'hardlink', linkTarget: 'srv/run', owner: 'app', sha1: sha1Hex('exec me') });
    expect(tree.readFile('srv/again')?.toString()).toBe('exec me');
  });

  it('keeps an existing directory’s mode and owner but takes the last package’s mtime', () => {
    const { tree } = installAll([
      { name: 'a', entries: [dir('etc', { mtime: 10 })] },
      { name: 'b', entries: [dir('etc', { mode: 0o700, uid: 5, mtime: 20 })] },
    ]);
    expect(tree.get('etc')).toMatchObject({ mode: 0o755, uid: 0, mtime: 20, owner: 'a' });
  });

  it('accepts a directory entry over a symlink to a directory, installing below the link’s target (usr-merge)', () => {
    const { tree } = installAll([
      { name: 'layout', entries: [dir('usr'), dir('usr/bin'), symlink('bin', 'usr/bin')] },
      { name: 'sh', entries: [dir('bin', { mtime: 99 }), file('bin/sh', '#!')] },
    ]);
    expect(tree.get('bin')).toMatchObject({ type: 'symlink', linkTarget: 'usr/bin' });
    expect(tree.get('usr/bin')?.mtime).toBe(0);
    expect(tree.get('usr/bin/sh')).toMatchObject({ type: 'file', owner: 'sh' });
  });

  it('skips leading hidden top-level entries (apk v1 compatibility) but not hidden files after the data starts', () => {
    const { tree, kept } = installAll([{ name: 'v1', entries: [file('.PKGINFO', 'x'), file('.post-install', 'y'), dir('etc'), file('.hidden', 'z')] }]);
    expect(tree.get('.PKGINFO')).toBeUndefined();
    expect(tree.get('.post-install')).toBeUndefined();
    expect(tree.get('.hidden')?.owner).toBe('v1');
    expect(kept('v1')).toEqual(['etc', '.hidden']);
  });

  it('carries SCHILY.xattr records of files and directories', () => {
    const { tree } = installAll([
      { name: 'caps', entries: [dir('bin', { pax: { 'SCHILY.xattr.user.a': '1' } }), file('bin/ping', 'p', { pax: { 'SCHILY.xattr.security.capability': 'cap' } })] },
    ]);
    expect(tree.get('bin')?.pax).toEqual({ 'SCHILY.xattr.user.a': '1' });
    expect(tree.get('bin/ping')?.pax).toEqual({ 'SCHILY.xattr.security.capability': 'cap' });
  });

  it('falls back to hashing the content when a file carries no checksum record', () => {
    const { tree } = installAll([{ name: 'old', entries: [file('f', 'content', { noChecksum: true })] }]);
    expect(tree.get('f')?.sha1).toBe(sha1Hex('content'));
  });

  it('rejects a hardlink to a file the package has not installed', () => {
    expect(() => installAll([{ name: 'bad', entries: [hardlink('b', 'a')] }])).toThrow(FormatError);
    expect(() => installAll([{ name: 'bad', entries: [hardlink('b', 'a')] }])).toThrow(
      'bad-1.0.0-r0: hardlink /b points at /a, which is nothing, not a file the package installed first.',
    );
  });

  it('rejects device nodes and fifos', () => {
    expect(() => installAll([{ name: 'dev', entries: [{ name: 'p', type: 'fifo' }] }])).toThrow('dev-1.0.0-r0: /p is a fifo, which packages may not install.');
  });
});

describe('installPackage conflicts', () => {
  it('keeps the first writer of an identical file and drops it from the second package’s record', () => {
    const { tree, kept } = installAll([
      { name: 'a', entries: [dir('etc'), file('etc/same', 'same')] },
      { name: 'b', entries: [dir('etc'), file('etc/same', 'same')] },
    ]);
    expect(tree.get('etc/same')?.owner).toBe('a');
    expect(kept('a')).toEqual(['etc', 'etc/same']);
    expect(kept('b')).toEqual(['etc']);
  });

  it('fails naming both packages when two unrelated packages ship different files at one path', () => {
    let err: unknown;
    try {
      installAll([
        { name: 'a', entries: [dir('etc'), file('etc/conf', 'one')] },
        { name: 'b', entries: [dir('etc'), file('etc/conf', 'two')] },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileConflictError);
    expect(err).toMatchObject({ code: 'ECONFLICT', path: 'etc/conf', packages: ['a', 'b'], message: '/etc/conf is installed by both a and b.' });
  });

  it('lets a package that replaces the owner overwrite, and drops the file from the owner’s record', () => {
    const { tree, kept } = installAll([
      { name: 'pretend-baselayout', entries: [dir('etc'), file('etc/os-release', 'old')] },
      { name: 'replayout', replaces: ['pretend-baselayout'], entries: [dir('etc'), file('etc/os-release', 'new', { uid: 501, gid: 20 })] },
    ]);
    expect(tree.readFile('etc/os-release')?.toString()).toBe('new');
    expect(tree.get('etc/os-release')).toMatchObject({ owner: 'replayout', uid: 501, gid: 20 });
    expect(kept('pretend-baselayout')).toEqual(['etc']);
    expect(kept('replayout')).toEqual(['etc', 'etc/os-release']);
  });

  it('keeps the owner’s file when the owner replaces the newcomer', () => {
    const { tree, kept } = installAll([
      { name: 'new-impl', replaces: ['old-impl'], entries: [file('tool', 'new')] },
      { name: 'old-impl', entries: [file('tool', 'old')] },
    ]);
    expect(tree.readFile('tool')?.toString()).toBe('new');
    expect(kept('old-impl')).toEqual([]);
  });

  it('lets subpackages of one origin overwrite each other', () => {
    const { tree } = installAll([
      { name: 'x-libs', origin: 'x', entries: [file('shared', '1')] },
      { name: 'x-dev', origin: 'x', entries: [file('shared', '2')] },
    ]);
    expect(tree.get('shared')?.owner).toBe('x-dev');
  });

  it('leaves a symlink alone when a later package ships the same link', () => {
    const { tree } = installAll([
      { name: 'a', entries: [symlink('lib64', 'lib')] },
      { name: 'b', entries: [symlink('lib64', 'lib')] },
    ]);
    expect(tree.get('lib64')?.owner).toBe('a');
  });

  it('keeps a configured key a package ships identically, and fails on a different one', () => {
    const tree = new Tree();
    tree.mkdirAll('etc/apk/keys');
    tree.writeFile('etc/apk/keys/k.rsa.pub', 'KEY');
    installAll([{ name: 'keys', entries: [file('etc/apk/keys/k.rsa.pub', 'KEY')] }], tree);
    expect(tree.get('etc/apk/keys/k.rsa.pub')?.owner).toBeUndefined();
    expect(() => installAll([{ name: 'other-keys', entries: [file('etc/apk/keys/k.rsa.pub', 'OTHER')] }], tree)).toThrow(
      'other-keys installs /etc/apk/keys/k.rsa.pub, but the build already wrote a different file there.',
    );
  });

  it('refuses a file where the build made a device node', () => {
    const tree = new Tree();
    tree.mkdirAll('dev');
    tree.set('dev/null', { type: 'char', mode: 0o666, uid: 0, gid: 0, mtime: 0, devmajor: 1, devminor: 3 });
    expect(() => installAll([{ name: 'evil', entries: [file('dev/null', 'x')] }], tree)).toThrow(
      'evil installs /dev/null, but the build created a character device there.',
    );
  });
});

describe('installPackage: hostile content', () => {
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected an error');
  };

  it('refuses a name that would forge a record in the installed database, before anything is written', () => {
    const tree = new Tree();
    expect(() => installAll([{ name: 'evil', entries: [dir('etc'), file('etc/x\n\nP:injected-pkg', 'x')] }], tree)).toThrow(UnsafePathError);
    expect(tree.get('etc/x')).toBeUndefined();
  });

  it('refuses whiteouts after the data has started', () => {
    expect(() => installAll([{ name: 'evil', entries: [dir('etc'), file('etc/.wh.passwd', '')] }])).toThrow(/whiteout/);
  });

  it('refuses a name listed twice in one package', () => {
    expect(message(() => installAll([{ name: 'twice', entries: [file('f', 'a'), file('f', 'b')] }]))).toBe('twice-1.0.0-r0: /f appears twice in the package');
  });

  it("refuses a hardlink to another package's file, naming that package", () => {
    expect(message(() => installAll([{ name: 'a', entries: [file('etc/passwd', 'root')] }, { name: 'b', entries: [hardlink('etc/pw', 'etc/passwd')] }]))).toBe(
      'b-1.0.0-r0: hardlink /etc/pw points at /etc/passwd, which is a file of package a, not a file the package installed first.',
    );
  });

  it('refuses a hardlink to a directory', () => {
    expect(message(() => installAll([{ name: 'd', entries: [dir('srv'), hardlink('srv2', 'srv')] }]))).toMatch(/points at \/srv, which is a directory/);
  });

  it('names the package when a write goes through a symlink loop', () => {
    const err = (() => {
      try {
        installAll([{ name: 'loop', entries: [symlink('a', 'b'), symlink('b', 'a'), file('a/x', 'x')] }]);
      } catch (e) {
        return e as TreePathError;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(TreePathError);
    expect(err.message).toBe('loop-1.0.0-r0: cannot install /a/x: too many levels of symbolic links resolving /a/x');
    expect(err.hint).toBeDefined();
  });

  it("names the package whose file stands where another package's directory must go", () => {
    expect(message(() => installAll([{ name: 'a', entries: [file('opt/x', 'f')] }, { name: 'b', entries: [file('opt/x/y', 'g')] }]))).toMatch(/^b-1\.0\.0-r0: cannot install \/opt\/x\/y: .*\/opt\/x is a file made by package a\)$/);
    expect(message(() => installAll([{ name: 'a', entries: [file('opt/x', 'f')] }, { name: 'b', entries: [dir('opt/x')] }]))).toBe('b-1.0.0-r0: cannot install directory /opt/x: a installs a file there');
  });

  it('keeps a file written through a symlink that points at the root inside the tree', () => {
    const { tree } = installAll([{ name: 'a', entries: [symlink('etc/evil', '/')] }, { name: 'b', entries: [file('etc/evil/tmp/x', 'in')] }]);
    expect(tree.readFile('tmp/x')?.toString()).toBe('in');
    expect(tree.get('etc/evil')?.type).toBe('symlink');
  });
});
