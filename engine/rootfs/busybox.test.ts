import { describe, expect, it } from 'vitest';
import { appletsForVersion, installBusyboxLinks } from './busybox';
import { installPackage, newInstallState } from './install';
import { dir, file, makePackage, symlink, type PackageSpec } from './testdata/make-package';
import { Tree } from './tree';

function image(specs: PackageSpec[]) {
  const tree = new Tree();
  const state = newInstallState();
  const pkgs = specs.map(makePackage);
  for (const p of pkgs) installPackage(tree, p, state);
  return { tree, pkgs };
}

const busybox = (paths: string, more: Partial<PackageSpec> = {}): PackageSpec => ({
  name: 'busybox',
  entries: [
    dir('bin'),
    file('bin/busybox', 'ELF', { mode: 0o755, mtime: 1700000000 }),
    file('bin/sh', 'real sh', { mode: 0o755 }),
    dir('etc'),
    dir('etc/busybox-paths.d'),
    file('etc/busybox-paths.d/busybox', paths),
  ],
  ...more,
});

describe('installBusyboxLinks', () => {
  it('links every listed applet to /bin/busybox, making missing directories with the binary’s mtime', () => {
    const { tree, pkgs } = image([busybox('/bin/busybox\n/bin/ls\n/usr/bin/wget\n/bin/sh\n/bin/ls\n')]);
    expect(installBusyboxLinks(tree, pkgs)).toBeUndefined();
    expect(tree.get('bin/ls')).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox', mode: 0o777 });
    expect(tree.get('usr/bin/wget')).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox', mtime: 1700000000 });
    expect(tree.get('usr')).toMatchObject({ type: 'dir', mode: 0o755, mtime: 1700000000 });
    expect(tree.get('bin/sh')).toMatchObject({ type: 'file', owner: 'busybox' });
    expect(tree.get('bin/busybox')?.type).toBe('file');
  });

  it('uses the paths file of a package that provides busybox', () => {
    const spec = busybox('/bin/cat\n');
    spec.entries![5] = file('etc/busybox-paths.d/toybox-busybox', '/bin/cat\n');
    const { tree, pkgs } = image([{ ...spec, name: 'toybox-busybox', provides: ['busybox=1.36.1-r0'] }]);
    installBusyboxLinks(tree, pkgs);
    expect(tree.get('bin/cat')?.type).toBe('symlink');
  });

  it('follows a usr-merged /bin', () => {
    const { tree, pkgs } = image([
      { name: 'layout', entries: [dir('usr'), dir('usr/bin'), symlink('bin', 'usr/bin')] },
      busybox('/bin/ls\n'),
    ]);
    installBusyboxLinks(tree, pkgs);
    expect(tree.get('usr/bin/ls')).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox' });
  });

  const withoutPathsFile = (version: string): PackageSpec => {
    const spec = busybox('', { version });
    spec.entries = spec.entries!.slice(0, 3);
    return spec;
  };

  it("links the applets apko's table lists for the version when the package ships no paths file", () => {
    const { tree, pkgs } = image([{ name: 'layout', entries: [dir('root', { mode: 0o700, mtime: 5 })] }, withoutPathsFile('1.35.0-r17')]);
    expect(installBusyboxLinks(tree, pkgs)).toBeUndefined();
    // The directory of /root/linuxrc was there already; it takes the binary's mtime as apko gives it.
    expect(tree.get('root')).toMatchObject({ type: 'dir', mode: 0o700, mtime: 1700000000 });
    for (const p of ['bin/ls', 'bin/ash', 'sbin/ifconfig', 'usr/bin/wget', 'usr/bin/[[', 'usr/sbin/crond']) {
      expect(tree.get(p), p).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox' });
    }
    expect(tree.get('bin/sh')).toMatchObject({ type: 'file', owner: 'busybox' });
    const links = tree.entries().filter(([, n]) => n.type === 'symlink').length;
    expect(links).toBe((appletsForVersion('1.35.0') as { paths: string[] }).paths.length - 1);
  });

  it.each([
    ['1.99.0-r0', /busybox 1\.99\.0 is not in the applet table \(it has 1\.32\.1, .*1\.36\.0\)/],
    ['1.36.1_git20240101-r0', /its version 1\.36\.1_git20240101-r0 is not of the form x\.y\.z-rN/],
  ])('warns and links nothing for version %s without a paths file', (version, why) => {
    const { tree, pkgs } = image([withoutPathsFile(version)]);
    const warning = installBusyboxLinks(tree, pkgs);
    expect(warning).toMatch(/^busybox ships no \/etc\/busybox-paths\.d\/busybox and /);
    expect(warning).toMatch(why);
    expect(tree.get('bin/ls')).toBeUndefined();
  });

  it('does nothing without /bin/busybox', () => {
    const { tree, pkgs } = image([{ name: 'x', entries: [dir('etc')] }]);
    expect(installBusyboxLinks(tree, pkgs)).toBeUndefined();
    expect(tree.entries().length).toBe(1);
  });
});
