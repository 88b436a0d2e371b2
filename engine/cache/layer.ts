/**
 * Layers reused from the store. A layer's bytes are a pure function of its
 * entries (paths, kinds, modes, owners, mtimes, link targets, content) and
 * the owner names written into its headers, so that is what its key covers;
 * a hit skips tarring and compressing. The build report says, per layer,
 * whether it was built or reused.
 *
 * A hit is used only when it is the layer its key names: the entry records
 * the content digest it was stored for, and its bytes must hash to the
 * recorded digest and, uncompressed, to the recorded diff ID. An entry that
 * fails (another key's bytes copied in, a truncated or altered file the
 * store's own check missed) is removed and the layer built again.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
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

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** True when a stored layer is exactly the one stored for `contentDigest`. */
function trustworthy(hit: { data: Buffer; metadata: Readonly<Record<string, string>> }, contentDigest: string): boolean {
  const m = hit.metadata;
  if (m.entries !== contentDigest || !m.digest || !m.diffId || sha256(hit.data) !== m.digest) return false;
  try {
    return sha256(gunzipSync(hit.data)) === m.diffId;
  } catch {
    return false;
  }
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
  opts: { strategy: LayeringStrategy; facts: RootfsFacts; store?: Store; onLayer?: (done: number, total: number, status: LayerStatus) => void },
): Promise<{ layers: Layer[]; statuses: LayerStatus[] }> {
  const names = ownerNamesFromTree(tree);
  const lists = checkedPlan(opts.strategy, tree, opts.facts).layers;
  const layers: Layer[] = [];
  const statuses: LayerStatus[] = [];
  for (const entries of lists) {
    const contentDigest = layerContentDigest(entries, names);
    const key = layerKey(contentDigest);
    const hit = opts.store ? await opts.store.get(key) : undefined;
    if (hit !== undefined && trustworthy(hit, contentDigest)) {
      layers.push(new BufferLayer({ digest: parseDigest(hit.metadata.digest!), diffId: parseDigest(hit.metadata.diffId!), size: hit.data.length }, [hit.data]));
      statuses.push('reused');
      opts.onLayer?.(layers.length, lists.length, 'reused');
      continue;
    }
    if (hit !== undefined) await opts.store!.remove(key);
    const layer = await buildLayer(entries, { names });
    if (opts.store) await opts.store.put(key, await collect(layer), { digest: layer.digest, diffId: layer.diffId, entries: contentDigest });
    layers.push(layer);
    statuses.push('built');
    opts.onLayer?.(layers.length, lists.length, 'built');
  }
  return { layers, statuses };
}
