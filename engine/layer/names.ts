/**
 * uname/gname for layer headers come from the image's own /etc/passwd and
 * /etc/group, as apko does (`walkFS`), never from the host. A uid listed twice
 * takes the later line's name, the way apko fills its map.
 */
import type { Tree } from '../rootfs/tree';
import type { OwnerNames } from './types';

/** Maps the numeric id field (`idField`) of each colon-separated line to its first field. */
function parseIdNames(text: string | undefined, idField: number): Map<number, string> {
  const out = new Map<number, string>();
  if (text === undefined) return out;
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const name = fields[0] ?? '';
    const id = fields[idField] ?? '';
    if (name === '' || !/^\d+$/.test(id)) continue;
    out.set(Number(id), name);
  }
  return out;
}

/** The user and group names the image itself defines (empty maps when the files are absent). */
export function ownerNamesFromTree(tree: Tree): OwnerNames {
  return {
    users: parseIdNames(tree.readFile('etc/passwd')?.toString('utf8'), 2),
    groups: parseIdNames(tree.readFile('etc/group')?.toString('utf8'), 2),
  };
}
