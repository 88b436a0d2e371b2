import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../errors';
import { writeLayout } from './layout';
import { validateLayout } from './validate';
import { failingLayer, tinyIndex, withFirstLayer } from './testdata/images';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'layout-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const snapshot = (dir: string) => {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    try {
      files[name] = readFileSync(join(dir, name)).toString('base64');
    } catch {
      files[name] = '<dir>';
    }
  }
  return files;
};

describe('writeLayout', () => {
  it('writes oci-layout, blobs and an index.json naming the image index by tag, and validates', async () => {
    const index = await tinyIndex(['x86_64', 'aarch64']);
    const out = join(root, 'out');
    expect(await writeLayout(out, index, { tag: 'myimage:latest' })).toBe(index.manifest.digest);
    expect(readFileSync(join(out, 'oci-layout'), 'utf8')).toBe('{\n    "imageLayoutVersion": "1.0.0"\n}');
    expect(readFileSync(join(out, 'index.json'), 'utf8')).toBe(
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' +
        `{"mediaType":"application/vnd.oci.image.index.v1+json","size":${index.manifest.size},"digest":"${index.manifest.digest}",` +
        '"annotations":{"org.opencontainers.image.ref.name":"myimage:latest"}}]}',
    );
    // 1 index + 2 manifests + 2 configs + 2 layers.
    expect(readdirSync(join(out, 'blobs', 'sha256'))).toHaveLength(7);
    expect(await validateLayout(out)).toEqual({ indexes: 2, manifests: 2, layers: 2 });
  });

  it('stores a layer shared by two platforms once', async () => {
    const index = await tinyIndex(['x86_64', 'aarch64'], { layered: true });
    const out = join(root, 'out');
    await writeLayout(out, index);
    expect(index.images[0]!.layers[0]!.digest).toBe(index.images[1]!.layers[0]!.digest);
    expect(readdirSync(join(out, 'blobs', 'sha256'))).toHaveLength(8);
    expect(await validateLayout(out)).toEqual({ indexes: 2, manifests: 2, layers: 4 });
  });

  it('writes byte-identical layouts from two separate builds', async () => {
    await writeLayout(join(root, 'a'), await tinyIndex(['x86_64']), { tag: 't:1' });
    await writeLayout(join(root, 'b'), await tinyIndex(['x86_64']), { tag: 't:1' });
    expect(snapshot(join(root, 'b'))).toEqual(snapshot(join(root, 'a')));
    await validateLayout(join(root, 'a'));
  });

  it('leaves no annotation on the index descriptor when no tag is given', async () => {
    const out = join(root, 'out');
    await writeLayout(out, await tinyIndex(['x86_64']));
    expect(readFileSync(join(out, 'index.json'), 'utf8')).not.toContain('annotations');
    await validateLayout(out);
  });

  it('replaces a previous layout with the new one', async () => {
    const out = join(root, 'out');
    await writeLayout(out, await tinyIndex(['x86_64']), { tag: 'a:1' });
    const second = await tinyIndex(['aarch64'], { extra: ' again' });
    await writeLayout(out, second, { tag: 'a:1' });
    expect(readFileSync(join(out, 'index.json'), 'utf8')).toContain(second.manifest.digest);
    expect(await validateLayout(out)).toEqual({ indexes: 2, manifests: 1, layers: 1 });
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('keeps the previous layout intact when a layer fails midway through the write', async () => {
    const out = join(root, 'out');
    await writeLayout(out, await tinyIndex(['x86_64']), { tag: 'a:1' });
    const before = snapshot(out);
    const next = await tinyIndex(['x86_64', 'aarch64'], { extra: ' v2' });
    const broken = withFirstLayer(next, failingLayer(next.images[0]!.layers[0]!));
    await expect(writeLayout(out, broken, { tag: 'a:1' })).rejects.toThrow('layer source went away');
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['out']);
    await validateLayout(out);
  });

  it('refuses to replace a non-empty directory that is not a layout', async () => {
    const out = join(root, 'src');
    mkdirSync(out);
    writeFileSync(join(out, 'main.ts'), 'precious');
    const err = await writeLayout(out, await tinyIndex(['x86_64'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ code: 'EOUTPUT', message: `${out} is not empty and is not an OCI layout; refusing to replace it` });
    expect(readFileSync(join(out, 'main.ts'), 'utf8')).toBe('precious');
  });
});
