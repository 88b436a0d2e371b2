/**
 * How large files (layers, blobs, spools) are read as streams: in 1 MiB
 * pieces, not node's default 64 KiB, so copying or hashing a layer of
 * hundreds of MiB takes hundreds of reads and awaits, not thousands.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import type { Digest } from '../digest';

/** Bytes per read of a large file. */
export const FILE_READ_CHUNK = 1 << 20;

/** A read stream over `path` in FILE_READ_CHUNK pieces. */
export function fileReadStream(path: string): ReadStream {
  return createReadStream(path, { highWaterMark: FILE_READ_CHUNK });
}

/**
 * The OCI digest of a file's bytes, read as a stream (never whole into
 * memory). Here rather than in digest.ts, which the CLI loads at start-up
 * and keeps free of file reading.
 */
export async function sha256DigestOfFile(path: string): Promise<Digest> {
  const h = createHash('sha256');
  for await (const chunk of fileReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}` as Digest;
}
