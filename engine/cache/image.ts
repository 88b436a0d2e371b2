/**
 * Whole images reused from the store. The key covers everything that decides
 * an image's bytes and its SBOMs: the engine version, the normalized config,
 * the tag, the architectures, every package's checksum in install order, the
 * keys, the build date and the SBOM formats asked for. A hit re-emits the
 * stored index, manifests, configs, layers and SBOMs without installing,
 * tarring or compressing anything.
 *
 * A record is used only when it is the one stored for its key (it carries
 * the key) and every blob it names hashes to its digest; anything else (a
 * record copied from another key, a blob altered or cut short, a record
 * that is not JSON) is a miss, and the image is built again.
 */
import { createHash } from 'node:crypto';
import type { Arch, LoadedConfig } from '../config';
import { BUILD_DEFAULTS } from '../defaults';
import { parseDigest, type Digest } from '../digest';
import type { PrivilegedFile } from '../rootfs';
import { hasBlob, storedLayer } from './stored-layer';
import { platformForArch, type Image, type ImageIndex, type JsonBlob } from '../oci';
import { blobKey, imageKey, type Store } from '../store';
import { compareEntryKeys } from '../order';
import { withoutCredentials } from '../redact';
import { toolVersion } from '../tool-version';

/** One SBOM document and the manifest it describes. */
export interface SbomDoc {
  /** File name, e.g. `sbom-x86_64.spdx.json`. */
  readonly name: string;
  readonly text: string;
  readonly subject: Digest;
  /** The OCI artifact type publish gives its referrer, from the document's format. */
  readonly artifactType: string;
}


/** What the store keeps for an image, besides the blobs themselves. */
interface ImageRecord {
  /** The key the record was stored under; a record under another key is not this image. */
  readonly key?: string;
  readonly index: { readonly mediaType: string; readonly digest: string };
  readonly images: ReadonlyArray<{
    readonly arch: string;
    readonly packages: number;
    readonly manifest: { readonly mediaType: string; readonly digest: string };
    readonly config: { readonly mediaType: string; readonly digest: string };
    readonly layers: ReadonlyArray<{ readonly digest: string; readonly diffId: string }>;
    readonly privileged: readonly PrivilegedFile[];
  }>;
  readonly sboms: readonly SbomDoc[];
  /** The build date the image was made with (derived from its packages unless given). */
  readonly buildDate: number;
}

/** What a build learns from its packages that a reused image must still report. */
export interface StoredImageFacts {
  readonly arch: string;
  readonly packages: number;
  readonly privileged: readonly PrivilegedFile[];
}

/** A stored image, ready to re-emit. */
export interface StoredImage {
  readonly index: ImageIndex;
  readonly sboms: readonly SbomDoc[];
  readonly buildDate: number;
  /** Per image of the index, in its order. */
  readonly facts: readonly StoredImageFacts[];
}

/**
 * The config as the key sees it: the credentials in repository and key URLs
 * decide who may fetch, not what the image holds (none reach it), so they
 * stay out of the key; other configs key exactly as before.
 */
function withoutFetchCredentials(config: LoadedConfig['config']): LoadedConfig['config'] {
  const c = config.contents;
  const strip = (l: readonly string[]) => l.map(withoutCredentials);
  return {
    ...config,
    contents: {
      ...c,
      buildRepositories: strip(c.buildRepositories),
      runtimeRepositories: strip(c.runtimeRepositories),
      repositories: strip(c.repositories),
      keyring: strip(c.keyring),
    },
  };
}

/**
 * The key of an image: a digest over every input that decides its bytes and
 * its SBOMs. `sbomFormats` is kept in the order asked, since that is the
 * order the documents are stored and re-emitted in.
 */
