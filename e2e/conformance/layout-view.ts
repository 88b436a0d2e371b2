/**
 * An OCI layout read into the pieces the conformance suite compares: the
 * image index, and per platform the manifest, the config and each layer's
 * tar (entries through engine/tar/read.ts, plus the raw header blocks).
 *
 * apko writes the image index itself as index.json; apko-nx writes an
 * index.json whose one entry names the image index by tag
 * (`org.opencontainers.image.ref.name`). Both are read down to the image index.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTar } from '../../engine/tar/read';
import type { TarEntry } from '../../engine/tar/types';

type Json = Record<string, unknown>;

/**
 * One 512-byte header block as stored. engine/tar/read.ts folds PAX headers
 * into the entries and normalizes names (that is its job for installing); the
 * suite also needs what it folds away, since those bytes are in the diff_id.
 */
export interface RawBlock {
  readonly offset: number;
  readonly typeflag: string;
  readonly name: string;
  readonly mode: string;
  readonly uid: string;
  readonly gid: string;
  readonly size: string;
  readonly mtime: string;
  readonly linkname: string;
  readonly magic: string;
  readonly uname: string;
  readonly gname: string;
  readonly devmajor: string;
  readonly devminor: string;
  readonly prefix: string;
}

export interface LayerView {
  readonly diffId: string;
  readonly digest: string;
  readonly tar: Buffer;
  readonly entries: readonly TarEntry[];
  readonly blocks: readonly RawBlock[];
}

export interface ImageView {
  /** OCI platform, e.g. `linux/amd64`. */
  readonly platform: string;
  readonly descriptor: Json;
  readonly manifest: Json;
  readonly configRaw: Buffer;
  readonly config: Json;
  readonly layers: readonly LayerView[];
}

export interface LayoutView {
  /** The outer index.json when it only points at the image index by tag (apko-nx), else undefined (apko). */
  readonly wrapper?: Json;
  readonly index: Json;
  readonly images: readonly ImageView[];
}

const field = (b: Buffer, start: number, len: number): string => {
  const f = b.subarray(start, start + len);
  const nul = f.indexOf(0);
  return f.subarray(0, nul < 0 ? len : nul).toString('latin1');
};

/** Every header block of a tar, in order, fields as stored (octal text unparsed). */
export function rawBlocks(tar: Buffer): RawBlock[] {
  const out: RawBlock[] = [];
  for (let pos = 0; pos + 512 <= tar.length; ) {
    const b = tar.subarray(pos, pos + 512);
    if (b.every((x) => x === 0)) break;
    const size = field(b, 124, 12);
    out.push({
      offset: pos, typeflag: String.fromCharCode(b[156]!), name: field(b, 0, 100), mode: field(b, 100, 8), uid: field(b, 108, 8),
      gid: field(b, 116, 8), size, mtime: field(b, 136, 12), linkname: field(b, 157, 100), magic: JSON.stringify(b.subarray(257, 265).toString('latin1')),
      uname: field(b, 265, 32), gname: field(b, 297, 32), devmajor: field(b, 329, 8), devminor: field(b, 337, 8), prefix: field(b, 345, 155),
    });
    pos += 512 + Math.ceil(parseInt(size.trim() || '0', 8) / 512) * 512;
  }
  return out;
}

/** Reads a layout written by apko or apko-nx. */
export function readLayoutView(dir: string): LayoutView {
  const blob = (digest: string): Buffer => readFileSync(join(dir, 'blobs', ...digest.split(':')));
  const json = (digest: string): Json => JSON.parse(blob(digest).toString('utf8')) as Json;
  const top = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Json;
  const topManifests = top.manifests as Json[];
  const wrapped = topManifests.length === 1 && topManifests[0]!.mediaType === 'application/vnd.oci.image.index.v1+json';
  const index = wrapped ? json(topManifests[0]!.digest as string) : top;
  const images = (index.manifests as Json[]).map((descriptor): ImageView => {
    const manifest = json(descriptor.digest as string);
    const configDigest = (manifest.config as Json).digest as string;
    const layers = (manifest.layers as Json[]).map((l, i): LayerView => {
      const tar = gunzipSync(blob(l.digest as string));
      const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
      return { diffId, digest: l.digest as string, tar, entries: readTar(tar, `${dir} layer ${i}`), blocks: rawBlocks(tar) };
    });
    const p = descriptor.platform as Json;
    const platform = `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
    return { platform, descriptor, manifest, configRaw: blob(configDigest), config: json(configDigest), layers };
  });
  return { wrapper: wrapped ? top : undefined, index, images };
}
