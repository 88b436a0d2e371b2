/**
 * Layers whose compressed bytes are already stored, so every fact about them
 * is known: held in memory, or spooled to a file named by its digest.
 */
import { Readable } from 'node:stream';
import type { Digest } from '../digest';
import { LAYER_MEDIA_TYPE, type Layer } from './types';
import { fileReadStream } from '../fs/read-stream';

/** Digest facts shared by every stored layer. */
export interface LayerDigests {
  readonly digest: Digest;
  readonly diffId: Digest;
  readonly size: number;
}

/** A layer held as buffers in memory. */
export class BufferLayer implements Layer {
  readonly mediaType = LAYER_MEDIA_TYPE;
  readonly digest: Digest;
  readonly diffId: Digest;
  readonly size: number;
  private readonly chunks: readonly Buffer[];

  constructor(facts: LayerDigests, chunks: readonly Buffer[]) {
    this.digest = facts.digest;
    this.diffId = facts.diffId;
    this.size = facts.size;
    this.chunks = chunks;
  }

  /** A stream over the held buffers. */
  open(): Readable {
    return Readable.from(this.chunks, { objectMode: false });
  }
}

/** A layer spooled to a file; the file must outlive the layer's use. */
export class FileLayer implements Layer {
  readonly mediaType = LAYER_MEDIA_TYPE;
  readonly digest: Digest;
  readonly diffId: Digest;
  readonly size: number;
  /** Where the compressed bytes are. */
  readonly path: string;
  readonly checkedFile?: string;

  /** `checked`: the file's bytes were hashed to `facts.digest` in this process (see Layer.checkedFile). */
  constructor(facts: LayerDigests, path: string, opts: { checked?: boolean } = {}) {
    this.digest = facts.digest;
    this.diffId = facts.diffId;
    this.size = facts.size;
    this.path = path;
    if (opts.checked === true) this.checkedFile = path;
  }

  /** A stream over the spool file. */
  open(): Readable {
    return fileReadStream(this.path);
  }
}
