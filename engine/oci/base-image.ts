/**
 * A base image (`contents.baseimage.image`): one platform's image read from
 * a local OCI layout as apko v1.2.31 reads it (`pkg/baseimg/base_image.go`):
 * `index.json`, or the image index it points at when it names one (the
 * layout apko and apko-nx write); then the first image whose config's
 * architecture is the platform's. Every blob is checked against its digest
 * before it is used, as any other input.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Platform } from '../arch';
import { sha256Digest, type Digest } from '../digest';
import { ConfigError, FormatError } from '../errors';
import type { Layer } from '../layer';
import { decodeConfigFile, decodeManifest, type GoConfigFile, type GoManifest } from './go-structs';
import { fileReadStream, sha256DigestOfFile } from '../fs/read-stream';

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** A layer of the base image: its blob in the layout, as its manifest describes it. */
export class BaseLayer implements Layer {
  readonly digest: Digest;
  readonly diffId: Digest;
  readonly size: number;
  readonly mediaType: string;
  readonly path: string;

  constructor(facts: { digest: Digest; diffId: Digest; size: number; mediaType: string }, path: string) {
    this.digest = facts.digest;
    this.diffId = facts.diffId;
    this.size = facts.size;
    this.mediaType = facts.mediaType;
    this.path = path;
  }

  open(): Readable {
    return fileReadStream(this.path);
  }
}

/** One platform's image of a base layout. */
export interface BaseImage {
  /** The layout directory. */
  readonly dir: string;
  readonly manifestDigest: Digest;
  readonly manifest: GoManifest;
  readonly config: GoConfigFile;
  /** `rootfs.type` as the base's config has it. */
  readonly rootfsType: string;
  /** The base's layers, bottom first. */
  readonly layers: readonly BaseLayer[];
}

function blobFile(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(dir, 'blobs', alg!, hex!);
}

/** Reads a small blob (index, manifest, config) and checks its digest. */
async function jsonBlob(dir: string, digest: string): Promise<unknown> {
  const file = blobFile(dir, digest);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new FormatError(`${file}: cannot read the blob ${digest} of the base image: ${(err as Error).message}`, { file, hint: 'the base image layout is incomplete; copy it again (for example with crane pull --format=oci)', cause: err });
  }
  if (sha256Digest(bytes) !== digest) throw new FormatError(`${file}: the blob does not match its digest ${digest}`, { file, hint: 'the base image layout is damaged; copy it again' });
  return parseJson(bytes, file);
}

function parseJson(bytes: Buffer, file: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FormatError(`${file}: not JSON: ${(err as Error).message}`, { file, hint: 'the base image layout is damaged; copy it again', cause: err });
  }
}

/** Checks a layer blob's size and digest by streaming it. */
async function checkLayerBlob(file: string, digest: string, size: number): Promise<void> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    throw new FormatError(`${file}: the base image's layer ${digest} is missing`, { file, hint: 'the base image layout is incomplete; copy it again', cause: err });
  }
  if (st.size !== size) throw new FormatError(`${file}: the base image's layer is ${st.size} bytes, its manifest says ${size}`, { file, hint: 'the base image layout is damaged; copy it again' });
  if ((await sha256DigestOfFile(file)) !== digest) throw new FormatError(`${file}: the base image's layer does not match its digest ${digest}`, { file, hint: 'the base image layout is damaged; copy it again' });
}

type Json = Record<string, unknown>;

function manifestsOf(index: unknown, file: string): Json[] {
  const m = (index as Json | null)?.manifests;
  if (!Array.isArray(m)) throw new FormatError(`${file}: has no manifests list`, { file, hint: 'contents.baseimage.image must be an OCI layout directory (oci-layout, index.json, blobs/)' });
  return m as Json[];
}

/** Reads the image of `platform` from the OCI layout `dir`. */
export async function readBaseImage(dir: string, platform: Platform): Promise<BaseImage> {
  const indexFile = join(dir, 'index.json');
  let top: unknown;
  try {
    top = parseJson(await readFile(indexFile), indexFile);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new ConfigError(`${dir}: not an OCI layout (cannot read index.json: ${(err as Error).message})`, { file: dir, path: 'contents.baseimage.image', hint: 'point contents.baseimage.image at an OCI layout directory, for example one written by apko build or crane pull --format=oci', cause: err });
  }
  let manifests = manifestsOf(top, indexFile);
  // apko's getUnnestedImageIndex: a layout whose index names an image index is read through it.
  const nested = manifests.find((m) => INDEX_TYPES.has(String(m.mediaType)));
  if (nested) manifests = manifestsOf(await jsonBlob(dir, String(nested.digest)), blobFile(dir, String(nested.digest)));
  for (const d of manifests) {
    if (INDEX_TYPES.has(String(d.mediaType))) continue;
    const digest = String(d.digest);
    const file = blobFile(dir, digest);
    const manifest = decodeManifest(await jsonBlob(dir, digest), file);
    const configFile = blobFile(dir, manifest.config.digest);
    const rawConfig = await jsonBlob(dir, manifest.config.digest);
    const config = decodeConfigFile(rawConfig, configFile);
    if (config.architecture !== platform.architecture) continue;
    if (config.diffIds.length !== manifest.layers.length) {
      throw new FormatError(`${configFile}: the base image config lists ${config.diffIds.length} diff_ids for ${manifest.layers.length} layers`, { file: configFile, hint: 'the base image is damaged; copy it again' });
    }
    const layers: BaseLayer[] = [];
    for (const [i, l] of manifest.layers.entries()) {
      const path = blobFile(dir, l.digest);
      await checkLayerBlob(path, l.digest, l.size);
      layers.push(new BaseLayer({ digest: l.digest as Digest, diffId: config.diffIds[i]! as Digest, size: l.size, mediaType: l.mediaType }, path));
    }
    const rootfs = (rawConfig as Json).rootfs as Json | undefined;
    return { dir, manifestDigest: digest as Digest, manifest, config, rootfsType: typeof rootfs?.type === 'string' ? rootfs.type : '', layers };
  }
  throw new ConfigError(`${dir}: the base image has no image for ${platform.architecture}`, { file: dir, path: 'contents.baseimage.image', hint: `build the base image for ${platform.architecture} too, or leave ${platform.architecture} out of archs` });
}
