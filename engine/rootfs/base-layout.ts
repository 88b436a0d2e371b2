/**
 * The skeleton apko lays down before any package (apko `pkg/apk/apk/implementation.go`: `InitDB`):
 * base and apk directories, the empty apk database files, the five device
 * nodes and an empty scripts.tar; and, after the install, the `lib/apk`
 * link to the database. Everything here is root-owned with mtime 0, which
 * is what apko's zero `time.Time` becomes in a tar header.
 */
import { compareBytes } from '../order';
import { END_OF_ARCHIVE } from '../tar/write';
import { TreePathError, treePath, type Tree } from './tree';

/** Where apko keeps the apk database. */
export const DB_DIR = 'usr/lib/apk/db';

const BASE_DIRS: ReadonlyArray<[string, number]> = [
  ['tmp', 0o1777],
  ['dev', 0o755],
  ['etc', 0o755],
  ['opt', 0o755],
  ['proc', 0o555],
  ['var', 0o755],
  ['usr', 0o755],
];

const INIT_DIRS = [
  'etc/apk',
  'etc/apk/keys',
  'usr/lib',
  'usr/lib/apk',
  'usr/lib/apk/db',
  'usr/lib/apk/exec',
  'var/cache',
  'var/cache/apk',
  'var/cache/misc',
];

const DEVICES: ReadonlyArray<[string, number, number, number]> = [
  ['dev/zero', 1, 5, 0o666],
  ['dev/urandom', 1, 9, 0o666],
  ['dev/null', 1, 3, 0o666],
  ['dev/random', 1, 8, 0o666],
  ['dev/console', 5, 1, 0o620],
];

/** Creates the pre-install layout for `arch` (world and repositories start as a bare newline, as apko's do). */
export function initDatabase(tree: Tree, arch: string): void {
  for (const [path, mode] of BASE_DIRS) {
    const node = tree.stat(path);
    if (!node) tree.mkdirAll(path, { mode });
    else if (node.type !== 'dir') throw new TreePathError(`base directory /${path} is not a directory`, path);
    else if (node.mode !== mode) throw new TreePathError(`base directory /${path} has mode ${node.mode.toString(8)}, not ${mode.toString(8)}`, path);
  }
  for (const path of INIT_DIRS) tree.mkdirAll(path, { mode: 0o755 });
  tree.writeFile('etc/apk/world', '\n');
  tree.writeFile('etc/apk/repositories', '\n');
  tree.writeFile(`${DB_DIR}/lock`, '', { mode: 0o600 });
  tree.writeFile(`${DB_DIR}/triggers`, '');
  tree.writeFile(`${DB_DIR}/installed`, '');
  tree.writeFile('etc/apk/arch', `${arch}\n`);
  for (const [path, devmajor, devminor, mode] of DEVICES) {
    tree.set(path, { type: 'char', mode, uid: 0, gid: 0, mtime: 0, devmajor, devminor });
  }
  // An empty tar is its two end-of-archive blocks.
  tree.writeFile(`${DB_DIR}/scripts.tar`, Buffer.from(END_OF_ARCHIVE));
}

/** Whether the symlink at `path` points (relatively or absolutely) at `want`. */
function linksTo(tree: Tree, path: string, want: string): boolean {
  const node = tree.get(path);
  return node?.type === 'symlink' && treePath(`/${node.linkTarget ?? ''}`) === want;
}

/**
 * Makes `/lib/apk` reach the database (apko's `resolveApkDB`): nothing to do
 * when `/lib` links to `usr/lib` (usr-merge) or `/lib/apk` already links to
 * `usr/lib/apk`; otherwise `/lib` is made if missing, an existing
 * `/lib/apk` directory holding only empty directories is replaced, and the
 * link `lib/apk -> ../usr/lib/apk` is created.
 */
export function linkApkDatabase(tree: Tree): void {
  if (linksTo(tree, 'lib', 'usr/lib') || linksTo(tree, 'lib/apk', 'usr/lib/apk')) return;
  if (!tree.stat('lib')) tree.mkdirAll('lib', { mode: 0o755 });
  const existing = tree.stat('lib/apk');
  if (existing?.type === 'dir') {
    const real = tree.resolve('lib/apk', true);
    const depth = real.split('/').length + 1;
    for (const child of tree.below(real).filter((c) => c.split('/').length === depth)) {
      if (tree.get(child)!.type !== 'dir') throw new TreePathError(`/lib/apk contains /${child}, refusing to replace it with a link to /usr/lib/apk`, child);
      if (tree.below(child).length > 0) {
        // Name the packages that put files there: the database lives in /usr/lib/apk, and a package writing below /lib/apk is at fault.
        const owners = [...new Set(tree.below(child).map((c) => tree.get(c)?.owner).filter((o): o is string => o !== undefined))].sort(compareBytes);
        const by = owners.length > 0 ? ` (files from ${owners.join(', ')})` : '';
        throw new TreePathError(`/${child} is not empty${by}, refusing to replace /lib/apk`, child, {
          hint: `/lib/apk becomes a link to the apk database in /usr/lib/apk; ${owners.length > 0 ? `rebuild ${owners.join(', ')} without files below /lib/apk` : 'remove what writes below /lib/apk'}`,
        });
      }
    }
    tree.remove(real);
  } else if (tree.get('lib/apk')) {
    throw new TreePathError('/lib/apk exists and is not a directory, so it cannot become a link to /usr/lib/apk', 'lib/apk');
  }
  const parent = tree.stat('lib');
  tree.symlink('../usr/lib/apk', 'lib/apk', { mtime: parent?.mtime ?? 0 });
}
