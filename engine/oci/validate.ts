/**
 * Checks an OCI image layout the way ggcr's `validate` package checks an
 * image: every descriptor's blob exists with the promised size and sha256,
 * every index and manifest parses, each manifest's config and layers exist,
 * the layer count matches `rootfs.diff_ids`, and each layer's diff_id (sha256
 * of the gunzipped blob) is the one the config lists. Tests call it on every
 * image they produce.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parseDigest, type Digest } from '../digest';
import { ChecksumError, FormatError } from '../errors';
import { blobPath } from './blobs';
import { MediaTypes } from './media';
import { verifyChunks } from './verify';
import { fileReadStream } from '../fs/read-stream';

/** What a valid layout holds. */
export interface LayoutSummary {
  readonly indexes: number;
  readonly manifests: number;
  readonly layers: number;
}

interface RawDescriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { architecture?: string; os?: string; variant?: string };
}

type Json = Record<string, unknown>;

/** Validates the layout at `dir`; throws FormatError or ChecksumError naming the first bad file. */
export async function validateLayout(dir: string): Promise<LayoutSummary> {
  const diffIds = new Map<string, string>();
  const counts = { indexes: 0, manifests: 0, layers: 0 };

  const fail = (file: string, what: string): never => {
    throw new FormatError(`${join(dir, file)}: ${what}`, { file: join(dir, file), hint: 'rebuild the image; the layout is not one this engine wrote' });
  };
  const parse = (bytes: Buffer, file: string): Json => {
    try {
      const v: unknown = JSON.parse(bytes.toString('utf8'));
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Json;
    } catch {
      // reported below
    }
    return fail(file, 'is not a JSON object');
  };
  const digestOf = (d: RawDescriptor, file: string): Digest => {
    try {
      return parseDigest(String(d.digest));
    } catch {
      return fail(file, `has a descriptor with digest "${d.digest}"`);
    }
  };
  /** Reads and verifies a small blob. */
  const readBlob = async (d: RawDescriptor, from: string): Promise<[Buffer, string]> => {
    const digest = digestOf(d, from);
    if (!Number.isSafeInteger(d.size) || d.size! < 0) fail(from, `has a descriptor for ${digest} without a valid size`);
    const file = blobPath(digest);
    const bytes = await fsp.readFile(join(dir, file)).catch(() => fail(from, `names ${digest}, but ${file} is missing`));
    for await (const _ of verifyChunks([bytes], { digest, size: d.size! }, join(dir, file))) void _;
    return [bytes, file];
  };
  /** Streams a layer blob, verifying its digest and returning the sha256 of its gunzipped bytes. */
  const layerDiffId = async (d: RawDescriptor, from: string): Promise<string> => {
    const digest = digestOf(d, from);
    const known = diffIds.get(digest);
    if (known !== undefined) return known;
    const file = blobPath(digest);
    await fsp.access(join(dir, file)).catch(() => fail(from, `names layer ${digest}, but ${file} is missing`));
    const diff = createHash('sha256');
    await pipeline(
      verifyChunks(fileReadStream(join(dir, file)), { digest, size: d.size ?? -1 }, join(dir, file)),
      createGunzip(),
      async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) diff.update(c);
      },
    ).catch((err: unknown) => {
      if (err instanceof ChecksumError) throw err;
      return fail(file, `is not a gzip stream (${(err as Error).message})`);
    });
    const diffId = `sha256:${diff.digest('hex')}`;
    diffIds.set(digest, diffId);
    return diffId;
  };

  const visitManifest = async (d: RawDescriptor, from: string): Promise<void> => {
    const [bytes, file] = await readBlob(d, from);
    const m = parse(bytes, file);
    counts.manifests++;
    if (m.mediaType !== undefined && m.mediaType !== d.mediaType) fail(file, `has mediaType ${m.mediaType} but is listed as ${d.mediaType}`);
    const configDesc = m.config as RawDescriptor | undefined;
    if (!configDesc || !Array.isArray(m.layers)) fail(file, 'has no config or no layers list');
    const [cfgBytes, cfgFile] = await readBlob(configDesc!, file);
    const cfg = parse(cfgBytes, cfgFile);
    const rootfs = cfg.rootfs as { diff_ids?: unknown } | undefined;
    const want = Array.isArray(rootfs?.diff_ids) ? (rootfs!.diff_ids as string[]) : fail(cfgFile, 'has no rootfs.diff_ids');
    const layers = m.layers as RawDescriptor[];
    if (layers.length !== want.length) fail(file, `lists ${layers.length} layers but its config lists ${want.length} diff_ids`);
    for (const [i, layer] of layers.entries()) {
      const actual = await layerDiffId(layer, file);
      if (actual !== want[i]) {
        throw new ChecksumError(`${join(dir, blobPath(digestOf(layer, file)))} unpacks to ${actual} but ${cfgFile} lists diff_id ${want[i]}`, {
          subject: join(dir, cfgFile),
          algorithm: 'sha256',
          expected: String(want[i]),
          actual,
          hint: 'the config and its layers disagree; rebuild the image',
        });
      }
      counts.layers++;
    }
    const p = d.platform;
    if (p && (p.architecture !== cfg.architecture || p.os !== cfg.os || (p.variant ?? '') !== (cfg.variant ?? ''))) {
      fail(from, `says ${d.digest} is ${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''} but its config says ${cfg.os}/${cfg.architecture}`);
    }
  };

  const visitIndex = async (manifests: unknown, file: string): Promise<void> => {
    if (!Array.isArray(manifests)) return fail(file, 'has no manifests list');
    counts.indexes++;
    for (const d of manifests as RawDescriptor[]) {
      if (d.mediaType === MediaTypes.index) {
        const [bytes, child] = await readBlob(d, file);
        await visitIndex(parse(bytes, child).manifests, child);
      } else if (d.mediaType === MediaTypes.manifest) {
        await visitManifest(d, file);
      } else {
        fail(file, `lists ${d.digest} with unsupported mediaType ${d.mediaType}`);
      }
    }
  };

  const layout = parse(await fsp.readFile(join(dir, 'oci-layout')).catch(() => fail('oci-layout', 'is missing')), 'oci-layout');
  if (layout.imageLayoutVersion !== '1.0.0') fail('oci-layout', `has imageLayoutVersion ${String(layout.imageLayoutVersion)}, want 1.0.0`);
  const top = parse(await fsp.readFile(join(dir, 'index.json')).catch(() => fail('index.json', 'is missing')), 'index.json');
  if (top.schemaVersion !== 2) fail('index.json', 'has schemaVersion other than 2');
  await visitIndex(top.manifests, 'index.json');
  return counts;
}
