/**
 * busybox applet links (apko `pkg/build/busybox.go`). apk-tools would create them from
 * busybox's post-install script, which apko never runs, so apko emulates it
 * from the list the package ships in /etc/busybox-paths.d/<package>: each
 * listed path becomes a symlink to the absolute /bin/busybox, unless
 * something is already there. Missing directories are made 0755 with the
 * busybox binary's mtime.
 *
 * apko falls back to a generated per-version table for busybox builds older
 * than the paths file (Wolfi 1.36.0-r3, Alpine 1.36.0-r8); we do not carry
 * that table and warn instead.
 */
import type { ApkPackage } from '../apk/package';
import { TreePathError, treePath, type Tree } from './tree';

const BUSYBOX = 'bin/busybox';

/** The package providing busybox: the one named so, else the last that provides something named busybox. */
function busyboxPackage(installed: readonly ApkPackage[]): ApkPackage | undefined {
  const named = installed.find((p) => p.pkginfo.pkgname === 'busybox');
  if (named) return named;
  return [...installed].reverse().find((p) => p.pkginfo.provides.some((v) => v.includes('busybox')));
}

/** Creates the links; returns a warning when they could not be made. */
export function installBusyboxLinks(tree: Tree, installed: readonly ApkPackage[]): string | undefined {
  const binary = tree.stat(BUSYBOX);
  if (!binary) return undefined;
  const pkg = busyboxPackage(installed);
  if (!pkg) return '/bin/busybox exists but no installed package is or provides busybox; applet links were not created';
  const name = pkg.pkginfo.pkgname;
  const list = tree.readFile(`etc/busybox-paths.d/${name}`);
  if (!list) {
    return `${name} ships no /etc/busybox-paths.d/${name}; applet links were not created (busybox builds before 1.36 need an upgrade)`;
  }
  for (const line of list.toString('utf8').split('\n')) {
    const link = treePath(line.trim());
    if (link === '' || link === BUSYBOX) continue;
    const parent = link.split('/').slice(0, -1).join('/');
    const dir = parent === '' ? '' : tree.mkdirAll(parent, { mode: 0o755, mtime: binary.mtime });
    const existing = tree.get(link);
    // `busybox --install -s` leaves existing links and files alone, and the list may name a path twice.
    if (existing?.type === 'symlink' || existing?.type === 'file' || existing?.type === 'hardlink') continue;
    if (existing) throw new TreePathError(`cannot create busybox link /${link}: a ${existing.type} is already there`, link);
    tree.symlink(`/${BUSYBOX}`, link, { mtime: tree.stat(dir)?.mtime ?? 0 });
  }
  return undefined;
}
