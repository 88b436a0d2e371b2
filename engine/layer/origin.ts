/**
 * The `origin` layering strategy (apko `pkg/build/layers.go`, ref 3.14):
 * packages are grouped by origin, groups joined by `replaces` are merged,
 * groups are ordered by size (descending; ties by their greatest package
 * name, ascending bytewise, as apko breaks them), and beyond `budget` the
 * smallest groups share one overflow layer. Every package-owned entry goes to
 * its group's layer; everything else to a final top layer.
 *
 * Each layer carries the parent directories of its entries, with the mtime
 * of the entry that needed them (apko's trick for better layer reuse). Unlike
 * apko, a layer gets only the real ancestors of what it holds, not whatever
 * directories the walk last passed through.
 */
import { ConfigError } from '../errors';
import { comparePaths, type Tree, type TreeNode } from '../rootfs/tree';
import type { LayerEntry } from './types';

/** Inputs of the origin strategy. */
export interface LayeringOptions {
  /** Most package layers to make (`layering.budget`); a top layer is always added. */
  readonly budget: number;
  /** Origin (`o:`) of each installed package; a package missing here is its own origin. */
  readonly origins: ReadonlyMap<string, string>;
  /** Installed size (`I:`) per package; default: the bytes of its files in the tree. */
  readonly sizes?: ReadonlyMap<string, number>;
  /** Packages that must share a layer: one and a package it replaces (when the installed version satisfies the replaces). */
  readonly joined?: ReadonlyArray<readonly [string, string]>;
  /** Each package's installed-db stanza; package layers then carry a partial `usr/lib/apk/db/installed`, for scanners. */
  readonly installedDb?: ReadonlyMap<string, Buffer>;
}

/** Packages that share one layer. */
export interface PackageGroup {
  /** Sorted bytewise. */
  readonly packages: readonly string[];
  readonly size: number;
}

/** The installed database; package layers get a partial copy at the same path. */
export const INSTALLED_DB = 'usr/lib/apk/db/installed';

const maxName = (names: readonly string[]) => names.reduce((a, b) => (comparePaths(a, b) >= 0 ? a : b), '');

function group(packages: string[], sizeOf: (p: string) => number): PackageGroup {
  const sorted = [...new Set(packages)].sort(comparePaths);
  return { packages: sorted, size: sorted.reduce((n, p) => n + sizeOf(p), 0) };
}

/** Groups `packages` by origin and applies the budget; the result is in layer order. */
export function groupPackages(packages: Iterable<string>, opts: LayeringOptions, sizeOf: (p: string) => number): PackageGroup[] {
  if (!Number.isInteger(opts.budget) || opts.budget < 0) {
    throw new ConfigError(`layering.budget must be a whole number of layers, got ${opts.budget}`, {
      path: 'layering.budget',
      hint: 'set layering.budget to 0 or more',
    });
  }
  // Union-find over origins: `joined` pairs merge whole origin groups.
  const parent = new Map<string, string>();
  const find = (o: string): string => {
    let r = o;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(o, r);
    return r;
  };
  const originOf = (p: string) => opts.origins.get(p) ?? p;
  const names = [...new Set(packages)].sort(comparePaths);
  const present = new Set(names);
  for (const p of names) if (!parent.has(originOf(p))) parent.set(originOf(p), originOf(p));
  for (const [a, b] of opts.joined ?? []) {
    if (!present.has(a) || !present.has(b)) continue;
    const [ra, rb] = [find(originOf(a)), find(originOf(b))];
    // The byte-smaller root wins so the result does not depend on pair order.
    if (ra !== rb) comparePaths(ra, rb) < 0 ? parent.set(rb, ra) : parent.set(ra, rb);
  }
  const byRoot = new Map<string, string[]>();
  for (const p of names) {
    const root = find(originOf(p));
    const members = byRoot.get(root) ?? [];
    members.push(p);
    byRoot.set(root, members);
  }
  const groups = [...byRoot.values()].map((ps) => group(ps, sizeOf));
  groups.sort((a, b) => b.size - a.size || comparePaths(maxName(a.packages), maxName(b.packages)));
  if (groups.length <= opts.budget) return groups;
  const cutoff = Math.max(opts.budget - 1, 0);
  return [...groups.slice(0, cutoff), group(groups.slice(cutoff).flatMap((g) => g.packages), sizeOf)];
}

/** Distributes tree entries over `groups.length + 1` layers (the last is the top layer). */
export function splitEntries(
  entries: readonly LayerEntry[],
  groups: readonly PackageGroup[],
  installedDb?: ReadonlyMap<string, Buffer>,
): LayerEntry[][] {
  const top = groups.length;
  const layerOf = new Map<string, number>();
  groups.forEach((g, i) => g.packages.forEach((p) => layerOf.set(p, i)));
  const dirs = new Map(entries.filter(([, n]) => n.type === 'dir'));
  const out: LayerEntry[][] = Array.from({ length: top + 1 }, () => []);
  const written = out.map(() => new Set<string>());

  const add = (i: number, path: string, node: TreeNode) => {
    const parts = path.split('/');
    for (let k = 1; k < parts.length; k++) {
      const dir = parts.slice(0, k).join('/');
      const dirNode = dirs.get(dir);
      if (written[i]!.has(dir) || dirNode === undefined) continue;
      out[i]!.push([dir, { ...dirNode, mtime: node.mtime }]);
      written[i]!.add(dir);
    }
    out[i]!.push([path, node]);
    written[i]!.add(path);
  };

  for (const [path, node] of entries) {
    // A file whose package no group names (not in `origins`) stays in the top layer.
    add(node.owner === undefined ? top : (layerOf.get(node.owner) ?? top), path, node);
    if (path !== INSTALLED_DB || installedDb === undefined) continue;
    groups.forEach((g, i) => {
      const data = Buffer.concat(g.packages.map((p) => installedDb.get(p) ?? Buffer.alloc(0)));
      add(i, path, { ...node, data, owner: undefined });
    });
  }
  return out;
}

/** The bytes each package's files occupy in the tree, the default group size. */
export function treeSizes(tree: Tree): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [, node] of tree.entries()) {
    if (node.owner === undefined) continue;
    sizes.set(node.owner, (sizes.get(node.owner) ?? 0) + (node.type === 'file' ? (node.data?.length ?? 0) : 0));
  }
  return sizes;
}
