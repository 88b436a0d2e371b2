/**
 * The layering seam: a strategy plans which tree entries go to which layer,
 * from the tree and what the rootfs stage knows of its packages. `single`
 * (one layer, apko's default) and `origin` (apko `pkg/build/layers.go`) are
 * built in; a library user may pass their own. Every plan is checked before
 * any layer is built, so a strategy cannot silently drop a file.
 */
import { ApkoError } from '../errors';
import { OriginLayering } from './origin';
import type { RootfsFacts } from '../rootfs/layer-facts';
import { comparePaths, type Tree } from '../rootfs/tree';
import type { LayerEntry } from './types';

/** Packages that share one layer. */
export interface PackageGroup {
  /** Sorted bytewise. */
  readonly packages: readonly string[];
  readonly size: number;
}

/** Which entries go to which layer, bottom first. */
export interface LayerPlan {
  /** `groups[i]` names the packages of `layers[i]`; layers past the groups (the top layer) hold what no group owns. */
  readonly groups: readonly PackageGroup[];
  /** Each layer's entries in tree order (`comparePaths`), parents before children. */
  readonly layers: readonly (readonly LayerEntry[])[];
}

/** How a finished rootfs is split into layers. */
export interface LayeringStrategy {
  /** Names the strategy in messages: `single`, `origin`, or a library user's own. */
  readonly name: string;
  /** Plans the layers of `tree`; every entry of the tree must land in at least one layer. */
  plan(tree: Tree, facts: RootfsFacts): LayerPlan;
}

/** Every entry in one layer: apko's layout when the config has no `layering`. */
export class SingleLayer implements LayeringStrategy {
  readonly name = 'single';
  plan(tree: Tree): LayerPlan {
    return { groups: [], layers: [tree.entries()] };
  }
}

/** The strategy `layering:` in apko.yaml asks for: origin with its budget, else one layer. The one place this is decided. */
export function layeringFor(layering: { readonly strategy?: 'origin'; readonly budget?: number } | undefined): LayeringStrategy {
  return layering?.strategy === 'origin' ? new OriginLayering(layering.budget) : new SingleLayer();
}

function badPlan(strategy: string, why: string): ApkoError {
  return new ApkoError('ELAYERPLAN', `layering strategy "${strategy}" made an unusable plan: ${why}`, {
    hint: 'a plan must put every tree entry in some layer, each layer in tree order without repeats',
  });
}

/** Plans with `strategy` and checks the plan covers the tree, each layer in tree order. */
export function checkedPlan(strategy: LayeringStrategy, tree: Tree, facts: RootfsFacts): LayerPlan {
  const plan = strategy.plan(tree, facts);
  if (plan.layers.length === 0) throw badPlan(strategy.name, 'it has no layers');
  const unplaced = new Set(tree.entries().map(([path]) => path));
  const known = new Set(unplaced);
  plan.layers.forEach((layer, i) => {
    layer.forEach(([path], k) => {
      if (k > 0 && comparePaths(layer[k - 1]![0], path) >= 0) throw badPlan(strategy.name, `layer ${i} lists /${path} out of order or twice`);
      if (!known.has(path)) throw badPlan(strategy.name, `layer ${i} holds /${path}, which is not in the tree`);
      unplaced.delete(path);
    });
  });
  const [missing] = unplaced;
  if (missing !== undefined) throw badPlan(strategy.name, `/${missing} is in no layer`);
  return plan;
}
