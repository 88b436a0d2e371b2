import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { platformForArch } from '../arch';
import { sha256Digest } from '../digest';
import { readBaseImage } from './base-image';

/** Writes a one-layer image for amd64 as an OCI layout, its index.json naming the image index (as apko-nx writes) or the manifest. */
function layout(opts: { nested: boolean }): { dir: string; layer: string } {
  const dir = mkdtempSync(join(tmpdir(), 'base-layout-'));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (bytes: Buffer): string => {
    const d = sha256Digest(bytes);
    writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), bytes);
    return d;
  };
  const tar = Buffer.alloc(1024);
  const gz = gzipSync(tar);
  const layer = put(gz);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] }, config: { Entrypoint: ['/bin/sh'] } }));
  const configDigest = put(config);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: configDigest }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: gz.length, digest: layer }] }));
  const entry = { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: manifest.length, digest: put(manifest) };
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  const top = opts.nested ? { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', size: index.length, digest: put(index) }] } : JSON.parse(index.toString());
  writeFileSync(join(dir, 'index.json'), JSON.stringify(top));
  return { dir, layer };
}

describe('a base image read from an OCI layout', () => {
  it.each([true, false])('finds the image of the arch through index.json (naming the image index: %s)', async (nested) => {
    const { dir, layer } = layout({ nested });
    const base = await readBaseImage(dir, platformForArch('x86_64'));
    expect(base.layers.map((l) => l.digest)).toEqual([layer]);
    expect(base.config.config.Entrypoint).toEqual(['/bin/sh']);
    expect(base.rootfsType).toBe('layers');
  });

  it('refuses an arch the layout has no image for, naming it', async () => {
    const { dir } = layout({ nested: true });
    await expect(readBaseImage(dir, platformForArch('aarch64'))).rejects.toThrow(/has no image for arm64/);
  });

  it('refuses a layer blob that does not match its digest', async () => {
    const { dir, layer } = layout({ nested: false });
    writeFileSync(join(dir, 'blobs', 'sha256', layer.slice(7)), gzipSync(Buffer.alloc(2048)));
    await expect(readBaseImage(dir, platformForArch('x86_64'))).rejects.toThrow(/layer is \d+ bytes, its manifest says|does not match its digest/);
  });

  it('refuses a directory that is not an OCI layout', async () => {
    await expect(readBaseImage(mkdtempSync(join(tmpdir(), 'not-a-layout-')), platformForArch('x86_64'))).rejects.toThrow(/not an OCI layout/);
  });
});
