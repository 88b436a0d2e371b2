/**
 * What the layer stage hands to `oci`: a built layer whose digests are known
 * before it exists as a value (no "not computed yet" state), and the entry
 * shape layers are made from (a tree path with its node).
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../digest';
import type { TreeNode } from '../rootfs/tree';

/** Media type of a gzip-compressed tar layer (apko writes OCI media types only). */
export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** Media types a layer may carry. */
export type LayerMediaType = typeof LAYER_MEDIA_TYPE;

/** A built, compressed layer. */
export interface Layer {
  /** sha256 of the compressed (gzip) bytes: the blob's name. */
  readonly digest: Digest;
  /** sha256 of the uncompressed tar: the config's `rootfs.diff_ids` entry. */
  readonly diffId: Digest;
  /** Size of the compressed bytes. */
  readonly size: number;
  /** What this engine builds is always LAYER_MEDIA_TYPE; a base image's layers keep theirs. */
  readonly mediaType: LayerMediaType | (string & {});
  /** A fresh stream of the compressed bytes on every call. */
  open(): Readable;
  /**
   * A file holding exactly these bytes, already hashed to `digest` in this
   * process (as it was written, or when taken from the store): a sink may
   * copy it without reading it again.
   */
  readonly checkedFile?: string;
}

/** One tar entry to write: a path in tree form (no leading `/`) and its node. */
export type LayerEntry = readonly [path: string, node: TreeNode];

/** uid → user name and gid → group name, for the tar headers' uname/gname. */
export interface OwnerNames {
  readonly users: ReadonlyMap<number, string>;
  readonly groups: ReadonlyMap<number, string>;
}

/** No names: uname and gname stay empty. */
export const NO_NAMES: OwnerNames = { users: new Map(), groups: new Map() };
