import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../digest';
import { ChecksumError, FormatError } from '../errors';
import { BufferLayer, buildLayer } from '../layer';
import { Tree } from '../rootfs/tree';
import { buffer } from 'node:stream/consumers';
import { blobPath } from './blobs';
import { buildImage } from './image';
import { buildIndex } from './image-index';
import { writeLayout } from './layout';
import { platformForArch } from '../arch';
import { validateLayout } from './validate';
import { tinyIndex } from './testdata/images';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'validate-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('validateLayout', () => {
  it('counts the indexes, manifests and layers of a good layout', async () => {
    await writeLayout(out, await tinyIndex(['x86_64', 'aarch64', 'armv7'], { layered: true }), { tag: 'x:y' });
    expect(await validateLayout(out)).toEqual({ indexes: 2, manifests: 3, layers: 6 });
  });

  it('fails with a ChecksumError when a layer blob was altered', async () => {
    const index = await tinyIndex(['x86_64']);
    await writeLayout(out, index);
    const path = join(out, blobPath(index.images[0]!.layers[0]!.digest));
    const bytes = readFileSync(path);
    bytes[bytes.length - 9] ^= 0xff;
    writeFileSync(path, bytes);
    const err = await validateLayout(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err).toMatchObject({ code: 'EINTEGRITY', algorithm: 'sha256', expected: index.images[0]!.layers[0]!.digest });
  });

  it('fails with a FormatError naming the missing blob', async () => {
    const index = await tinyIndex(['x86_64']);
    await writeLayout(out, index);
    unlinkSync(join(out, blobPath(index.images[0]!.config.digest)));
    await expect(validateLayout(out)).rejects.toThrow(FormatError);
    await expect(validateLayout(out)).rejects.toThrow(`names ${index.images[0]!.config.digest}, but ${blobPath(index.images[0]!.config.digest)} is missing`);
  });

  it('fails when a layer unpacks to something other than the diff_id its config lists', async () => {
    const t = new Tree();
    t.writeFile('a', 'a');
    const real = await buildLayer(t.entries());
    const lying = new BufferLayer({ digest: real.digest, size: real.size, diffId: `sha256:${'0'.repeat(64)}` as Digest }, [await buffer(real.open())]);
    const index = buildIndex([buildImage([lying], { platform: platformForArch('amd64'), created: 0 })], { created: 0 });
    await writeLayout(out, index);
    await expect(validateLayout(out)).rejects.toThrow(`unpacks to ${real.diffId} but blobs/sha256/`);
  });

  it('fails when a descriptor size disagrees with the blob', async () => {
    const index = await tinyIndex(['x86_64']);
    await writeLayout(out, index);
    const top = readFileSync(join(out, 'index.json'), 'utf8').replace(`"size":${index.manifest.size}`, `"size":${index.manifest.size + 1}`);
    writeFileSync(join(out, 'index.json'), top);
    await expect(validateLayout(out)).rejects.toMatchObject({ code: 'EINTEGRITY', algorithm: 'size' });
  });

  it('fails on a directory without oci-layout', async () => {
    await expect(validateLayout(out)).rejects.toThrow(`${join(out, 'oci-layout')}: is missing`);
  });
});
