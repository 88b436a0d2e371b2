/**
 * Layers reused from the store. A layer's bytes are a pure function of its
 * entries (paths, kinds, modes, owners, mtimes, link targets, content) and
 * the owner names written into its headers, so that is what its key covers;
 * a hit skips tarring and compressing. The build report says, per layer,
 * whether it was built or reused.
 *
 * The layer key's entry is small: the content digest it was stored for and
 * the layer's digest and diff ID. The bytes are the blob of that digest
 * (`blob:`), shared with the whole-image cache and taken by path
 * (stored-layer.ts). A hit is used only when the entry names this content
 * digest and the blob hashes to its digest; otherwise the entry is removed
 * and the layer built again. The diff ID is the one recorded when this
 * engine built the layer, not recomputed: un-gzipping every reused layer
 * would cost as much as the rebuild it saves.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer, checkedPlan, ownerNamesFromTree, type BlockRecord, type Layer, type LayerEntry, type LayeringStrategy, type OwnerNames } from '../layer';
import { nodeChunks, type RootfsFacts, type Tree, type TreeNode } from '../rootfs';
import { layerKey, type Store } from '../store';
import { compareBytes } from '../order';
import { blockReuseFor, keepBlockMap, layerSlot } from './block-map';
import { buildLayerInStore, keepLayer, storedLayer } from './stored-layer';

/** Whether a layer was made in this build or taken from the store. */
export type LayerStatus = 'built' | 'reused';

function contentHash(n: TreeNode): string {
  const h = createHash('sha256');
  for (const chunk of nodeChunks(n)) h.update(chunk);
  return h.digest('hex');
}

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
    field(n.type === 'file' && (n.data !== undefined || n.spooled !== undefined) ? contentHash(n) : '-');
    h.update('\n');
  }
  return h.digest('hex');
}

/** The stored layer a layer-key entry points at, when the entry is the one stored for `contentDigest` and the blob is intact. */
async function reusable(store: Store, key: string, contentDigest: string): Promise<Layer | undefined> {
  const hit = await store.get(key);
  if (hit === undefined) return undefined;
  const m = hit.metadata;
  const layer = m.entries === contentDigest && m.digest && m.diffId ? await storedLayer(store, m.digest, m.diffId) : undefined;
  if (layer === undefined) await store.remove(key);
  return layer;
}

/**
 * Builds a layer into the store, taking the deflated blocks it shares with
 * the last layer built in its slot, and records its own blocks for the next.
 */
async function buildInStore(store: Store, entries: readonly LayerEntry[], names: OwnerNames, arch: string): Promise<Layer | undefined> {
  const slot = layerSlot(entries, arch);
  const prior = await blockReuseFor(store, slot);
  let blocks: readonly BlockRecord[] | undefined;
  let layer: Layer | undefined;
  try {
    layer = await buildLayerInStore(store, entries, { names, ...(prior ? { reuse: prior.reuse } : {}), onBlocks: (b) => (blocks = b) });
  } finally {
    await prior?.close();
  }
  if (layer !== undefined && blocks !== undefined) await keepBlockMap(store, slot, layer.digest, blocks);
  return layer;
}

/**
 * Builds (or reuses) the layers `strategy` plans for `tree`. Whatever the
 * strategy (built in or a library user's), a key is the content of the
 * entries it put in the layer, partial installed databases included.
 */
export async function layersWithCache(
  tree: Tree,
  opts: {
    strategy: LayeringStrategy;
    facts: RootfsFacts;
    store?: Store;
    /** The image's arch: with the layer's packages, the slot whose earlier blocks a rebuild may take (block-map.ts). */
    arch?: string;
    onLayer?: (done: number, total: number, status: LayerStatus) => void;
  },
): Promise<{ layers: Layer[]; statuses: LayerStatus[] }> {
  const names = ownerNamesFromTree(tree);
  const lists = checkedPlan(opts.strategy, tree, opts.facts).layers;
  const layers: Layer[] = [];
  const statuses: LayerStatus[] = [];
  // Every spooled layer leaves this directory (into the store, or back into memory) before it is removed.
  const spoolDir = await mkdtemp(join(tmpdir(), 'apko-nx-layers-'));
  try {
    for (const entries of lists) {
      const contentDigest = layerContentDigest(entries, names);
      const key = layerKey(contentDigest);
      const hit = opts.store ? await reusable(opts.store, key, contentDigest) : undefined;
      if (hit !== undefined) {
        layers.push(hit);
        statuses.push('reused');
        opts.onLayer?.(layers.length, lists.length, 'reused');
        continue;
      }
      // Written straight into the store, else spooled to disk and kept as it can be: a layer is never held whole in memory.
      const layer = (opts.store ? await buildInStore(opts.store, entries, names, opts.arch ?? '') : undefined) ?? (await keepLayer(opts.store, await buildLayer(entries, { names, spoolDir })));
      if (opts.store) await opts.store.put(key, Buffer.from(layer.digest), { digest: layer.digest, diffId: layer.diffId, entries: contentDigest });
      layers.push(layer);
      statuses.push('built');
      opts.onLayer?.(layers.length, lists.length, 'built');
    }
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
  return { layers, statuses };
}
