/**
 * How one layer block is deflated: the block is read in 64 KiB segments,
 * and a run of segments whose bytes are already compressed (order-0 entropy
 * above STORE_ENTROPY bits per byte: gzip, xz, zstd, JPEG, PNG, jar and
 * wheel members) is written as stored deflate blocks, while every other run
 * is deflated at the level with the 32 KiB of input before it as a preset
 * dictionary. zlib spends as long on incompressible bytes as on text (about
 * 60 MB/s at any level) to save well under 1% of them; storing them costs a
 * copy. The choice depends only on the bytes, so the output is the same on
 * every machine and for any number of worker threads.
 *
 * The body is plain JavaScript in a string, needing only node:zlib, so the
 * worker threads (deflate-pool.ts) run it from compiled dist/ and from
 * TypeScript under vitest alike; `deflateBlock` below runs the same source
 * on this thread.
 */
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';

/** Bytes per segment whose entropy decides stored or deflated. */
export const SEGMENT_BYTES = 64 * 1024;

/**
 * Segments above this many bits per byte are stored, measured on every
 * other byte. Uniformly random 64 KiB segments measure about 7.994 so;
 * compressed formats 7.98 and up;
 * machine code and text 4 to 7. Huffman coding alone could save at most
 * (8 - 7.97) / 8, under 0.4%, of a segment at the threshold.
 */
export const STORE_ENTROPY = 7.97;

/**
 * `(zlib, input, dictionary, level, last) => Buffer`: the raw deflate bytes
 * of `input`, ending on a byte boundary (an empty stored block, as a sync
 * flush ends) unless `last`, when the final block bit is set.
 */
export const DEFLATE_BLOCK_SOURCE = `(function deflateBlock(zlib, input, dictionary, level, last) {
  const SEGMENT = ${SEGMENT_BYTES};
  const STORE_ENTROPY = ${STORE_ENTROPY};
  const WINDOW = 32768;
  const counts = new Uint32Array(256);
  const storedSegment = (from, to) => {
    // Every other byte: half the cost, and still a sample large enough to tell random bytes from the rest.
    counts.fill(0);
    let n = 0;
    for (let i = from; i < to; i += 2, n++) counts[input[i]]++;
    let sum = 0;
    for (let b = 0; b < 256; b++) if (counts[b] !== 0) sum += counts[b] * Math.log2(counts[b]);
    return Math.log2(n) - sum / n > STORE_ENTROPY;
  };
  // Runs of segments of one kind, in order.
  const runs = [];
  for (let at = 0; at < input.length; at += SEGMENT) {
    const to = Math.min(at + SEGMENT, input.length);
    // A short tail segment is too small for its entropy to mean much: it joins the run before it.
    const stored = to - at < 4096 && runs.length > 0 ? runs[runs.length - 1].stored : storedSegment(at, to);
    const prev = runs[runs.length - 1];
    if (prev !== undefined && prev.stored === stored) prev.to = to;
    else runs.push({ from: at, to, stored });
  }
  if (runs.length === 0) runs.push({ from: 0, to: 0, stored: false });
  const out = [];
  runs.forEach((run, k) => {
    const final = last && k === runs.length - 1;
    if (run.stored) {
      // Stored blocks of at most 65535 bytes; the stream is on a byte boundary here, so the 3 header bits fill one byte.
      for (let at = run.from; at < run.to; ) {
        const n = Math.min(65535, run.to - at);
        const head = Buffer.alloc(5);
        head[0] = final && at + n === run.to ? 1 : 0;
        head.writeUInt16LE(n, 1);
        head.writeUInt16LE(n ^ 0xffff, 3);
        out.push(head, input.subarray(at, at + n));
        at += n;
      }
      // Stored blocks end on a byte boundary, as the next run or block needs.
      return;
    }
    const before = run.from === 0 ? dictionary : input.subarray(Math.max(0, run.from - WINDOW), run.from);
    const opts = { level, finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
    if (before && before.length > 0) opts.dictionary = before;
    out.push(zlib.deflateRawSync(input.subarray(run.from, run.to), opts));
  });
  return Buffer.concat(out);
})`;

/**
 * `(crypto, dictionary, input, level, last, zlibVersion) => hex`: the key of
 * a block's deflated bytes (gzip-blocks.ts), everything they depend on:
 * the zlib build, the level, whether the block is final, the dictionary and
 * the input. Run by the workers and, through `blockKey`, on this thread.
 */
export const BLOCK_KEY_SOURCE = `(function blockKey(crypto, dictionary, input, level, last, zlibVersion) {
  const h = crypto.createHash('sha256');
  h.update('gzip-block:v1 zlib ' + zlibVersion + ' level ' + level + ' ' + (last ? 'last' : 'more') + ' dict ' + (dictionary ? dictionary.length : 0) + '\\n');
  if (dictionary) h.update(dictionary);
  return h.update(input).digest('hex');
})`;

type BlockKeyFn = (c: typeof crypto, dictionary: Uint8Array | undefined, input: Uint8Array, level: number, last: boolean, zlibVersion: string) => string;

let compiledKey: BlockKeyFn | undefined;

/** The key of a block's deflated bytes, as the workers compute it. */
export function blockKey(dictionary: Uint8Array | undefined, input: Uint8Array, level: number, last: boolean): string {
  compiledKey ??= (0, eval)(BLOCK_KEY_SOURCE) as BlockKeyFn;
  return compiledKey(crypto, dictionary, input, level, last, process.versions.zlib!);
}

type DeflateBlockFn = (z: typeof zlib, input: Uint8Array, dictionary: Uint8Array | undefined, level: number, last: boolean) => Buffer;

let compiled: DeflateBlockFn | undefined;

/** Runs the block deflater on this thread (what each worker thread runs). */
export function deflateBlock(input: Uint8Array, dictionary: Uint8Array | undefined, level: number, last: boolean): Buffer {
  // The one source is evaluated here as in the workers, so the two can never differ.
  compiled ??= (0, eval)(DEFLATE_BLOCK_SOURCE) as DeflateBlockFn;
  return compiled(zlib, input, dictionary, level, last);
}
