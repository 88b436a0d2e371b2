/**
 * How large files (layers, blobs, spools) are read as streams: in 1 MiB
 * pieces, not node's default 64 KiB, so copying or hashing a layer of
 * hundreds of MiB takes hundreds of reads and awaits, not thousands.
 */
import { createReadStream, type ReadStream } from 'node:fs';

/** Bytes per read of a large file. */
export const FILE_READ_CHUNK = 1 << 20;

/** A read stream over `path` in FILE_READ_CHUNK pieces. */
export function fileReadStream(path: string): ReadStream {
  return createReadStream(path, { highWaterMark: FILE_READ_CHUNK });
}
