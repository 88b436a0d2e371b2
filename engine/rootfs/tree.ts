/**
 * The image's filesystem, held in memory. Package contents are installed
 * here and never extracted to the host. Paths are relative to the image root
 * with no leading `/`; parent symlinks are followed inside the tree (an
 * absolute target resolves against the image root), so nothing can point
 * outside it. `entries()` lists nodes in directory-walk order (see comparePaths), the
 * order every layer is written in.
 */
import { compareBytes } from '../order';
import { ApkoError } from '../errors';
import type { SpooledData } from '../fs/spool';
import type { TarEntryType } from '../tar/types';

/** One filesystem object. */
export interface TreeNode {
  type: TarEntryType;
  /** Permission bits plus setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch, as the package recorded it (layers clamp it). */
  mtime: number;
  /** Content of a regular file held in memory. */
  data?: Buffer;
  /** Content of a regular file kept on disk (engine/fs/spool.ts); `data` is then unset. Read through nodeBytes/nodeChunks. */
  spooled?: SpooledData;
  /** Symlink target, or the path (in the tree) a hardlink points at. */
  linkTarget?: string;
  devmajor?: number;
  devminor?: number;
  /** Name of the package that installed it; undefined for files the build made. */
  owner?: string;
  /** Hex sha1 of a file's content (or a symlink's target), as the package declared it. */
  sha1?: string;
  /** Extended attributes or extra PAX records to carry into the layer. */
  pax?: Record<string, string>;
}

const EMPTY = Buffer.alloc(0);

/** The length of a regular file's content. */
export function nodeSize(node: TreeNode): number {
  return node.spooled?.size ?? node.data?.length ?? 0;
}

/** A regular file's whole content, read from the spool when kept there. */
export function nodeBytes(node: TreeNode): Buffer {
  return node.spooled ? node.spooled.read() : (node.data ?? EMPTY);
}

/** A regular file's content in bounded chunks (none when empty). */
export function* nodeChunks(node: TreeNode): Generator<Buffer> {
  if (node.spooled) yield* node.spooled.chunks();
  else if (node.data !== undefined && node.data.length > 0) yield node.data;
}

/** Attributes for nodes the build itself creates. */
export interface NodeAttrs {
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  owner?: string;
}

/** A path that cannot be created because of what is already in the tree. */
export class TreePathError extends ApkoError {
  readonly path: string;
  constructor(message: string, path: string, opts: { hint?: string; cause?: unknown } = {}) {
    // The default says where to look; callers that know the package at fault say more.
    super('ETREEPATH', message, { hint: `the packages and the paths: section of the config disagree about what /${path} is; remove the one that should not write it`, ...opts });
    this.path = path;
  }
}

const MAX_LINK_DEPTH = 40;

/** Splits a path into components, rejecting `..` that would leave the root. */
function components(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out;
}

/** Normalizes a path to tree form: no leading or trailing `/`, no `.` or `..`. */
export function treePath(path: string): string {
  return components(path).join('/');
}

/**
 * The order layers are written in: a depth-first walk with each directory's
 * names compared by raw bytes (apko's WalkDir order). Treating `/` as the
 * lowest byte gives exactly that, so `lib/libfoo/x` precedes `lib/libfoo.so`.
 */
export function comparePaths(a: string, b: string): number {
  return compareBytes(a.replaceAll('/', '\0'), b.replaceAll('/', '\0'));
}

/** An in-memory filesystem tree. */
export class Tree {
  private readonly nodes = new Map<string, TreeNode>();

  constructor() {
    this.nodes.set('', { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 });
  }

  /**
   * Resolves symlinks in every component but the last (or in all of them when
   * `followLast`), staying inside the tree.
   */
  resolve(path: string, followLast = false): string {
    // The resolved prefix is kept as one string, grown a component at a time, so a deep path costs its length, not its depth squared.
    let pending = components(path);
    let done = '';
    let hops = 0;
    for (let i = 0; i < pending.length; i++) {
      const part = pending[i]!;
      const candidate = done === '' ? part : `${done}/${part}`;
      const node = this.nodes.get(candidate);
      const isLast = i === pending.length - 1;
      if (node?.type === 'symlink' && (!isLast || followLast)) {
        if (++hops > MAX_LINK_DEPTH) throw new TreePathError(`too many levels of symbolic links resolving /${path}`, path);
        const target = node.linkTarget ?? '';
        const base = target.startsWith('/') ? '' : done;
        pending = [...components(`${base}/${target}`), ...pending.slice(i + 1)];
        i = -1;
        done = '';
        continue;
      }
      done = candidate;
    }
    return done;
  }

