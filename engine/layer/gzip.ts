/**
 * gzip for layers: one implementation (Node's zlib deflate) at one pinned
 * level, framed by hand so no host fact enters the bytes. zlib's own gzip
 * header writes an OS byte that depends on the platform it was compiled for;
 * ours is fixed: no name, MTIME 0, XFL 0, OS 255 ("unknown", as pgzip in apko
 * writes). apko's compressed bytes (klauspost deflate) cannot be reproduced;
 * its diff_ids (the tar bytes) can, and the layer cache is keyed by them.
 */
import { Readable, pipeline } from 'node:stream';
import { createDeflateRaw, crc32 } from 'node:zlib';

/**
 * The deflate level every layer is compressed at. On the 300 MiB benchmark
 * layer (a third each text, machine code and already-compressed data, the
 * last stored, see deflate-block.ts) Node's zlib took 7.5, 5.4, 3.7 and 3.5 s
 * of CPU at levels 6, 5, 4 and 3 for 171.3, 171.9, 173.6 and 175.5 MiB: 4 is
 * the last step that buys real speed for little size (level 5 costs 47% more
 * CPU for 1% less), and is still smaller than apko's 175 MiB for the same
 * layer.
 */
export const GZIP_LEVEL = 4;

/** The gzip member header every layer starts with. */
export const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

/** Compresses a byte sequence into one gzip member, streaming. */
export async function* gzip(src: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let crc = 0;
  let isize = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of src) {
      crc = crc32(chunk, crc);
      isize = (isize + chunk.length) % 0x100000000;
      yield chunk;
    }
  }
  yield GZIP_HEADER;
  // pipeline destroys the deflate stream with the source's error, so iteration rethrows it.
  const deflated = pipeline(Readable.from(counted()), createDeflateRaw({ level: GZIP_LEVEL }), () => {});
  for await (const chunk of deflated) yield chunk as Buffer;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(isize, 4);
  yield trailer;
}
