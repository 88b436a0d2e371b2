/**
 * Turns a finished rootfs tree into layers: one layer of every entry, or
 * with `layering`, the origin strategy's package layers plus a top layer.
 * Layers compress concurrently (zlib runs on the libuv pool); results are
 * kept in plan order, so output never depends on which finishes first.
 */
import type { Tree } from '../rootfs/tree';
import { buildLayer, type BuildLayerOptions } from './build';
import { groupPackages, splitEntries, treeSizes, type LayeringOptions, type PackageGroup } from './layering';
import { ownerNamesFromTree } from './names';
import type { Layer, LayerEntry } from './types';

/** Options for `layersFromTree`. */
export interface TreeLayersOptions extends BuildLayerOptions {
  /** Split by origin; absent means one layer. */
  readonly layering?: LayeringOptions;
}

/** Which entries go to which layer; `groups[i]` describes `layers[i]`, the last layer is the top one. */
export interface LayerPlan {
  readonly groups: readonly PackageGroup[];
  readonly layers: readonly (readonly LayerEntry[])[];
}

/** Plans the layers of `tree` under the origin strategy. */
export function planLayers(tree: Tree, layering: LayeringOptions): LayerPlan {
  const entries = tree.entries();
  const packages = new Set(layering.origins.keys());
  for (const [, node] of entries) if (node.owner !== undefined) packages.add(node.owner);
  const measured = layering.sizes ?? treeSizes(tree);
  const groups = groupPackages(packages, layering, (p) => measured.get(p) ?? 0);
  return { groups, layers: splitEntries(entries, groups, layering.installedDb) };
}

/** Builds the layers of `tree`; uname/gname default to the image's own passwd and group files, as in apko. */
export async function layersFromTree(tree: Tree, opts: TreeLayersOptions = {}): Promise<Layer[]> {
  const build = { names: opts.names ?? ownerNamesFromTree(tree), spoolDir: opts.spoolDir };
  const lists = opts.layering === undefined ? [tree.entries()] : planLayers(tree, opts.layering).layers;
  return Promise.all(lists.map((entries) => buildLayer(entries, build)));
}
