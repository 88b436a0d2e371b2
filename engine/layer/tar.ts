/**
 * Streams a layer's uncompressed tar: entries in the order given (callers
 * pass tree order, raw path bytes), each header then its data and padding,
 * then the two end blocks with no padding to a 10 KiB record (as Go's tar
 * writer does). Small pieces are coalesced so the compressor sees few writes;
 * large file contents pass through without a copy.
 */
import { END_OF_ARCHIVE, encodeHeader, padding } from '../tar/write';
import { nodeChunks, nodeSize } from '../rootfs/tree';
import { headerOf } from './header';
import type { LayerEntry, OwnerNames } from './types';

const COALESCE = 64 * 1024;

/** The tar bytes of `entries`, as a sequence of chunks. */
export function* tarChunks(entries: Iterable<LayerEntry>, names: OwnerNames): Generator<Buffer> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  const flush = (): Buffer => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingSize);
    pending = [];
    pendingSize = 0;
    return out;
  };
  const push = (b: Buffer): void => {
    pending.push(b);
    pendingSize += b.length;
  };
  for (const [path, node] of entries) {
    const size = node.type === 'file' ? nodeSize(node) : 0;
    push(encodeHeader(headerOf(path, node, names)));
    if (size >= COALESCE) {
      yield flush();
      // Spooled content is read back a chunk at a time, never whole.
      yield* nodeChunks(node);
    } else if (size > 0) {
      for (const chunk of nodeChunks(node)) push(chunk);
    }
    if (size > 0) push(padding(size));
    if (pendingSize >= COALESCE) yield flush();
  }
  push(END_OF_ARCHIVE);
  yield flush();
}
