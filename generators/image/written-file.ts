/**
 * Writing a generated config into the Tree without losing a user's edits: an
 * existing file saying the same thing (comments and layout aside) is left as
 * it is; one saying something else is refused unless `overwrite`.
 */
import type { Tree } from '@nx/devkit';
import { sameConfigData } from '../../engine/workspace';

/** Writes `text` to `path` under those rules. */
export function writeConfig(tree: Tree, path: string, text: string, overwrite: boolean | undefined): void {
  const before = tree.read(path, 'utf8');
  if (before === null || overwrite) {
    tree.write(path, text);
    return;
  }
  if (!sameConfigData(before, text)) throw new Error(`${path} already exists and differs from what this generator would write; pass --overwrite to replace it`);
}
