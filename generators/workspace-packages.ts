/**
 * The workspace's own packages as the image generator needs them: every
 * melange.yaml in the Tree, read with the engine's lenient facts reader and
 * indexed by the directory that holds it, so the generator and the plugin's
 * graph edges (which read the same facts from disk) agree on which projects
 * build the packages an image installs.
 */
import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { compareBytes, indexPackageOwners, readPackageFacts, type PackageOwners } from '../engine/workspace';

/** Directories that never hold a project's melange.yaml. */
const SKIP = new Set(['node_modules', '.git', '.nx', 'dist', 'tmp', '.turbo']);

/** Every melange.yaml under `dir`, in byte order (devkit's visitNotIgnoredFiles differs between Nx majors). */
function melangeFiles(tree: Tree, dir: string, out: string[] = []): string[] {
  for (const name of [...tree.children(dir)].sort(compareBytes)) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if (tree.isFile(path)) {
      if (name === 'melange.yaml') out.push(path);
    } else if (!SKIP.has(name)) {
      melangeFiles(tree, path, out);
    }
  }
  return out;
}

/** The package names a melange.yaml text builds, main package first. */
export function melangePackageNames(text: string): string[] {
  return readPackageFacts(text).packages.map((p) => p.name);
}

/** Every melange.yaml in the tree, its packages owned by the directory holding it. */
export function workspacePackages(tree: Tree): PackageOwners {
  return indexPackageOwners(melangeFiles(tree, '').map((file) => ({ owner: posix.dirname(file), facts: readPackageFacts(tree.read(file, 'utf8') ?? '') })));
}
