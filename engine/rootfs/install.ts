/**
 * Installs one package's data entries into the tree, as apko's in-memory
 * filesystem does, but keeping each entry's uid, gid and mode from the tar
 * header. Conflicts follow conflicts.ts; directories that exist keep their
 * mode and owner while the last package to list one sets its mtime; a
 * directory entry over a symlink to a directory (usr-merge) is accepted.
 * Install scripts are not run.
 *
 * A package's entries are checked before they land: names follow
 * `assertInstallableName` (no control characters, whiteouts or over-long
 * names), a name appears once per package, a hardlink names a regular file
 * the same package installed before it (a link across packages cannot be
 * kept in layered images), and device nodes and fifos are refused (an image
 * gets its devices from the runtime). Every failure names the package.
 */
import { FormatError } from '../errors';
import { sha1Hex, sha1HexFromQ1, type ApkChecksum } from '../digest';
import type { ApkPackage } from '../apk/package';
import { assertInstallableName } from '../apk/safe-path';
import type { PkgInfo } from '../apk/types';
import { APK_SHA1_PAX, entryBytes, type TarEntry } from '../tar/types';
import { resolveConflict } from './conflicts';
import { nodeBytes, TreePathError, type Tree, type TreeNode } from './tree';
import { compareBytes } from '../order';

const XATTR_PREFIX = 'SCHILY.xattr.';
const HINT_MALFORMED = 'the package is malformed or hostile; do not install it, and tell its maintainer';

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

/** What one package's install keeps track of while it runs. */
interface PackageInstall {
  readonly info: PkgInfo;
  /** `name-version`, as messages name the package. */
  readonly id: string;
  /** Resolved tree paths of the regular files this package wrote, for its hardlinks. */
  readonly files: Set<string>;
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
  return sha1Hex(e.type === 'symlink' ? e.linkname : entryBytes(e));
}

/** Hex sha1 of what a node holds, or undefined when it holds no comparable content. */
function contentSha1(tree: Tree, node: TreeNode): string | undefined {
  if (node.type === 'file') return node.sha1 ?? sha1Hex(nodeBytes(node));
  if (node.type === 'symlink') return node.sha1 ?? sha1Hex(node.linkTarget ?? '');
  if (node.type === 'hardlink') {
    const target = tree.get(node.linkTarget ?? '');
    return target ? contentSha1(tree, target) : undefined;
  }
  return undefined;
}

const KIND: Record<string, string> = { dir: 'directory', file: 'file', symlink: 'symlink', hardlink: 'hardlink', char: 'character device', block: 'block device', fifo: 'fifo' };

/** Who put the node at `path` there, for messages: `package foo` or `the build`. */
function writerOf(tree: Tree, path: string): string {
  let owner: string | undefined;
  try {
    owner = tree.get(path)?.owner;
  } catch {
    owner = undefined;
  }
  return owner === undefined ? 'the build' : `package ${owner}`;
}

/** The first parent of `name` that exists and is not a directory (what stops `name` being created), as `/path (made by …)`. */
function blockerOf(tree: Tree, name: string): string {
  const parts = name.split('/');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    let kind: string | undefined;
    try {
      kind = tree.stat(prefix)?.type ?? (tree.get(prefix) ? 'dangling symlink' : undefined);
    } catch {
      kind = 'symlink loop';
    }
    if (kind !== undefined && kind !== 'dir') return `/${prefix} is a ${KIND[kind] ?? kind} made by ${writerOf(tree, prefix)}`;
  }
  return `made by ${writerOf(tree, name)}`;
}

/** Puts a node, creating missing parents; a parent that is not a directory names the package that made it. */
function place(tree: Tree, p: PackageInstall, name: string, node: TreeNode): void {
  try {
    const parent = name.split('/').slice(0, -1).join('/');
    if (parent !== '' && !tree.stat(parent)) tree.mkdirAll(parent, { owner: p.info.pkgname });
    tree.set(name, node);
  } catch (err) {
    if (!(err instanceof TreePathError)) throw err;
    throw new TreePathError(`${p.id}: cannot install /${name}: ${err.message} (${blockerOf(tree, name)})`, name, {
      hint: `a path cannot be both a directory and something else; remove one of the two packages, or rebuild ${p.info.pkgname} without /${name}`,
    });
  }
}

