/**
 * Maps a tree node to its tar header, following apko's tarball writer except
 * where noted:
 * - uid/gid are the node's (package ownership is kept; apko writes 0:0 for
 *   package files, a gap its maintainers call an oversight, melange#1395);
 * - mtime is the node's, unclamped: apko keeps package mtimes and writes 0 for
 *   what it creates, and the rootfs stage already sets those values;
 * - of the node's PAX records only `SCHILY.xattr.*` survive, and only on files
 *   and directories; `APK-TOOLS.checksum.SHA1` is not copied into layers;
 * - a directory's name has no trailing `/`: apko's `walkFS` (`pkg/build/tarball.go`)
 *   overwrites the name `tar.FileInfoHeader` gives with the bare walk path, and
 *   the slash would change every diff_id (checked against the real apko by
 *   e2e/conformance).
 */
import type { TarHeaderInput } from '../tar/write';
import { nodeSize, treePath, type TreeNode } from '../rootfs/tree';
import type { OwnerNames } from './types';

const XATTR_PREFIX = 'SCHILY.xattr.';

/** The PAX records of `node` that belong in an image layer. */
function layerPax(node: TreeNode): Record<string, string> | undefined {
  if (!node.pax || (node.type !== 'file' && node.type !== 'dir')) return undefined;
  const keep = Object.keys(node.pax).filter((k) => k.startsWith(XATTR_PREFIX));
  if (keep.length === 0) return undefined;
  return Object.fromEntries(keep.map((k) => [k, node.pax![k]!]));
}

/** The tar header of one layer entry (its size is the file's data length, else 0). */
export function headerOf(path: string, node: TreeNode, names: OwnerNames): TarHeaderInput {
  const isLink = node.type === 'symlink' || node.type === 'hardlink';
  const isDevice = node.type === 'char' || node.type === 'block';
  return {
    name: path,
    type: node.type,
    mode: node.mode & 0o7777,
    uid: node.uid,
    gid: node.gid,
    uname: names.users.get(node.uid) ?? '',
    gname: names.groups.get(node.gid) ?? '',
    size: node.type === 'file' ? nodeSize(node) : 0,
    mtime: node.mtime,
    // A hardlink names another entry of the archive, so it takes tree form; a symlink target is verbatim.
    linkname: !isLink ? '' : node.type === 'hardlink' ? treePath(node.linkTarget ?? '') : (node.linkTarget ?? ''),
    devmajor: isDevice ? (node.devmajor ?? 0) : 0,
    devminor: isDevice ? (node.devminor ?? 0) : 0,
    pax: layerPax(node),
    dirSlash: false,
  };
}
