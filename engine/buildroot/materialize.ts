/**
 * Writes an in-memory Tree to an empty directory on this machine, for tools
 * that need a real filesystem (the melange chroot runner). Nothing lands
 * outside that directory: every name is created by a call that fails on an
 * existing name instead of following it (open with O_EXCL|O_NOFOLLOW,
 * mkdir, symlink, link, mknod), and a node is created only under a directory
 * this call made itself, so a symlink of the tree, wherever it points, is
 * written as a link and never walked through. Ownership is applied only as
 * root; directory modes come last, deepest first, so a read-only directory
 * does not stop its own contents from being written.
 */
import { execFile } from 'node:child_process';
import { constants, promises as fsp } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { OutputError, UnsafePathError } from '../errors';
import { nodeChunks, type Tree, type TreeNode } from '../rootfs';

const run = promisify(execFile);

/** How to write the tree. */
export interface MaterializeOptions {
  /** Apply uid/gid and create device nodes; default: whether this process is root. */
  readonly asRoot?: boolean;
}

/** What was written, and what could not be reproduced on this machine. */
export interface MaterializeResult {
  /** Nodes created (directories, files, links, special files). */
  readonly written: number;
  /** One line per thing left out or simplified (device nodes and ownership without root). */
  readonly notes: readonly string[];
}

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** The tree path's components, refusing any that could step out of the root. */
function componentsOf(path: string, dir: string): string[] {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) {
    throw new UnsafePathError(`cannot write /${path} into ${dir}: the path has an empty, "." or ".." component`, {
      subject: dir,
      entry: path,
      hint: 'tree paths are normalized by the rootfs stage; this tree was built by other means',
    });
  }
  return parts;
}

/** The directory is ours to fill: it exists, is not a symlink, and is empty. */
async function checkTarget(dir: string): Promise<string> {
  const st = await fsp.lstat(dir).catch((err: unknown) => {
    throw new OutputError(`cannot write a root filesystem into ${dir}: ${(err as Error).message}`, { file: dir, cause: err, hint: 'create the directory first' });
  });
  if (!st.isDirectory()) {
    throw new OutputError(`cannot write a root filesystem into ${dir}: it is not a directory (or it is a symlink)`, { file: dir, hint: 'pass a real, empty directory' });
  }
  if ((await fsp.readdir(dir)).length > 0) {
    throw new OutputError(`cannot write a root filesystem into ${dir}: the directory is not empty`, { file: dir, hint: 'pass a new, empty directory' });
  }
  return fsp.realpath(dir);
}

/** Writes `tree` into the empty directory `dir`. */
export async function materializeTree(tree: Tree, dir: string, opts: MaterializeOptions = {}): Promise<MaterializeResult> {
  const asRoot = opts.asRoot ?? process.getuid?.() === 0;
  const root = await checkTarget(dir);
  const notes: string[] = [];
  const dirs = new Set<string>(['']);
  const madeDirs: Array<[string, TreeNode]> = [];
  const files = new Set<string>();
  const hardlinks: Array<[string, TreeNode]> = [];
  let written = 0;

  const hostPath = (path: string): string => {
    const parts = componentsOf(path, root);
    const parent = parts.slice(0, -1).join('/');
    if (!dirs.has(parent)) {
      throw new UnsafePathError(`cannot write /${path} into ${root}: /${parent} is not a directory written here (the tree holds a link or file there)`, {
        subject: root,
        entry: path,
        hint: 'a node below a symlink would be written through the link; the tree is inconsistent',
      });
    }
    const host = join(root, ...parts);
    const rel = relative(root, host);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`)) {
      throw new UnsafePathError(`cannot write /${path}: it resolves outside ${root}`, { subject: root, entry: path });
    }
    return host;
  };

  for (const [path, node] of tree.entries()) {
    const host = hostPath(path);
    switch (node.type) {
      case 'dir':
        await fsp.mkdir(host, { mode: 0o700 });
        dirs.add(path);
        madeDirs.push([host, node]);
        break;
      case 'file': {
        const fh = await fsp.open(host, NEW_FILE, 0o600);
        try {
          for (const chunk of nodeChunks(node)) await fh.write(chunk);
          if (asRoot) await fh.chown(node.uid, node.gid);
          // After chown, which clears setuid and setgid.
          await fh.chmod(node.mode & 0o7777);
          await fh.utimes(node.mtime, node.mtime);
        } finally {
          await fh.close();
        }
        files.add(path);
        break;
      }
      case 'symlink':
        await fsp.symlink(node.linkTarget ?? '', host);
        if (asRoot) await fsp.lchown(host, node.uid, node.gid);
        await fsp.lutimes(host, node.mtime, node.mtime);
        break;
      case 'hardlink':
        // Its target may sort after it; links are made once every file exists.
        hardlinks.push([path, node]);
        continue;
      case 'char':
      case 'block':
      case 'fifo':
        if (node.type !== 'fifo' && !asRoot) {
          notes.push(`/${path}: ${node.type === 'char' ? 'character' : 'block'} device ${node.devmajor ?? 0},${node.devminor ?? 0} not created (mknod needs root)`);
          continue;
        }
        await makeNode(host, node);
        if (asRoot) await fsp.lchown(host, node.uid, node.gid);
        break;
    }
    written++;
  }
  for (const [path, node] of hardlinks) {
    const target = tree.resolve(node.linkTarget ?? '');
    if (!files.has(target)) {
      throw new UnsafePathError(`cannot write hardlink /${path}: its target /${target} is not a regular file written here`, {
        subject: root,
        entry: path,
        hint: 'a hardlink must name a regular file of the same tree',
      });
    }
    await fsp.link(hostPath(target), hostPath(path));
    written++;
  }
  for (const [host, node] of madeDirs.reverse()) {
    const fh = await fsp.open(host, OPEN_DIR);
    try {
      if (asRoot) await fh.chown(node.uid, node.gid);
      await fh.chmod(node.mode & 0o7777);
      await fh.utimes(node.mtime, node.mtime);
    } finally {
      await fh.close();
    }
  }
  if (!asRoot) notes.push('file ownership not applied: every file belongs to the current user (chown needs root)');
  return { written, notes };
}

/** A device node or fifo; Node has no mknod, so the mknod tool makes it (it also refuses an existing name). */
async function makeNode(host: string, node: TreeNode): Promise<void> {
  const mode = (node.mode & 0o7777).toString(8);
  const kind = node.type === 'char' ? ['c', String(node.devmajor ?? 0), String(node.devminor ?? 0)] : node.type === 'block' ? ['b', String(node.devmajor ?? 0), String(node.devminor ?? 0)] : ['p'];
  try {
    await run('mknod', ['-m', mode, host, ...kind]);
  } catch (err) {
    throw new OutputError(`cannot create ${node.type} node ${host}: ${(err as Error).message}`, { file: host, cause: err, hint: 'mknod(1) must be installed, and devices need root' });
  }
}
