/**
 * Rewriting a file the build edits (passwd, group, shadow, path mutations).
 * An existing file keeps its mode, ownership, mtime and owning package, as
 * opening it with O_TRUNC would; its package checksum is dropped because the
 * content is no longer the package's. A final symlink is followed.
 */
import type { NodeAttrs, Tree } from './tree';

/** Replaces the content of `path`, or creates it with `create` attributes. */
export function rewriteFile(tree: Tree, path: string, data: Buffer | string, create: NodeAttrs = {}): void {
  const real = tree.resolve(path, true);
  const node = tree.get(real);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (node?.type === 'file') {
    node.data = bytes;
    delete node.spooled;
    delete node.sha1;
    return;
  }
  tree.writeFile(real, bytes, create);
}
