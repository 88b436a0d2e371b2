/**
 * gzip in independent blocks, deflated in parallel (the pigz scheme): the
 * input is cut into blocks, each deflated alone at the pinned level with the
 * 32 KiB of input before it as a preset dictionary, every block but the last
 * ending on a byte boundary, the last one final. The blocks are joined into
 * ONE gzip member (one header, the CRC-32 of the whole input combined from
 * the blocks', ISIZE). Each block's bytes depend only on the input, so the
 * output is the same for any number of worker threads, on any machine, in
 * any timing.
 *
 * Blocks are cut where the content says (a rolling hash over the last 32
 * bytes, between BLOCK_MIN and BLOCK_MAX bytes), not at fixed offsets: a
 * change in one file then moves only the cuts near it, and every block
 * before and after it has the same bytes and the same dictionary as in the
 * layer built before. Such a block is not deflated again: the caller's
 * `reuse` says which blocks it already holds (by `blockKey`), the worker
 * names the key of each block it is given, and a known block's deflated
 * bytes are taken from where the caller keeps them.
 */
import { createHash } from 'node:crypto';
import { GZIP_HEADER, GZIP_LEVEL } from './gzip';
import { crc32Combine } from './crc32-combine';
import { deflateInWorker, type DeflatedBlock } from './deflate-pool';

/** The average block length the cuts aim at; a tar of at most two of these is one stream (gzip-layer.ts). */
export const GZIP_BLOCK_SIZE = 1024 * 1024;

/** No cut before this many bytes of a block. */
export const BLOCK_MIN = 896 * 1024;

/** A block ends here at the latest. */
export const BLOCK_MAX = 2 * 1024 * 1024;

/** A cut where the top 17 bits of the rolling hash are zero: one in 128 KiB past BLOCK_MIN, on average (only those bytes are hashed). */
const CUT_SHIFT = 15;

/** Deflate's window: how much earlier input a block may refer to. */
const WINDOW = 32 * 1024;

/** The rolling hash's table: 256 fixed pseudo-random 32-bit values (from sha256 of the byte), the same everywhere. */
const GEAR = (() => {
  const t = new Uint32Array(256);
  for (let b = 0; b < 256; b++) t[b] = createHash('sha256').update(`apko-nx gear ${b}`).digest().readUInt32LE(0);
  return t;
})();

/** The rolling hash between calls: a plain object, so the scan below keeps its locals in registers. */
interface CutState {
  h: number;
}

/**
 * How many of `chunk[at..at+n)` belong to the block that holds `filled`
 * bytes so far: the count up to and including the cut byte, or -1 when no
 * cut falls in them. A block ends after the byte where the rolling hash's
 * top bits are zero, at least BLOCK_MIN bytes in. The hash only looks back
 * 32 bytes (each step shifts the oldest byte out), so it starts 32 bytes
 * before BLOCK_MIN and a cut depends only on the bytes around it.
 */
function findCut(chunk: Uint8Array, at: number, n: number, filled: number, state: CutState): number {
  let h = state.h;
  const offset = at - filled;
  for (let p = Math.max(filled, BLOCK_MIN - 32), end = filled + n; p < end; p++) {
    h = ((h << 1) + GEAR[chunk[offset + p]!]!) >>> 0;
    if (p + 1 >= BLOCK_MIN && h >>> CUT_SHIFT === 0) {
      state.h = h;
      return p + 1 - filled;
    }
  }
  state.h = h;
  return -1;
}

/** Cuts the input into content-defined blocks of at most BLOCK_MAX bytes; each yielded block owns its buffer. */
async function* blocksOf(src: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let block = Buffer.allocUnsafeSlow(BLOCK_MAX);
  let filled = 0;
  const state: CutState = { h: 0 };
  for await (const chunk of src) {
    for (let at = 0; at < chunk.length; ) {
      const room = Math.min(BLOCK_MAX - filled, chunk.length - at);
      const cut = findCut(chunk, at, room, filled, state);
      const n = cut >= 0 ? cut : room;
      block.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (cut >= 0 || filled === BLOCK_MAX) {
        yield filled === BLOCK_MAX ? block : Buffer.from(block.subarray(0, filled));
        if (filled === BLOCK_MAX) block = Buffer.allocUnsafeSlow(BLOCK_MAX);
        filled = 0;
        state.h = 0;
      }
    }
  }
  if (filled > 0) yield Buffer.from(block.subarray(0, filled));
}

