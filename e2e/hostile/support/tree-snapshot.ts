/**
 * A directory tree as path → kind, mode and content hash, and the changes
 * between two such snapshots: the battery's one way to say "unchanged" (the
 * sandbox, the previous output, the checkout, a mount's contents).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export type TreeSnapshot = Map<string, string>;

/** Every entry under `root` (nothing when it does not exist), except the top-level names in `skip`. */
export function snapshotTree(root: string, skip: ReadonlySet<string> = new Set()): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (skip.has(rel.split('/')[0]!)) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out.set(rel, `dir ${st.mode.toString(8)}`);
        walk(p);
      } else if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(p)}`);
      else out.set(rel, `file ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** `added: p`, `changed: p`, `removed: p`, sorted. */
export function treeDiff(a: TreeSnapshot, b: TreeSnapshot): string[] {
  const changes: string[] = [];
  for (const [k, v] of b) if (a.get(k) !== v) changes.push(`${a.has(k) ? 'changed' : 'added'}: ${k}`);
  for (const k of a.keys()) if (!b.has(k)) changes.push(`removed: ${k}`);
  return changes.sort();
}
