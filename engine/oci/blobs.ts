/**
 * The blobs of an image index, once each (layers shared between platforms
 * are written once), in a fixed order: per image in index order its layers,
 * config and manifest; then the index itself. Output writers iterate this.
 */
import { Readable } from 'node:stream';
import type { Digest } from '../digest';
import type { ImageIndex } from './image-index';

/** A blob to write: its facts and a way to read it. */
export interface BlobSource {
  readonly digest: Digest;
  readonly size: number;
  readonly mediaType: string;
  /** A fresh stream of the blob's bytes. */
  open(): Readable;
  /** A file already hashed to `digest` in this process (Layer.checkedFile): copied, not read. */
  readonly checkedFile?: string;
}

/** The path of a blob inside a layout or archive: `blobs/sha256/<hex>`. */
export function blobPath(digest: Digest): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

/** Every blob `index` needs, deduplicated by digest. */
export function indexBlobs(index: ImageIndex): BlobSource[] {
  const out = new Map<string, BlobSource>();
  const add = (b: BlobSource) => {
    if (!out.has(b.digest)) out.set(b.digest, b);
  };
  const json = (b: { digest: Digest; size: number; mediaType: string; bytes: Buffer }): BlobSource => ({
    digest: b.digest,
    size: b.size,
    mediaType: b.mediaType,
    open: () => Readable.from([b.bytes], { objectMode: false }),
  });
  for (const img of index.images) {
    for (const layer of img.layers) add(layer);
    add(json(img.config));
    add(json(img.manifest));
  }
  add(json(index.manifest));
  return [...out.values()];
}
