/**
 * Builds one layer from entries: the tar is streamed, hashed for the diff_id
 * as it goes, gzipped (in parallel blocks when large, gzip-layer.ts), hashed
 * again for the digest, and kept in memory, spooled to
 * `<spoolDir>/<hex>.tar.gz`, or streamed by the caller (`layerStream`, which
 * the layer cache writes straight into the store). The Layer value exists
 * only once both digests are known.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../digest';
import { writeFileSynced } from '../fs/atomic';
import type { BlockRecord, BlockReuse } from './gzip-blocks';
import { gzipLayer } from './gzip-layer';
import { BufferLayer, FileLayer, type LayerDigests } from './stored';
import { tarChunks } from './tar';
import { NO_NAMES, type Layer, type LayerEntry, type OwnerNames } from './types';

/** How to build a layer. */
export interface BuildLayerOptions {
  /** uname/gname per id; default none (empty names). */
  readonly names?: OwnerNames;
  /** Directory to spool the compressed bytes to; default: held in memory. */
  readonly spoolDir?: string;
  /** Worker threads for a large layer's blocks; default: APKO_NX_COMPRESS_WORKERS, else min(parallelism, 4). The bytes do not depend on it. */
  readonly workers?: number;
  /** Deflated blocks of an earlier build of this layer, taken instead of deflating them again (the bytes do not depend on it). */
  readonly reuse?: BlockReuse;
  /** Told the blocks of a large layer once it is written, for a later build's `reuse`. */
  readonly onBlocks?: (blocks: readonly BlockRecord[]) => void;
}

async function* tap(src: AsyncIterable<Buffer> | Iterable<Buffer>, onChunk: (b: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of src) {
    onChunk(chunk);
    yield chunk;
  }
}

/** A layer's compressed bytes as a stream, and its digests once the stream has ended. */
export interface LayerStream {
  readonly blob: AsyncGenerator<Buffer>;
  /** Only after `blob` has been read to its end. */
  facts(): LayerDigests;
}

/** Streams `entries` into a deterministic tar and gzips it, hashing both as they pass. */
export function layerStream(entries: Iterable<LayerEntry>, opts: Omit<BuildLayerOptions, 'spoolDir'> = {}): LayerStream {
  const diffHash = createHash('sha256');
  const blobHash = createHash('sha256');
  let size = 0;
  let ended = false;
  const tar = tap(tarChunks(entries, opts.names ?? NO_NAMES), (c) => diffHash.update(c));
  const gzipped = tap(gzipLayer(tar, { workers: opts.workers, ...(opts.reuse ? { reuse: opts.reuse } : {}), ...(opts.onBlocks ? { onBlocks: opts.onBlocks } : {}) }), (c) => {
    blobHash.update(c);
    size += c.length;
  });
  async function* blob(): AsyncGenerator<Buffer> {
    yield* gzipped;
    ended = true;
  }
  let facts: LayerDigests | undefined;
  return {
    blob: blob(),
    facts: () => {
      if (!ended) throw new Error('a layer\'s digests were asked for before its bytes were all written');
      facts ??= { diffId: `sha256:${diffHash.digest('hex')}` as Digest, digest: `sha256:${blobHash.digest('hex')}` as Digest, size };
      return facts;
    },
  };
}

/** Streams `entries` into a deterministic tar, gzips it, and returns the finished layer (a file when spooled). */
export async function buildLayer(entries: Iterable<LayerEntry>, opts: BuildLayerOptions & { spoolDir: string }): Promise<FileLayer>;
export async function buildLayer(entries: Iterable<LayerEntry>, opts?: BuildLayerOptions): Promise<Layer>;
export async function buildLayer(entries: Iterable<LayerEntry>, opts: BuildLayerOptions = {}): Promise<Layer> {
  const { blob, facts } = layerStream(entries, opts);
  if (opts.spoolDir === undefined) {
    const chunks: Buffer[] = [];
    for await (const chunk of blob) chunks.push(chunk);
    return new BufferLayer(facts(), chunks);
  }

  await fsp.mkdir(opts.spoolDir, { recursive: true });
  const tmp = join(opts.spoolDir, `.layer-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await writeFileSynced(tmp, blob);
    const done = facts();
    // Named by content, so a rename over an identical earlier spool is harmless.
    const path = join(opts.spoolDir, `${done.digest.slice('sha256:'.length)}.tar.gz`);
    await fsp.rename(tmp, path);
    return new FileLayer(done, path, { checked: true });
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}
