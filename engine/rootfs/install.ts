/**
 * Installs one package's data entries into the tree, as apko's in-memory
 * filesystem does, but keeping each entry's uid, gid and mode from the tar
 * header. Conflicts follow conflicts.ts; directories that exist keep their
 * mode and owner while the last package to list one sets its mtime; a
 * directory entry over a symlink to a directory (usr-merge) is accepted.
 * Install scripts are not run.
 */
import { FormatError } from '../errors';
import { sha1Hex, sha1HexFromQ1, type ApkChecksum } from '../digest';
import type { ApkPackage } from '../apk/package';
import type { PkgInfo } from '../apk/types';
import { APK_SHA1_PAX, type TarEntry } from '../tar/types';
import { resolveConflict } from './conflicts';
import { TreePathError, type Tree, type TreeNode } from './tree';
import { compareBytes } from '../order';

const XATTR_PREFIX = 'SCHILY.xattr.';

/** What installing earlier packages left behind that later ones are checked against. */
export interface InstallState {
  /** Installed packages by name. */
  readonly packages: Map<string, PkgInfo>;
  /** Entry name → package that last wrote it as a regular file (apko's `installedFiles`). */
  readonly fileOwners: Map<string, string>;
}

/** A fresh state for one image. */
export function newInstallState(): InstallState {
  return { packages: new Map(), fileOwners: new Map() };
}

function xattrsOf(e: TarEntry): Record<string, string> | undefined {
  const keys = Object.keys(e.pax).filter((k) => k.startsWith(XATTR_PREFIX));
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.sort(compareBytes).map((k) => [k, e.pax[k]!]));
}

/** Hex sha1 an entry declares (hex or the old `Q1` form), else computed as apk-tools would. */
function declaredSha1(e: TarEntry): string {
  const sum = e.pax[APK_SHA1_PAX];
  if (sum) return sum.startsWith('Q1') ? sha1HexFromQ1(sum as ApkChecksum) : sum.toLowerCase();
  return sha1Hex(e.type === 'symlink' ? e.linkname : e.data);
}

/** Hex sha1 of what a node holds, or undefined when it holds no comparable content. */
function contentSha1(tree: Tree, node: TreeNode): string | undefined {
  if (node.type === 'file') return node.sha1 ?? sha1Hex(node.data ?? Buffer.alloc(0));
  if (node.type === 'symlink') return node.sha1 ?? sha1Hex(node.linkTarget ?? '');
  if (node.type === 'hardlink') {
    const target = tree.get(node.linkTarget ?? '');
    return target ? contentSha1(tree, target) : undefined;
  }
  return undefined;
}

const KIND: Record<string, string> = { dir: 'directory', file: 'file', symlink: 'symlink', hardlink: 'hardlink', char: 'character device', block: 'block device', fifo: 'fifo' };

/** Puts a node, creating missing parents; a parent that is not a directory names the package. */
function place(tree: Tree, pkg: string, name: string, node: TreeNode): void {
  try {
    const parent = name.split('/').slice(0, -1).join('/');
    if (parent !== '' && !tree.stat(parent)) tree.mkdirAll(parent, { owner: pkg });
    tree.set(name, node);
  } catch (err) {
    if (err instanceof TreePathError) throw new TreePathError(`${pkg}: cannot install /${name}: ${err.message}`, name);
    throw err;
  }
}

function installDir(tree: Tree, pkg: string, e: TarEntry): void {
  const existing = tree.get(e.name);
  if (existing?.type === 'symlink' && tree.stat(e.name)?.type === 'dir') return;
  if (existing && existing.type !== 'dir' && existing.type !== 'symlink') {
    throw new TreePathError(`${pkg}: cannot install directory /${e.name}: a ${KIND[existing.type]} is already there`, e.name);
  }
  let real: string;
  try {
    real = tree.mkdirAll(e.name, { mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, owner: pkg });
  } catch (err) {
    if (err instanceof TreePathError) throw new TreePathError(`${pkg}: cannot install directory /${e.name}: ${err.message}`, e.name);
    throw err;
  }
  const node = tree.get(real)!;
  node.mtime = e.mtime;
  const xattrs = xattrsOf(e);
  if (xattrs) node.pax = { ...(node.pax ?? {}), ...xattrs };
}

/** Installs a file, symlink or hardlink; returns whether it was written. */
function installLeaf(tree: Tree, state: InstallState, info: PkgInfo, e: TarEntry): boolean {
  const pkg = info.pkgname;
  let node: TreeNode;
  if (e.type === 'hardlink') {
    const targetPath = tree.resolve(e.linkname);
    const target = tree.get(targetPath);
    if (!target || (target.type !== 'file' && target.type !== 'hardlink')) {
      throw new FormatError(`${pkg}: hardlink /${e.name} points at /${e.linkname}, which is not a file the package installed first.`, {
        file: pkg,
        hint: 'the package is malformed; rebuild it',
      });
    }
    const linkTarget = target.type === 'hardlink' ? target.linkTarget! : targetPath;
    node = { type: 'hardlink', mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime, linkTarget, owner: pkg, sha1: contentSha1(tree, target) };
  } else {
    const sha1 = declaredSha1(e);
    node = e.type === 'file'
      ? { type: 'file', mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime, data: e.data, owner: pkg, sha1 }
      : { type: 'symlink', mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime, linkTarget: e.linkname, owner: pkg, sha1 };
    const xattrs = e.type === 'file' ? xattrsOf(e) : undefined;
    if (xattrs) node.pax = xattrs;
  }
  const existing = tree.get(e.name);
  if (existing) {
    if (e.type === 'symlink' && existing.type === 'symlink' && existing.linkTarget === e.linkname) return false;
    const owner = existing.owner === undefined ? undefined : state.packages.get(existing.owner);
    const outcome = resolveConflict(
      tree.resolve(e.name),
      { owner, sha1: contentSha1(tree, existing), kind: KIND[existing.type] ?? existing.type },
      { pkg: info, sha1: node.sha1 ?? '' },
    );
    if (outcome === 'keep') return false;
  }
  place(tree, pkg, e.name, node);
  return true;
}

/**
 * Installs `pkg` and returns the entries its database record lists: every
 * data entry after apk's v1-compat skip of leading hidden top-level names,
 * whether or not a conflict rule kept the earlier file.
 */
export function installPackage(tree: Tree, pkg: ApkPackage, state: InstallState): TarEntry[] {
  const info = pkg.pkginfo;
  state.packages.set(info.pkgname, info);
  const listed: TarEntry[] = [];
  let started = false;
  for (const e of pkg.dataEntries) {
    if (!started && e.name.startsWith('.') && !e.name.includes('/')) continue;
    started = true;
    if (e.name === '') continue;
    if (e.type === 'dir') installDir(tree, info.pkgname, e);
    else if (e.type === 'file' || e.type === 'symlink' || e.type === 'hardlink') {
      const written = installLeaf(tree, state, info, e);
      if (written && e.type === 'file') state.fileOwners.set(e.name, info.pkgname);
    } else {
      throw new FormatError(`${info.pkgname}: /${e.name} is a ${KIND[e.type]}, which packages may not install.`, {
        file: info.pkgname,
        hint: 'device nodes and fifos cannot come from packages; rebuild the package without it',
      });
    }
    listed.push(e);
  }
  return listed;
}

/** The entries of a package's record once files later packages took over are dropped. */
export function keptEntries(listed: readonly TarEntry[], pkgName: string, state: InstallState): TarEntry[] {
  return listed.filter((e) => {
    const owner = state.fileOwners.get(e.name);
    return owner === undefined || owner === pkgName;
  });
}
