/**
 * Turns a finished rootfs tree into layers as a layering strategy plans them
 * (one layer by default). Layers compress concurrently (zlib runs on the
 * libuv pool); results are kept in plan order, so output never depends on
 * which finishes first.
 */
import type { PackageFacts, RootfsFacts } from '../rootfs/layer-facts';
import { nodeSize, type Tree } from '../rootfs/tree';
import { buildLayer, type BuildLayerOptions } from './build';
import { ownerNamesFromTree } from './names';
import { checkedPlan, SingleLayer, type LayeringStrategy } from './strategy';
import type { Layer } from './types';

/** Options for `layersFromTree`. */
export interface TreeLayersOptions extends BuildLayerOptions {
  /** How to split the tree; default one layer. */
  readonly layering?: LayeringStrategy;
  /** What the rootfs stage knows of the packages; default `factsFromTree`. */
  readonly facts?: RootfsFacts;
}

/**
 * Facts for a tree made without the rootfs stage (tests, tools): each file
 * owner is a package of its own origin, sized by its files' bytes in the
 * tree, with no database stanza and no replaces.
 */
export function factsFromTree(tree: Tree): RootfsFacts {
  const sizes = new Map<string, number>();
  for (const [, node] of tree.entries()) {
    if (node.owner === undefined) continue;
    sizes.set(node.owner, (sizes.get(node.owner) ?? 0) + (node.type === 'file' ? nodeSize(node) : 0));
  }
  const packages: PackageFacts[] = [...sizes].map(([name, installedSize]) => ({ name, version: '', origin: name, installedSize, stanza: Buffer.alloc(0) }));
  return { packages, replaces: [] };
}

/** Builds the layers of `tree`; uname/gname default to the image's own passwd and group files, as in apko. */
export async function layersFromTree(tree: Tree, opts: TreeLayersOptions = {}): Promise<Layer[]> {
  const build = { names: opts.names ?? ownerNamesFromTree(tree), spoolDir: opts.spoolDir };
  const plan = checkedPlan(opts.layering ?? new SingleLayer(), tree, opts.facts ?? factsFromTree(tree));
  return Promise.all(plan.layers.map((entries) => buildLayer(entries, build)));
}