function installDir(tree: Tree, p: PackageInstall, e: TarEntry): void {
  const existing = tree.get(e.name);
  if (existing?.type === 'symlink' && tree.stat(e.name)?.type === 'dir') return;
  if (existing && existing.type !== 'dir' && existing.type !== 'symlink') {
    const by = existing.owner === undefined ? 'the build made' : `${existing.owner} installs`;
    throw new TreePathError(`${p.id}: cannot install directory /${e.name}: ${by} a ${KIND[existing.type]} there`, e.name, {
      hint: `a path cannot be both a directory and a ${KIND[existing.type]}; remove one of the two packages, or rebuild ${p.info.pkgname} without /${e.name}`,
    });
  }
  let real: string;
  try {
    real = tree.mkdirAll(e.name, { mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, owner: p.info.pkgname });
  } catch (err) {
    if (!(err instanceof TreePathError)) throw err;
    throw new TreePathError(`${p.id}: cannot install directory /${e.name}: ${err.message} (${blockerOf(tree, e.name)})`, e.name, {
      hint: `a path cannot be both a directory and something else; remove one of the two packages, or rebuild ${p.info.pkgname} without /${e.name}`,
    });
  }
  const node = tree.get(real)!;
  node.mtime = e.mtime;
  const xattrs = xattrsOf(e);
  if (xattrs) node.pax = { ...(node.pax ?? {}), ...xattrs };
}

/** The node a hardlink entry becomes: it must name a regular file this package installed before it. */
function hardlinkNode(tree: Tree, p: PackageInstall, e: TarEntry): TreeNode {
  const targetPath = tree.resolve(e.linkname);
  const target = tree.get(targetPath);
  if (!target || (target.type !== 'file' && target.type !== 'hardlink') || !p.files.has(targetPath)) {
    const what = !target ? 'nothing' : target.type === 'file' || target.type === 'hardlink' ? `a file of ${writerOf(tree, targetPath)}` : `a ${KIND[target.type]}`;
    throw new FormatError(`${p.id}: hardlink /${e.name} points at /${e.linkname}, which is ${what}, not a file the package installed first.`, {
      file: p.id,
      hint: 'a hardlink must name a regular file earlier in the same package; rebuild the package',
    });
  }
  const linkTarget = target.type === 'hardlink' ? target.linkTarget! : targetPath;
  return { type: 'hardlink', mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime, linkTarget, owner: p.info.pkgname, sha1: contentSha1(tree, target) };
}

/** Installs a file, symlink or hardlink; returns whether it was written. */
function installLeaf(tree: Tree, state: InstallState, p: PackageInstall, e: TarEntry): boolean {
  const info = p.info;
  let node: TreeNode;
  if (e.type === 'hardlink') node = hardlinkNode(tree, p, e);
  else {
    const sha1 = declaredSha1(e);
    node = e.type === 'file'
      ? { type: 'file', mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime, ...(e.spooled ? { spooled: e.spooled } : { data: e.data }), owner: info.pkgname, sha1 }
      : { type: 'symlink', mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime, linkTarget: e.linkname, owner: info.pkgname, sha1 };
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
  place(tree, p, e.name, node);
  if (e.type === 'file') p.files.add(tree.resolve(e.name));
  return true;
}

/** Installs one entry; an error of the tree that does not name the package yet (a symlink loop) is restated naming it. */
function installEntry(tree: Tree, state: InstallState, p: PackageInstall, e: TarEntry): void {
  try {
    if (e.type === 'dir') installDir(tree, p, e);
    else if (e.type === 'file' || e.type === 'symlink' || e.type === 'hardlink') {
      const written = installLeaf(tree, state, p, e);
      if (written && e.type === 'file') state.fileOwners.set(e.name, p.info.pkgname);
    } else {
      throw new FormatError(`${p.id}: /${e.name} is a ${KIND[e.type]}, which packages may not install.`, {
        file: p.id,
        hint: 'device nodes and fifos cannot come from packages (a container gets its devices from the runtime); rebuild the package without it',
      });
    }
  } catch (err) {
    if (err instanceof TreePathError && !err.message.startsWith(`${p.id}: `)) {
      throw new TreePathError(`${p.id}: cannot install /${e.name}: ${err.message}`, e.name, {
        cause: err,
        hint: `the package's symlinks lead nowhere or in a circle; ${HINT_MALFORMED}`,
      });
    }
    throw err;
  }
}

/**
 * Installs `pkg` and returns the entries its database record lists: every
 * data entry after apk's v1-compat skip of leading hidden top-level names,
 * whether or not a conflict rule kept the earlier file.
 */
export function installPackage(tree: Tree, pkg: ApkPackage, state: InstallState): TarEntry[] {
  const info = pkg.pkginfo;
  const p: PackageInstall = { info, id: `${info.pkgname}-${info.pkgver}`, files: new Set() };
  state.packages.set(info.pkgname, info);
  const listed: TarEntry[] = [];
  const seen = new Set<string>();
  let started = false;
  for (const e of pkg.dataEntries) {
    if (!started && e.name.startsWith('.') && !e.name.includes('/')) continue;
    started = true;
    if (e.name === '') continue;
    assertInstallableName(e.name, p.id, e.type === 'symlink' || e.type === 'hardlink' ? e.linkname : '');
    if (seen.has(e.name)) {
      throw new FormatError(`${p.id}: /${e.name} appears twice in the package`, {
        file: p.id,
        hint: `one of the two would silently win and the package database would list it twice; ${HINT_MALFORMED}`,
      });
    }
    seen.add(e.name);
    installEntry(tree, state, p, e);
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
