/**
 * Layers kept in the store as files: taken by path, never read into memory.
 * A stored blob is used only after its bytes hash to the digest it is stored
 * under (one streaming pass; the layout then copies the file without reading
 * it, Layer.checkedFile), so a file cut short or altered after the store
 * wrote it is removed and made again, never emitted.
 */
import { readFile, rm } from 'node:fs/promises';
import { parseDigest, type Digest } from '../digest';
import { BufferLayer, FileLayer, layerStream, type BuildLayerOptions, type Layer, type LayerEntry } from '../layer';
import { blobKey, type Store } from '../store';
import { fileReadStream, sha256DigestOfFile } from '../fs/read-stream';

/** How many stored blobs were hashed in this process, for tests that count work instead of timing it. */
export const storedLayerChecks = { files: 0, bytes: 0 };

/** The stored blob `digest` as a layer with `diffId`, or undefined (and the entry removed) when it is missing or not those bytes. */
export async function storedLayer(store: Store, digest: string, diffId: string): Promise<Layer | undefined> {
  const key = blobKey(digest);
  const file = await store.getFile(key);
  if (file === undefined) return undefined;
  storedLayerChecks.files++;
  storedLayerChecks.bytes += file.size;
  const actual = await sha256DigestOfFile(file.path).catch(() => undefined);
  if (actual !== digest) {
    await store.discard(key, file);
    return undefined;
  }
  return new FileLayer({ digest: parseDigest(digest), diffId: parseDigest(diffId), size: file.size }, file.path, { checked: true });
}

/**
 * Moves a layer spooled to `spooled.path` into the store as the blob of its
 * digest and returns it as stored. When the store cannot keep it (not
 * writable), the bytes are read back into memory so no spool file outlives
 * the build.
 */
export async function keepLayer(store: Store | undefined, spooled: FileLayer): Promise<Layer> {
  try {
    if (store !== undefined) {
      await store.putStream(blobKey(spooled.digest), fileReadStream(spooled.path));
      const file = await store.getFile(blobKey(spooled.digest));
      // cacache wrote the file from the spool and checked what it wrote against its own hash of the stream.
      if (file !== undefined && file.size === spooled.size) return new FileLayer(spooled, file.path, { checked: true });
    }
    return new BufferLayer(spooled, [await readFile(spooled.path)]);
  } finally {
    await rm(spooled.path, { force: true });
  }
}

/**
 * Builds a layer straight into the store as the blob of its digest: the
 * compressed bytes are written once, with no spool file beside the store.
 * Undefined when the store could not keep them; the caller then builds the
 * layer another way.
 */
export async function buildLayerInStore(store: Store, entries: Iterable<LayerEntry>, opts: Omit<BuildLayerOptions, 'spoolDir'>): Promise<Layer | undefined> {
  const stream = layerStream(entries, opts);
  const file = await store.putStreamNamed(stream.blob, () => blobKey(stream.facts().digest));
  if (file === undefined) return undefined;
  const facts = stream.facts();
  // cacache checked what it wrote against its own hash of the stream, which this build hashed to the digest as it passed.
  return file.size === facts.size ? new FileLayer(facts, file.path, { checked: true }) : undefined;
}

/** True when `digest` names a blob the store holds (not hashed: saving only needs to know it is there). */
export async function hasBlob(store: Store, digest: Digest): Promise<boolean> {
  return (await store.getFile(blobKey(digest))) !== undefined;
}