export function imageInputsDigest(
  loaded: LoadedConfig,
  b: { tag: string; archs: ReadonlyArray<{ readonly arch: string; readonly checksums: readonly string[] }>; keyring: ReadonlyMap<string, string>; sbomFormats?: readonly string[] },
): string {
  const keys = [...b.keyring.entries()].sort(compareEntryKeys);
  const inputs = {
    engine: toolVersion(),
    config: withoutFetchCredentials(loaded.config),
    tag: b.tag,
    archs: b.archs.map((a) => ({ arch: a.arch, packages: a.checksums })),
    keys,
    // The build date is these and the packages' own build times, which their checksums fix.
    buildDate: { given: loaded.buildDate ?? null, sourceDateEpoch: loaded.sourceDateEpochSet },
    sbomFormats: b.sbomFormats ?? BUILD_DEFAULTS.sbomFormats,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** The stored bytes of the blob `digest`, when they hash to it. */
async function blobBytes(store: Store, digest: string): Promise<Buffer | undefined> {
  const e = await store.get(blobKey(digest));
  if (e === undefined) return undefined;
  return `sha256:${createHash('sha256').update(e.data).digest('hex')}` === digest ? e.data : undefined;
}

async function blob(store: Store, mediaType: string, digest: string): Promise<JsonBlob | undefined> {
  const bytes = await blobBytes(store, digest);
  return bytes ? { mediaType, digest: parseDigest(digest), size: bytes.length, bytes } : undefined;
}

/** The record stored under `key`, or undefined when the entry is not one (not JSON, or stored for another key). */
function parseRecord(data: Buffer, key: string): ImageRecord | undefined {
  try {
    const record = JSON.parse(data.toString('utf8')) as ImageRecord;
    return record.key === key && Array.isArray(record.images) && Array.isArray(record.sboms) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** The stored image for `key`, or undefined when any part of it is missing. */
export async function loadImage(store: Store, key: string, archs: readonly Arch[]): Promise<StoredImage | undefined> {
  const entry = await store.get(imageKey(key));
  if (!entry) return undefined;
  const record = parseRecord(entry.data, key);
  if (record === undefined) return undefined;
  const images: Image[] = [];
  for (const img of record.images) {
    const manifest = await blob(store, img.manifest.mediaType, img.manifest.digest);
    const config = await blob(store, img.config.mediaType, img.config.digest);
    if (!manifest || !config || !archs.some((a) => a.apk === img.arch)) return undefined;
    const layers = [];
    for (const l of img.layers) {
      const layer = await storedLayer(store, l.digest, l.diffId);
      if (!layer) return undefined;
      layers.push(layer);
    }
    images.push({ platform: platformForArch(img.arch), manifest, config, layers });
  }
  const index = await blob(store, record.index.mediaType, record.index.digest);
  if (!index) return undefined;
  if (typeof record.buildDate !== 'number' || record.images.some((i) => !Array.isArray(i.privileged))) return undefined;
  return { index: { manifest: index, images }, sboms: record.sboms, buildDate: record.buildDate, facts: record.images.map((i) => ({ arch: i.arch, packages: i.packages, privileged: i.privileged })) };
}

/** Stores an image's blobs and record under `key`. */
export async function saveImage(
  store: Store,
  key: string,
  b: { index: ImageIndex; facts: ReadonlyMap<string, StoredImageFacts>; sboms: readonly SbomDoc[]; buildDate: number },
): Promise<void> {
  for (const img of b.index.images) {
    await store.put(blobKey(img.manifest.digest), img.manifest.bytes);
    await store.put(blobKey(img.config.digest), img.config.bytes);
    // The layer cache already keeps built layers as blobs; anything else streams in once.
    for (const l of img.layers) if (!(await hasBlob(store, l.digest))) await store.putStream(blobKey(l.digest), l.open());
  }
  await store.put(blobKey(b.index.manifest.digest), b.index.manifest.bytes);
  const record: ImageRecord = {
    key,
    index: { mediaType: b.index.manifest.mediaType, digest: b.index.manifest.digest },
    images: b.index.images.map((img) => ({
      arch: b.facts.get(img.manifest.digest)!.arch,
      packages: b.facts.get(img.manifest.digest)!.packages,
      manifest: { mediaType: img.manifest.mediaType, digest: img.manifest.digest },
      config: { mediaType: img.config.mediaType, digest: img.config.digest },
      layers: img.layers.map((l) => ({ digest: l.digest, diffId: l.diffId })),
      privileged: b.facts.get(img.manifest.digest)!.privileged,
    })),
    sboms: b.sboms,
    buildDate: b.buildDate,
  };
  await store.put(imageKey(key), Buffer.from(JSON.stringify(record)));
}
