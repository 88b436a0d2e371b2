/**
 * busybox applet links (apko `pkg/build/busybox.go`). apk-tools would create them from
 * busybox's post-install script, which apko never runs, so apko emulates it
 * from the list the package ships in /etc/busybox-paths.d/<package>: each
 * listed path becomes a symlink to the absolute /bin/busybox, unless
 * something is already there. Missing directories are made 0755; each
 * link's directory, made or found, takes the busybox binary's mtime.
 *
 * Busybox builds older than the paths file (Wolfi 1.36.0-r3, Alpine
 * 1.36.0-r8) get, as in apko, the applets their release lists
 * (busybox-applets.generated.ts), looked up by the version's `x.y.z`.
 */
import type { ApkPackage } from '../apk/package';
import { BUSYBOX_APPLETS } from './busybox-applets.generated';
import { TreePathError, treePath, type Tree } from './tree';

const BUSYBOX = 'bin/busybox';

/** apko's `basicSemverRegex`: `x.y.z`, an optional `v` before and one `-word` after. */
const BASIC_SEMVER_RE = /^v?((\d+)\.(\d+)\.(\d+))(?:-(\w+))?$/;

/** The applet paths apko's table gives a busybox version; a message when it gives none. */
export function appletsForVersion(version: string): { paths: string[] } | { problem: string } {
  const m = BASIC_SEMVER_RE.exec(version);
  if (!m) return { problem: `its version ${version} is not of the form x.y.z-rN` };
  const table = BUSYBOX_APPLETS[m[1]!];
  if (!table) return { problem: `busybox ${m[1]} is not in the applet table (it has ${Object.keys(BUSYBOX_APPLETS).join(', ')})` };
  return { paths: Object.entries(table).flatMap(([dir, names]) => names.split(' ').map((n) => `${dir}/${n}`)) };
}

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
  let paths: string[];
  if (list) {
    paths = list.toString('utf8').split('\n');
  } else {
    const known = appletsForVersion(pkg.pkginfo.pkgver);
    if ('problem' in known) return `${name} ships no /etc/busybox-paths.d/${name} and ${known.problem}; applet links were not created`;
    paths = known.paths;
  }
  for (const line of paths) {
    const link = treePath(line.trim());
    if (link === '' || link === BUSYBOX) continue;
    const parent = link.split('/').slice(0, -1).join('/');
    const dir = parent === '' ? '' : tree.mkdirAll(parent, { mode: 0o755, mtime: binary.mtime });
    // apko gives the link's directory the binary's mtime whether it made it or found it (/root of the base layout, say).
    const dirNode = dir === '' ? undefined : tree.get(dir);
    if (dirNode?.type === 'dir' && dirNode.mtime !== binary.mtime) tree.set(dir, { ...dirNode, mtime: binary.mtime });
    const existing = tree.get(link);
    // `busybox --install -s` leaves existing links and files alone, and the list may name a path twice.
    if (existing?.type === 'symlink' || existing?.type === 'file' || existing?.type === 'hardlink') continue;
    if (existing) throw new TreePathError(`cannot create busybox link /${link}: a ${existing.type} is already there`, link);
    tree.symlink(`/${BUSYBOX}`, link, { mtime: tree.stat(dir)?.mtime ?? 0 });
  }
  return undefined;
}
