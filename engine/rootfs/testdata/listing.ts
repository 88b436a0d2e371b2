/**
 * Renders a tree the way `tar tvf --numeric-owner` lists a layer (without
 * the date), so tests can compare with apko's golden listings.
 */
import type { Tree, TreeNode } from '../tree';

const TYPE: Record<string, string> = { dir: 'd', file: '-', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p' };

/** `drwxr-xr-x` style mode string. */
export function modeString(node: TreeNode): string {
  const m = node.mode;
  const bit = (mask: number, ch: string) => (m & mask ? ch : '-');
  const special = (x: number, s: number, on: string) => (m & s ? (m & x ? on : on.toUpperCase()) : m & x ? 'x' : '-');
  return (
    TYPE[node.type]! +
    bit(0o400, 'r') + bit(0o200, 'w') + special(0o100, 0o4000, 's') +
    bit(0o40, 'r') + bit(0o20, 'w') + special(0o10, 0o2000, 's') +
    bit(0o4, 'r') + bit(0o2, 'w') + special(0o1, 0o1000, 't')
  );
}

/** One line per entry: `mode uid/gid size-or-dev path[ -> target]`. */
export function listTree(tree: Tree): string[] {
  return tree.entries().map(([path, n]) => {
    const size = n.type === 'char' || n.type === 'block' ? `${n.devmajor},${n.devminor}` : String(n.type === 'file' ? (n.data?.length ?? 0) : 0);
    const link = n.type === 'symlink' ? ` -> ${n.linkTarget}` : '';
    return `${modeString(n)} ${n.uid}/${n.gid} ${size} ${path}${link}`;
  });
}

/** Turns a `tar tvf` listing (with dates) into `listTree` lines. */
export function fromTarListing(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [mode, owner, size, , , ...rest] = line.trim().split(/\s+/);
      return `${mode} ${owner} ${size} ${rest.join(' ')}`;
    });
}
