/**
 * Layers reused from the store. A layer's bytes are a pure function of its
 * entries (paths, kinds, modes, owners, mtimes, link targets, content) and
 * the owner names written into its headers, so that is what its key covers;
 * a hit skips tarring and compressing. The build report says, per layer,
 * whether it was built or reused.
 */
import { createHash } from 'node:crypto';
import { parseDigest } from '../digest';
import { BufferLayer, buildLayer, checkedPlan, ownerNamesFromTree, type Layer, type LayerEntry, type LayeringStrategy, type OwnerNames } from '../layer';
import type { RootfsFacts, Tree } from '../rootfs';
import { layerKey, type Store } from '../store';
import { compareBytes } from '../order';

/** Whether a layer was made in this build or taken from the store. */
export type LayerStatus = 'built' | 'reused';

/** The digest of everything that decides a layer's bytes. */
export function layerContentDigest(entries: readonly LayerEntry[], names: OwnerNames): string {
  const h = createHash('sha256');
  const field = (s: string | number | undefined) => h.update(`${s ?? ''}\0`);
  for (const [path, n] of entries) {
    field(path);
    field(n.type);
    field(n.mode);
    field(n.uid);
    field(n.gid);
    field(n.mtime);
    field(names.users.get(n.uid));
    field(names.groups.get(n.gid));
    field(n.linkTarget);
    field(n.devmajor);
    field(n.devminor);
    for (const k of Object.keys(n.pax ?? {}).sort(compareBytes)) field(`${k}=${n.pax![k]}`);
    field(n.data ? createHash('sha256').update(n.data).digest('hex') : '-');
    h.update('\n');
  }
  return h.digest('hex');
}

async function collect(layer: Layer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of layer.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Builds (or reuses) the layers `strategy` plans for `tree`. Whatever the
 * strategy (built in or a library user's), a key is the content of the
 * entries it put in the layer, partial installed databases included.
 */
export async function layersWithCache(
  tree: Tree,
  opts: { strategy: LayeringStrategy; facts: RootfsFacts; store?: Store },
): Promise<{ layers: Layer[]; statuses: LayerStatus[] }> {
  const names = ownerNamesFromTree(tree);
  const lists = checkedPlan(opts.strategy, tree, opts.facts).layers;
  const layers: Layer[] = [];
  const statuses: LayerStatus[] = [];
  for (const entries of lists) {
    const key = layerKey(layerContentDigest(entries, names));
    const hit = opts.store ? await opts.store.get(key) : undefined;
    if (hit?.metadata.digest && hit.metadata.diffId) {
      layers.push(new BufferLayer({ digest: parseDigest(hit.metadata.digest), diffId: parseDigest(hit.metadata.diffId), size: hit.data.length }, [hit.data]));
      statuses.push('reused');
      continue;
    }
    const layer = await buildLayer(entries, { names });
    if (opts.store) await opts.store.put(key, await collect(layer), { digest: layer.digest, diffId: layer.diffId });
    layers.push(layer);
    statuses.push('built');
  }
  return { layers, statuses };
}
