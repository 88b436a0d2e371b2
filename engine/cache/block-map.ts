/**
 * The deflated blocks of the last layer built in each layer slot, so that
 * rebuilding the slot after a change (one package bumped in a layer of
 * many) deflates only the blocks around the change and takes every other
 * block's bytes from the stored layer (engine/layer/gzip-blocks.ts). A slot
 * is the arch and the set of packages whose files the layer holds, without
 * versions: what stays the same when a package in it is bumped.
 *
 * Reuse never changes the result: a block's key covers everything its
 * deflated bytes depend on, so a reused block is the bytes deflating it
 * again would give. The bytes are read from the stored layer blob and
 * checked against the sha256 recorded for them; a map that does not parse,
 * names a blob the store no longer has, or points outside it, is ignored.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { BlockRecord, BlockReuse, LayerEntry } from '../layer';
import { compareBytes } from '../order';
import { blobKey, blockMapKey, type Store } from '../store';

/** The slot of a layer: its arch and the packages that own its entries (plus whether it holds files no package owns). */
export function layerSlot(entries: readonly LayerEntry[], arch: string): string {
  const owners = new Set<string>();
  let unowned = false;
  for (const [, n] of entries) {
    if (n.type === 'dir') continue;
    if (n.owner === undefined) unowned = true;
    else owners.add(n.owner);
  }
  const h = createHash('sha256').update(`layer-slot:v1 ${arch} ${unowned ? 'with' : 'without'} unowned\n`);
  for (const o of [...owners].sort(compareBytes)) h.update(`${o}\n`);
  return h.digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

function isRecord(b: unknown): b is BlockRecord {
  const r = b as Partial<BlockRecord> | null;
  return (
    typeof r === 'object' && r !== null &&
    typeof r.key === 'string' && HEX64.test(r.key) &&
    typeof r.sha256 === 'string' && HEX64.test(r.sha256) &&
    [r.inputLength, r.crc, r.offset, r.length].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
  );
}

/** The blocks stored for `slot`, readable from their layer blob, with a `close` for the file; undefined when there are none to use. */
export async function blockReuseFor(store: Store, slot: string): Promise<{ reuse: BlockReuse; close: () => Promise<void> } | undefined> {
  const hit = await store.get(blockMapKey(slot));
  if (hit === undefined) return undefined;
  let doc: { blob?: unknown; blocks?: unknown };
  try {
    doc = JSON.parse(hit.data.toString('utf8')) as typeof doc;
  } catch {
    return undefined;
  }
  if (typeof doc.blob !== 'string' || !Array.isArray(doc.blocks) || !doc.blocks.every(isRecord)) return undefined;
  const file = await store.getFile(blobKey(doc.blob));
  if (file === undefined) return undefined;
  const blocks = new Map<string, BlockRecord>();
  for (const b of doc.blocks as BlockRecord[]) if (b.offset + b.length <= file.size) blocks.set(b.key, b);
  if (blocks.size === 0) return undefined;
  let handle: Promise<FileHandle> | undefined;
  const reuse: BlockReuse = {
    keys: new Set(blocks.keys()),
    async read(key) {
      const b = blocks.get(key);
      if (b === undefined) return undefined;
      try {
        handle ??= open(file.path, 'r');
        const data = Buffer.allocUnsafe(b.length);
        const { bytesRead } = await (await handle).read(data, 0, b.length, b.offset);
        if (bytesRead !== b.length || createHash('sha256').update(data).digest('hex') !== b.sha256) return undefined;
        return { data, sha256: b.sha256 };
      } catch {
        return undefined;
      }
    },
  };
  const close = async () => {
    const h = await handle?.catch(() => undefined);
    await h?.close();
  };
  return { reuse, close };
}

/** Records the blocks of the layer just built in `slot` for the next build of it. */
export async function keepBlockMap(store: Store, slot: string, blob: string, blocks: readonly BlockRecord[]): Promise<void> {
  await store.put(blockMapKey(slot), Buffer.from(JSON.stringify({ blob, blocks })));
}
