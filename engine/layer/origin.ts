/**
 * The `origin` layering strategy (apko `pkg/build/layers.go`,
 * `groupAPKByOrigin`, `applyBudget`, `splitLayers`): packages are grouped by
 * origin, groups joined by a satisfied `replaces` are merged, groups are
 * sized by the installed sizes (`I:`) of their packages and ordered by size,
 * descending, ties by their greatest package name, ascending bytewise; beyond
 * `budget` the smallest groups share one overflow layer. Every package-owned
 * entry goes to its group's layer, everything else to a final top layer, and
 * each package layer carries a partial installed database of its own
 * packages' stanzas at the database's own path, for scanners.
 *
 * Each layer carries the parent directories of its entries, with the mtime
 * of the entry that needed them (apko's trick for better layer reuse). Unlike
 * apko, a layer gets only the real ancestors of what it holds, not whatever
 * directories the walk last passed through.
 */
import { ConfigError } from '../errors';
import { compareBytes } from '../order';
import { INSTALLED_DB } from '../rootfs/installed-db';
import type { RootfsFacts } from '../rootfs/layer-facts';
import type { Tree, TreeNode } from '../rootfs/tree';
import type { LayerPlan, LayeringStrategy, PackageGroup } from './strategy';
import type { LayerEntry } from './types';

/** Package layers when `layering.budget` is not set: the budget apko's docs/layering.md recommends. */
export const DEFAULT_LAYER_BUDGET = 10;

interface Sized extends PackageGroup {
  /** The greatest package name, apko's `tiebreaker`. */
  readonly tiebreaker: string;
}

const maxName = (names: readonly string[]) => names.reduce((a, b) => (compareBytes(a, b) >= 0 ? a : b), '');

function sized(packages: readonly string[], sizeOf: ReadonlyMap<string, number>): Sized {
  const sorted = [...packages].sort(compareBytes);
  return { packages: sorted, size: sorted.reduce((n, p) => n + (sizeOf.get(p) ?? 0), 0), tiebreaker: maxName(sorted) };
}

function checkBudget(budget: number): void {
  if (!Number.isInteger(budget) || budget < 0) {
    throw new ConfigError(`layering.budget must be a whole number of layers, got ${budget}`, {
      path: 'layering.budget',
      hint: 'set layering.budget to 0 or more',
    });
  }
}

/** Groups the installed packages by origin and replaces, then applies the budget; the result is in layer order. */
export function groupPackages(facts: RootfsFacts, budget: number): PackageGroup[] {
  checkBudget(budget);
  // Union-find over package names: one origin is one set, a replaces pair joins two sets.
  const parent = new Map<string, string>();
  const find = (p: string): string => {
    let r = p;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(p, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    // The byte-smaller root wins so the result does not depend on the order of the facts.
    if (ra !== rb) compareBytes(ra, rb) < 0 ? parent.set(rb, ra) : parent.set(ra, rb);
  };
  const firstOfOrigin = new Map<string, string>();
  for (const { name, origin } of facts.packages) {
    parent.set(name, name);
    const first = firstOfOrigin.get(origin);
    if (first === undefined) firstOfOrigin.set(origin, name);
    else union(first, name);
  }
  for (const [a, b] of facts.replaces) if (parent.has(a) && parent.has(b)) union(a, b);
  const byRoot = new Map<string, string[]>();
  for (const { name } of facts.packages) {
    const members = byRoot.get(find(name)) ?? [];
    members.push(name);
    byRoot.set(find(name), members);
  }
  const sizeOf = new Map(facts.packages.map((p) => [p.name, p.installedSize]));
  const groups = [...byRoot.values()].map((ps) => sized(ps, sizeOf));
  groups.sort((a, b) => b.size - a.size || compareBytes(a.tiebreaker, b.tiebreaker));
  const plain = (gs: readonly Sized[]) => gs.map(({ packages, size }) => ({ packages, size }));
  if (groups.length <= budget) return plain(groups);
  // Even a budget of 0 keeps one package layer, as apko's applyBudget does.
  const cutoff = Math.max(budget - 1, 0);
  return plain([...groups.slice(0, cutoff), sized(groups.slice(cutoff).flatMap((g) => g.packages), sizeOf)]);
}

/** Distributes tree entries over `groups.length + 1` layers (the last is the top layer). */
export function splitEntries(
  entries: readonly LayerEntry[],
  groups: readonly PackageGroup[],
  stanzas?: ReadonlyMap<string, Buffer>,
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
    // Directories belong to no package in the image (apko's splitLayers puts each on top, with its own mode and
    // mtime); a package layer carries a directory only as the parent of what it holds. A file whose package no
    // group names stays in the top layer too.
    const layer = node.type === 'dir' || node.owner === undefined ? top : (layerOf.get(node.owner) ?? top);
    add(layer, path, node);
    if (path !== INSTALLED_DB || stanzas === undefined) continue;
    // The full database stays on top; each package layer gets its packages' stanzas, in name order, with the same header.
    groups.forEach((g, i) => {
      const data = Buffer.concat(g.packages.map((p) => stanzas.get(p) ?? Buffer.alloc(0)));
      add(i, path, { ...node, data, owner: undefined });
    });
  }
  return out;
}

/** apko's `origin` strategy with a layer budget. */
export class OriginLayering implements LayeringStrategy {
  readonly name = 'origin';
  readonly budget: number;

  constructor(budget: number = DEFAULT_LAYER_BUDGET) {
    checkBudget(budget);
    this.budget = budget;
  }

  plan(tree: Tree, facts: RootfsFacts): LayerPlan {
    const groups = groupPackages(facts, this.budget);
    const stanzas = new Map(facts.packages.map((p) => [p.name, p.stanza]));
    return { groups, layers: splitEntries(tree.entries(), groups, stanzas) };
  }
}