/** One block as it went into the output: its key, its input length and CRC, and where its deflated bytes lie. */
export interface BlockRecord {
  readonly key: string;
  readonly inputLength: number;
  readonly crc: number;
  /** Offset of its deflated bytes in the gzip output (after the 10-byte header). */
  readonly offset: number;
  readonly length: number;
  /** Hex sha256 of its deflated bytes, checked when they are taken again. */
  readonly sha256: string;
}

/** Blocks a caller already holds deflated, by key. */
export interface BlockReuse {
  readonly keys: ReadonlySet<string>;
  /** The deflated bytes of a known block and their sha256, or undefined when they cannot be had (the caller checked them). */
  read(key: string): Promise<{ readonly data: Buffer; readonly sha256: string } | undefined>;
}

/** Options of `gzipBlocks`. */
export interface GzipBlocksOptions {
  readonly workers: number;
  readonly reuse?: BlockReuse;
  /** Called with every block of the output, in order, once the stream has ended. */
  readonly onBlocks?: (blocks: readonly BlockRecord[]) => void;
}

/**
 * The known keys as the workers look them up: 32-byte digests one after
 * another in one shared buffer, so each block's job carries a view of it
 * rather than a copy of every key.
 */
function sharedKeys(keys: ReadonlySet<string>): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(keys.size * 32));
  let at = 0;
  for (const k of keys) at += Buffer.from(k, 'hex').copy(out, at);
  return out;
}

/** How many blocks were taken from a reuse source instead of deflated, in this process (for tests that count work). */
export const reusedBlocks = { count: 0 };

/** Compresses a byte sequence into one gzip member, its blocks deflated on `workers` threads. */
export async function* gzipBlocks(src: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, opts: GzipBlocksOptions): AsyncGenerator<Buffer> {
  const inFlight: Array<{ length: number; done: Promise<DeflatedBlock>; dictionary?: Buffer; input?: Buffer; last: boolean }> = [];
  const known = opts.reuse?.keys.size ? sharedKeys(opts.reuse.keys) : undefined;
  let dictionary: Buffer | undefined;
  const send = (block: Buffer, last: boolean) => {
    const length = block.length;
    // Copied before the block is transferred: the next block's dictionary.
    const next = length >= WINDOW ? Buffer.from(block.subarray(length - WINDOW)) : undefined;
    // A block the reuse source may hold is kept here until the worker says whether it was known.
    const keep = known !== undefined ? { dictionary, input: Buffer.from(block) } : {};
    const done = deflateInWorker({ input: block, dictionary, level: GZIP_LEVEL, last, ...(known ? { known } : {}) }, opts.workers);
    // Awaited in order below; a block failing while an earlier one is awaited must not go unhandled.
    done.catch(() => {});
    inFlight.push({ length, done, last, ...keep });
    dictionary = next;
  };
  let crc = 0;
  let isize = 0;
  let offset = GZIP_HEADER.length;
  const records: BlockRecord[] = [];
  async function* take(): AsyncGenerator<Buffer> {
    const sent = inFlight.shift()!;
    let block = await sent.done;
    if (block.data === undefined) {
      // The worker found the block known: its deflated bytes come from the reuse source, else it is deflated now.
      const stored = await opts.reuse!.read(block.key);
      if (stored !== undefined) reusedBlocks.count++;
      block = stored !== undefined ? { ...block, data: stored.data, sha256: stored.sha256 } : await deflateInWorker({ input: sent.input!, dictionary: sent.dictionary, level: GZIP_LEVEL, last: sent.last }, opts.workers);
    }
    const data = block.data!;
    crc = crc32Combine(crc, block.crc, sent.length);
    isize = (isize + sent.length) % 0x100000000;
    records.push({ key: block.key, inputLength: sent.length, crc: block.crc, offset, length: data.length, sha256: block.sha256! });
    offset += data.length;
    yield data;
  }

  yield GZIP_HEADER;
  // Two blocks per worker in flight: no worker waits on the main thread, and memory stays bounded.
  const depth = 2 * opts.workers;
  // One block is held back until the next arrives, as only the last block is final.
  let held: Buffer | undefined;
  for await (const block of blocksOf(src)) {
    if (held !== undefined) {
      send(held, false);
      while (inFlight.length > depth) yield* take();
    }
    held = block;
  }
  send(held ?? Buffer.alloc(0), true);
  while (inFlight.length > 0) yield* take();
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE(isize, 4);
  yield trailer;
  opts.onBlocks?.(records);
}
