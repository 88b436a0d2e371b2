/**
 * Every key the store holds is made here. A key starts with its kind and a
 * format version (`apk:v1:…`); bump the version whenever what a key covers or
 * how its bytes are interpreted changes, so old entries are simply never read
 * again. Cache rules are in CACHE.md beside this file.
 */
import { parseApkChecksum } from '../digest';
import { withoutCredentials } from '../redact';

/** The format version every key carries. */
export const STORE_KEY_VERSION = 'v1';

/** A package's bytes, addressed by the index checksum `C:Q1…` (sha1 of its control member). */
export function apkKey(checksum: string): string {
  return `apk:${STORE_KEY_VERSION}:${parseApkChecksum(checksum)}`;
}

// Keys are written to disk in the cache's index files, so credentials never
// enter one; the same repository fetched with other credentials is the same content.

/** The last APKINDEX.tar.gz fetched from `url`, with its ETag in the entry's metadata. */
export function indexKey(url: string): string {
  return `index:${STORE_KEY_VERSION}:${withoutCredentials(url)}`;
}

/** A public key fetched from `url` for the keyring. */
export function keyringKey(url: string): string {
  return `key:${STORE_KEY_VERSION}:${withoutCredentials(url)}`;
}

/** A key discovery document fetched from `url`: releases.json, apk-configuration, a JWKS or a discovered key. */
export function discoveryKey(url: string): string {
  return `discovery:${STORE_KEY_VERSION}:${withoutCredentials(url)}`;
}

/**
 * A parsed repository index in the compact form of engine/apk/index-compact.ts,
 * addressed by the hex sha256 of the APKINDEX.tar.gz bytes it was parsed from.
 * The key holds no keyring: the signatures of those bytes are checked on
 * every load, cached entry or not. v1: rows of COMPACT_INDEX_VERSION 1 (the
 * document carries its own version too, so a mismatch is a miss).
 */
export function parsedIndexKey(indexSha256Hex: string): string {
  return `parsed-index:v1:${indexSha256Hex}`;
}

/** A built layer's gzip bytes, addressed by the digest of its entries' content and names (see engine/build/layer-cache.ts). v2: directory names lose their trailing `/`, as apko writes them; v3: a tar over 2 MiB is gzipped in parallel blocks (engine/layer/gzip-layer.ts); v4: the entry holds only the digests, the bytes are the `blob:` of the layer's digest (engine/cache/stored-layer.ts); v5: level 4, already-compressed segments stored (engine/layer/deflate-block.ts); v6: blocks cut where the content says (engine/layer/gzip-blocks.ts). */
export function layerKey(contentDigest: string): string {
  return `layer:v6:${contentDigest}`;
}

/**
 * A built image's manifest of blobs and SBOMs, addressed by the digest of
 * everything that decides its bytes. The version moves whenever the engine
 * lays out the same inputs differently (v2: origin layering as apko's, with
 * SBOM artifact types in the record; v3: directory names without `/`; v4:
 * origin layering puts every directory in the top layer; v5: a layer over
 * 2 MiB is gzipped in parallel blocks; v6: keyed before packages are read,
 * by the given build date rather than the derived one, with the build date and
 * privileged files in the record; v7: layers at level 4 with already-compressed
 * segments stored; v8: content-defined layer blocks), so an older record is
 * never re-emitted.
 */
export function imageKey(inputsDigest: string): string {
  return `image:v8:${inputsDigest}`;
}

/** A blob (config, manifest, index or layer) of a stored image or layer, by its OCI digest. */
export function blobKey(digest: string): string {
  return `blob:${STORE_KEY_VERSION}:${digest}`;
}

/** The repositories of `registry` that earlier pushes completed, most recent first (blob mount sources). */
export function pushedKey(registry: string): string {
  return `pushed:${STORE_KEY_VERSION}:${registry}`;
}

/**
 * The provisional key of content streamed in before its name is known
 * (Store.putStreamNamed); removed once the content is filed under its name.
 * One left behind by a killed run names content nothing reads.
 */
export function pendingKey(id: string): string {
  return `pending:${id}`;
}

/**
 * The deflated blocks of the last layer built in a layer slot (the hex
 * sha256 of its arch and package names, engine/cache/block-map.ts): the
 * layer's blob digest and each block's key, offset, length, CRC and sha256.
 */
export function blockMapKey(slot: string): string {
  return `gzip-blocks:v1:${slot}`;
}
