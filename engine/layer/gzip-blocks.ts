/**
 * gzip in independent blocks, deflated in parallel (the pigz scheme): the
 * input is cut into fixed 1 MiB blocks, each deflated alone at the pinned
 * level with the 32 KiB of input before it as a preset dictionary, every
 * block but the last ending on a byte boundary (sync flush), the last one
 * final. The blocks are joined into ONE gzip member (one header, the CRC-32
 * of the whole input combined from the blocks', ISIZE). Each block's bytes
 * depend only on the input, so the output is the same for any number of
 * worker threads, on any machine, in any timing.
 */
import { GZIP_HEADER, GZIP_LEVEL } from './gzip';
import { crc32Combine } from './crc32-combine';
import { deflateInWorker, type DeflatedBlock } from './deflate-pool';

/** Input bytes per block; fixed, so the bytes never depend on the worker count. */
export const GZIP_BLOCK_SIZE = 1024 * 1024;

/** Deflate's window: how much earlier input a block may refer to. */
const WINDOW = 32 * 1024;

async function* blocksOf(src: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  // Each full block owns its buffer, so it can be transferred to a worker without a copy.
  let block = Buffer.allocUnsafeSlow(GZIP_BLOCK_SIZE);
  let filled = 0;
  for await (const chunk of src) {
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(chunk.length - at, GZIP_BLOCK_SIZE - filled);
      block.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === GZIP_BLOCK_SIZE) {
        yield block;
        block = Buffer.allocUnsafeSlow(GZIP_BLOCK_SIZE);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield block.subarray(0, filled);
}

/** Compresses a byte sequence into one gzip member, its blocks deflated on `workers` threads. */
export async function* gzipBlocks(src: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, opts: { workers: number }): AsyncGenerator<Buffer> {
  const inFlight: Array<{ length: number; done: Promise<DeflatedBlock> }> = [];
  let dictionary: Buffer | undefined;
  const send = (block: Buffer, last: boolean) => {
    const length = block.length;
    // Every block but the last is full, so its tail is a whole window; copied before the block is transferred.
    const next = length >= WINDOW ? Buffer.from(block.subarray(length - WINDOW)) : undefined;
    const done = deflateInWorker({ input: block, dictionary, level: GZIP_LEVEL, last }, opts.workers);
    // Awaited in order below; a block failing while an earlier one is awaited must not go unhandled.
    done.catch(() => {});
    inFlight.push({ length, done });
    dictionary = next;
  };
  let crc = 0;
  let isize = 0;
  async function* take(): AsyncGenerator<Buffer> {
    const { length, done } = inFlight.shift()!;
    const block = await done;
    crc = crc32Combine(crc, block.crc, length);
    isize = (isize + length) % 0x100000000;
    yield block.data;
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
}
