/**
 * How a layer is gzipped. A tar of at most two blocks (2 MiB) is deflated
 * as one stream on this thread, the bytes layers always had; a larger one is
 * cut into blocks deflated on worker threads (gzip-blocks.ts). Which of the
 * two applies depends only on the tar's length, so a layer's digest never
 * depends on the machine, the worker count or timing.
 */
import { availableParallelism } from 'node:os';
import { COMPRESS_DEFAULTS } from '../defaults';
import { ConfigError } from '../errors';
import { gzip } from './gzip';
import { GZIP_BLOCK_SIZE, gzipBlocks, type BlockRecord, type BlockReuse } from './gzip-blocks';

/** A tar longer than this is compressed in parallel blocks. */
export const PARALLEL_GZIP_MIN_BYTES = 2 * GZIP_BLOCK_SIZE;

/** The worker count the environment asks for, else min(available parallelism, 4). */
export function compressWorkersFrom(env: Readonly<Record<string, string | undefined>>): number {
  const name = COMPRESS_DEFAULTS.workersEnv;
  const given = env[name]?.trim();
  if (given === undefined || given === '') return Math.min(availableParallelism(), COMPRESS_DEFAULTS.maxDefaultWorkers);
  if (!/^[1-9][0-9]{0,2}$/.test(given)) {
    throw new ConfigError(`${name}="${given}" is not a worker count`, { path: name, hint: `set ${name} to a whole number from 1 to 999, or unset it for the default` });
  }
  return Number(given);
}

/** How a layer is gzipped: the worker count, and for a large tar the blocks a caller holds from an earlier build and wants to hear of. */
export interface GzipLayerOptions {
  readonly workers?: number;
  readonly reuse?: BlockReuse;
  readonly onBlocks?: (blocks: readonly BlockRecord[]) => void;
}

/** gzips a layer's tar: one stream when small, parallel blocks when large. */
export async function* gzipLayer(src: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, opts: GzipLayerOptions = {}): AsyncGenerator<Buffer> {
  const it = (async function* () {
    yield* src;
  })();
  try {
    const head: Uint8Array[] = [];
    let length = 0;
    while (length <= PARALLEL_GZIP_MIN_BYTES) {
      const next = await it.next();
      if (next.done === true) {
        yield* gzip(head);
        return;
      }
      head.push(next.value);
      length += next.value.length;
    }
    async function* whole(): AsyncGenerator<Uint8Array> {
      yield* head;
      for (let next = await it.next(); next.done !== true; next = await it.next()) yield next.value;
    }
    yield* gzipBlocks(whole(), {
      workers: opts.workers ?? compressWorkersFrom(process.env),
      ...(opts.reuse ? { reuse: opts.reuse } : {}),
      ...(opts.onBlocks ? { onBlocks: opts.onBlocks } : {}),
    });
  } finally {
    await it.return(undefined);
  }
}
