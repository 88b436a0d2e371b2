/**
 * Streams a layer's uncompressed tar: entries in the order given (callers
 * pass tree order, raw path bytes), each header then its data and padding,
 * then the two end blocks with no padding to a 10 KiB record (as Go's tar
 * writer does). Small pieces are coalesced so the compressor sees few writes;
 * large file contents pass through without a copy.
 */
import { END_OF_ARCHIVE, encodeHeader, padding } from '../tar/write';
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
    const data = node.type === 'file' ? (node.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    push(encodeHeader(headerOf(path, node, names)));
    if (data.length >= COALESCE) {
      yield flush();
      yield data;
    } else if (data.length > 0) {
      push(data);
    }
    if (data.length > 0) push(padding(data.length));
    if (pendingSize >= COALESCE) yield flush();
  }
  push(END_OF_ARCHIVE);
  yield flush();
}
