/**
 * The order in which the installed database lists a package's files, and
 * the removal of entries it cannot place. apk groups files under the last
 * `F:` line, so within one directory its files must come before its
 * subdirectories, and a file whose directory is not listed has nowhere to go.
 */
import { compareBytes } from '../order';

/** The part of a tar header the database ordering needs. */
export interface ListedPath {
  readonly name: string;
  readonly type: string;
}

/**
 * Compares two paths as apko's `pathCompare` does: component by component,
 * and at the first differing depth a non-directory sorts before a directory.
 */
export function pathCompare(a: string, aIsDir: boolean, b: string, bIsDir: boolean): number {
  if (a === b) return 0;
  const at = a.split('/');
  const bt = b.split('/');
  let n = 0;
  for (; n < at.length - 1 && n < bt.length - 1; n++) {
    const c = compareBytes(at[n]!, bt[n]!);
    if (c !== 0) return c;
  }
  // Component n is a directory when a deeper component follows it, or it is the last one of a directory entry.
  const aDir = n + 1 < at.length || aIsDir;
  const bDir = n + 1 < bt.length || bIsDir;
  if (aDir === bDir) return compareBytes(at[n]!, bt[n]!);
  return aDir ? 1 : -1;
}

/** Sorts entries by `pathCompare` (stable) and drops those whose parent directories are not all listed. */
export function orderForDatabase<T extends ListedPath>(entries: readonly T[]): T[] {
  const sorted = [...entries].sort((x, y) => pathCompare(x.name, x.type === 'dir', y.name, y.type === 'dir'));
  const dirs = new Set(sorted.filter((e) => e.type === 'dir').map((e) => e.name));
  return sorted.filter((e) => {
    const parts = e.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (!dirs.has(parts.slice(0, i).join('/'))) return false;
    }
    return true;
  });
}