  /** The node at `path` (parent symlinks followed, the last component not). */
  get(path: string): TreeNode | undefined {
    return this.nodes.get(this.resolve(path));
  }

  /** The node at `path`, following a final symlink too. */
  stat(path: string): TreeNode | undefined {
    return this.nodes.get(this.resolve(path, true));
  }

  /** Whether anything exists at `path`. */
  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** Puts a node at `path`; its parent must be a directory. Returns the resolved path. */
  set(path: string, node: TreeNode): string {
    const real = this.resolve(path);
    if (real === '') throw new TreePathError('cannot replace the root directory', path);
    const parent = real.split('/').slice(0, -1).join('/');
    const parentNode = this.nodes.get(parent);
    if (!parentNode) throw new TreePathError(`/${parent} does not exist (needed for /${real})`, real);
    if (parentNode.type !== 'dir') throw new TreePathError(`/${parent} is not a directory (needed for /${real})`, real);
    this.nodes.set(real, node);
    return real;
  }

  /** Creates `path` and missing parents as directories; existing directories are kept as they are. */
  mkdirAll(path: string, attrs: NodeAttrs = {}): string {
    const parts = components(path);
    let current = '';
    for (const part of parts) {
      // `current` is already resolved: only a symlink at the next component needs a full resolution.
      const next = current === '' ? part : `${current}/${part}`;
      current = this.nodes.get(next)?.type === 'symlink' ? this.resolve(next, true) : next;
      const node = this.nodes.get(current);
      if (node === undefined) {
        this.nodes.set(current, {
          type: 'dir',
          mode: attrs.mode ?? 0o755,
          uid: attrs.uid ?? 0,
          gid: attrs.gid ?? 0,
          mtime: attrs.mtime ?? 0,
          owner: attrs.owner,
        });
      } else if (node.type !== 'dir') {
        throw new TreePathError(`/${current} exists and is not a directory`, current);
      }
    }
    return current;
  }

  /** Writes a regular file, replacing whatever file was there. */
  writeFile(path: string, data: Buffer | string, attrs: NodeAttrs = {}): string {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    return this.set(path, {
      type: 'file',
      mode: attrs.mode ?? 0o644,
      uid: attrs.uid ?? 0,
      gid: attrs.gid ?? 0,
      mtime: attrs.mtime ?? 0,
      data: buf,
      owner: attrs.owner,
    });
  }

  /** Content of the regular file at `path` (symlinks followed), or undefined. */
  readFile(path: string): Buffer | undefined {
    const node = this.stat(path);
    if (node?.type === 'hardlink') {
      const target = this.stat(node.linkTarget ?? '');
      return target?.type === 'file' ? nodeBytes(target) : undefined;
    }
    return node?.type === 'file' ? nodeBytes(node) : undefined;
  }

  /** Creates a symlink at `path` pointing at `target` (stored verbatim). */
  symlink(target: string, path: string, attrs: NodeAttrs = {}): string {
    return this.set(path, {
      type: 'symlink',
      mode: attrs.mode ?? 0o777,
      uid: attrs.uid ?? 0,
      gid: attrs.gid ?? 0,
      mtime: attrs.mtime ?? 0,
      linkTarget: target,
      owner: attrs.owner,
    });
  }

  /** Removes `path`, and everything below it when it is a directory. */
  remove(path: string): void {
    const real = this.resolve(path);
    if (real === '') throw new TreePathError('cannot remove the root directory', path);
    this.nodes.delete(real);
    const prefix = `${real}/`;
    for (const key of [...this.nodes.keys()]) if (key.startsWith(prefix)) this.nodes.delete(key);
  }

  /** Paths directly or indirectly below `path` (not following symlinks), in byte order. */
  below(path: string): string[] {
    const real = this.resolve(path, true);
    const prefix = real === '' ? '' : `${real}/`;
    return [...this.nodes.keys()].filter((k) => k !== '' && k.startsWith(prefix)).sort(comparePaths);
  }

  /** Every node except the root, in raw path-byte order. */
  entries(): Array<[string, TreeNode]> {
    return [...this.nodes.entries()].filter(([k]) => k !== '').sort((a, b) => comparePaths(a[0], b[0]));
  }
}
