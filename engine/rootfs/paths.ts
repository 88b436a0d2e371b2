/**
 * `paths:` mutations, applied in order after accounts and /etc/apko.json
 * (apko `pkg/build/paths.go`: `mutatePaths`).
 *
 * One deliberate difference: apko follows every mutation with a chmod to
 * `permissions`, so a mutation that omits it ends up mode 0000 (apko
 * `pkg/build/paths.go`). We do not copy that bug. Without `permissions` a new directory
 * is 0755, a new file 0644, and an existing path keeps its mode. Ownership
 * follows apko: untouched unless uid or gid is given, and then the other
 * defaults to 0. For `symlink` the mode and ownership apply to the link
 * itself (Linux ignores a symlink's mode), not to what it points at.
 */
import { ConfigError } from '../errors';
import { rewriteFile } from './file-edit';
import type { PathMutation } from './options';
import { TreePathError, treePath, type Tree, type TreeNode } from './tree';

function fail(m: PathMutation, index: number, why: string, hint: string): never {
  throw new ConfigError(`paths[${index}]: ${m.type} mutation on ${m.path}: ${why}`, { path: `paths[${index}]`, hint });
}

/** Sets mode and ownership on one node as the mutation asks. */
function applyAttrs(node: TreeNode, m: PathMutation): void {
  if (m.permissions !== undefined) node.mode = m.permissions & 0o7777;
  if (m.uid !== undefined || m.gid !== undefined) {
    node.uid = m.uid ?? 0;
    node.gid = m.gid ?? 0;
  }
}

/** Applies attributes to `path` (following symlinks) and, when recursive, to everything below it. */
function applyTo(tree: Tree, path: string, m: PathMutation, index: number): void {
  const node = tree.stat(path);
  if (!node) fail(m, index, `/${path} does not exist`, 'create it first with a directory or empty-file mutation');
  applyAttrs(node, m);
  if (node.type === 'hardlink') {
    // A hardlink shares its inode's mode and owner.
    const target = tree.get(node.linkTarget ?? '');
    if (target) applyAttrs(target, m);
  }
  if (m.recursive && node.type === 'dir') {
    // `below` does not follow symlinks, and a symlink's own mode is left alone.
    for (const child of tree.below(path)) {
      const c = tree.get(child)!;
      if (c.type !== 'symlink') applyAttrs(c, m);
    }
  }
}

function ensureParent(tree: Tree, path: string): void {
  const parent = path.split('/').slice(0, -1).join('/');
  if (parent !== '') tree.mkdirAll(parent, { mode: 0o755 });
}

function applyOne(tree: Tree, m: PathMutation, index: number): void {
  const path = treePath(m.path);
  if (path === '' && m.type !== 'permissions' && m.type !== 'directory') fail(m, index, 'the path is the root', 'name a path below /');
  switch (m.type) {
    case 'directory':
      tree.mkdirAll(path, { mode: m.permissions === undefined ? 0o755 : m.permissions & 0o7777 });
      return applyTo(tree, path, m, index);
    case 'empty-file':
      ensureParent(tree, path);
      rewriteFile(tree, path, Buffer.alloc(0), { mode: 0o644 });
      return applyTo(tree, path, m, index);
    case 'hardlink': {
      if (!m.source) fail(m, index, 'no source given', 'set source to the existing file to link');
      ensureParent(tree, path);
      const source = tree.resolve(m.source, true);
      const target = tree.get(source);
      if (!target || (target.type !== 'file' && target.type !== 'hardlink')) {
        fail(m, index, `source ${m.source} is not a regular file`, 'a hard link needs an existing regular file as its source');
      }
      if (tree.get(path)) tree.remove(path);
      const linkTarget = target.type === 'hardlink' ? target.linkTarget! : source;
      tree.set(path, { type: 'hardlink', mode: target.mode, uid: target.uid, gid: target.gid, mtime: target.mtime, linkTarget });
      return applyTo(tree, path, m, index);
    }
    case 'symlink': {
      if (!m.source) fail(m, index, 'no source given', 'set source to the link target');
      ensureParent(tree, path);
      const existing = tree.get(path);
      if (existing) {
        const by = existing.owner ? ` (installed by ${existing.owner})` : '';
        fail(m, index, `/${path} already exists${by}`, 'symlink mutations never replace a path; remove the mutation or choose another path');
      }
      tree.symlink(m.source, path);
      const link = tree.get(path)!;
      return applyAttrs(link, m);
    }
    case 'permissions':
      return applyTo(tree, path, m, index);
    default:
      fail(m, index, `unknown type "${String((m as { type: unknown }).type)}"`, 'use directory, empty-file, hardlink, symlink or permissions');
  }
}

/** Applies every mutation in order. */
export function mutatePaths(tree: Tree, mutations: readonly PathMutation[]): void {
  mutations.forEach((m, i) => {
    try {
      applyOne(tree, m, i);
    } catch (err) {
      if (!(err instanceof TreePathError)) throw err;
      throw new ConfigError(`paths[${i}]: ${m.type} mutation on ${m.path}: ${err.message}`, {
        path: `paths[${i}]`,
        hint: 'a path on the way is not a directory; check the mutation against what the packages install',
        cause: err,
      });
    }
  });
}
