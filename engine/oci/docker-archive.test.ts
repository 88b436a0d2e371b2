import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../errors';
import { readTar } from '../tar/read';
import { blobPath } from './blobs';
import { repoTags, splitTag, writeDockerArchive } from './docker-archive';
import { validateLayout } from './validate';
import { failingLayer, tinyIndex, withFirstLayer } from './testdata/images';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'docker-archive-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Unpacks an archive into a directory so the layout validator can check it. */
function unpack(tar: Buffer, dir: string): void {
  for (const e of readTar(tar)) {
    if (e.type === 'dir') mkdirSync(join(dir, e.name), { recursive: true });
    else {
      mkdirSync(dirname(join(dir, e.name)), { recursive: true });
      writeFileSync(join(dir, e.name), e.data);
    }
  }
}

describe('writeDockerArchive', () => {
  it('holds the OCI layout files and a manifest.json pointing into blobs/', async () => {
    const index = await tinyIndex(['x86_64', 'aarch64']);
    const file = join(root, 'image.tar');
    await writeDockerArchive(file, index, { tag: 'myimage:latest' });
    const entries = readTar(readFileSync(file));
    const [amd, arm] = index.images;
    const blobs = [amd!.layers[0]!.digest, amd!.config.digest, amd!.manifest.digest, arm!.layers[0]!.digest, arm!.config.digest, arm!.manifest.digest, index.manifest.digest];
    expect(entries.map((e) => e.name)).toEqual(['oci-layout', 'blobs', 'blobs/sha256', ...blobs.map(blobPath), 'index.json', 'manifest.json']);
    expect(entries.every((e) => e.uid === 0 && e.gid === 0 && e.mtime === 0 && e.uname === '')).toBe(true);
    const manifest = entries.find((e) => e.name === 'manifest.json')!.data.toString();
    expect(manifest).toBe(
      `[{"Config":"${blobPath(amd!.config.digest)}","RepoTags":["myimage:latest-amd64"],"Layers":["${blobPath(amd!.layers[0]!.digest)}"]},` +
        `{"Config":"${blobPath(arm!.config.digest)}","RepoTags":["myimage:latest-arm64"],"Layers":["${blobPath(arm!.layers[0]!.digest)}"]}]`,
    );
    unpack(readFileSync(file), join(root, 'unpacked'));
    expect(await validateLayout(join(root, 'unpacked'))).toEqual({ indexes: 2, manifests: 2, layers: 2 });
  });

  it('tags a single-platform image with the plain tag as well', async () => {
    const index = await tinyIndex(['x86_64']);
    expect(repoTags(index, 'myimage')).toEqual([['myimage:latest', 'myimage:latest-amd64']]);
    const file = join(root, 'one.tar');
    await writeDockerArchive(file, index, { tag: 'myimage' });
    unpack(readFileSync(file), join(root, 'unpacked'));
    await validateLayout(join(root, 'unpacked'));
  });

  it('suffixes arm variants so arm/v6 and arm/v7 get distinct tags', async () => {
    expect(repoTags(await tinyIndex(['armhf', 'armv7']), 'r:5000/app:v1')).toEqual([['r:5000/app:v1-arm_v6'], ['r:5000/app:v1-arm_v7']]);
  });

  it('writes the same bytes twice', async () => {
    await writeDockerArchive(join(root, 'a.tar'), await tinyIndex(['x86_64', 'aarch64'], { layered: true }), { tag: 'a:b' });
    await writeDockerArchive(join(root, 'b.tar'), await tinyIndex(['x86_64', 'aarch64'], { layered: true }), { tag: 'a:b' });
    expect(readFileSync(join(root, 'b.tar')).equals(readFileSync(join(root, 'a.tar')))).toBe(true);
  });

  it('keeps the previous archive when a layer fails midway', async () => {
    const file = join(root, 'image.tar');
    writeFileSync(file, 'previous archive');
    const index = await tinyIndex(['x86_64']);
    await expect(writeDockerArchive(file, withFirstLayer(index, failingLayer(index.images[0]!.layers[0]!)), { tag: 'a:b' })).rejects.toThrow(
      'layer source went away',
    );
    expect(readFileSync(file, 'utf8')).toBe('previous archive');
  });
});

describe('splitTag', () => {
  it.each([
    ['myimage', ['myimage', 'latest']],
    ['myimage:v1', ['myimage', 'v1']],
    ['localhost:5000/team/app', ['localhost:5000/team/app', 'latest']],
    ['localhost:5000/team/app:1.2', ['localhost:5000/team/app', '1.2']],
  ])('splits %s', (ref, expected) => {
    expect(splitTag(ref)).toEqual(expected);
  });

  it('refuses a digest reference with an OutputError and a hint', () => {
    expect(() => splitTag('app@sha256:abc')).toThrow(OutputError);
    expect(() => splitTag('app@sha256:abc')).toThrow('"app@sha256:abc" is not a tag reference');
  });
});
