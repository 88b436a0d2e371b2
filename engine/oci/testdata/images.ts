/** Small real images (real trees, real layers) for layout, archive and tool tests. */
import { Readable } from 'node:stream';
import { layersFromTree, OriginLayering, type Layer } from '../../layer';
import { Tree } from '../../rootfs/tree';
import { buildImage } from '../image';
import { buildIndex, type ImageIndex } from '../image-index';
import { platformForArch } from '../../arch';

/** A tiny rootfs for `arch`: a shell script entrypoint, a non-root user, a device node. */
export function tinyTree(arch: string, extra = ''): Tree {
  const t = new Tree();
  t.mkdirAll('etc/apk');
  t.writeFile('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/bin/sh\n');
  t.writeFile('etc/group', 'root:x:0:\nnonroot:x:65532:\n');
  t.writeFile('etc/apk/arch', `${arch}\n`);
  t.mkdirAll('home/nonroot', { mode: 0o750, uid: 65532, gid: 65532 });
  t.writeFile('home/nonroot/hello.txt', `hello from ${arch}${extra}\n`, { uid: 65532, gid: 65532, mtime: 1700000000 });
  t.mkdirAll('usr/bin', { owner: 'hello' });
  t.writeFile('usr/bin/hello', '#!/bin/sh\necho hello\n', { mode: 0o755, owner: 'hello' });
  t.set('usr/bin/hi', { type: 'hardlink', mode: 0o755, uid: 0, gid: 0, mtime: 0, linkTarget: 'usr/bin/hello', owner: 'hello' });
  t.symlink('hello', 'usr/bin/hey', { owner: 'hello' });
  return t;
}

/** An index over `archs`, each image made from `tinyTree`, optionally split by origin. */
export async function tinyIndex(archs: readonly string[], opts: { layered?: boolean; extra?: string } = {}): Promise<ImageIndex> {
  const images = [];
  for (const arch of archs) {
    const layering = opts.layered ? new OriginLayering(2) : undefined;
    const layers = await layersFromTree(tinyTree(arch, opts.extra), { layering });
    images.push(
      buildImage(layers, {
        platform: platformForArch(arch),
        created: 1700000000,
        entrypoint: ['/usr/bin/hello'],
        user: '65532',
        annotations: { 'org.opencontainers.image.title': 'Tiny' },
      }),
    );
  }
  return buildIndex(images, { created: 1700000000, annotations: { 'org.opencontainers.image.title': 'Tiny' } });
}

/** A layer with `real`'s facts whose stream fails partway through, to inject a mid-write failure. */
export function failingLayer(real: Layer): Layer {
  return {
    digest: real.digest,
    diffId: real.diffId,
    size: real.size,
    mediaType: real.mediaType,
    open: () =>
      Readable.from(
        (async function* () {
          yield Buffer.from('partial bytes');
          throw new Error('layer source went away');
        })(),
        { objectMode: false },
      ),
  };
}

/** `index` with the first layer of its first image swapped for `layer` (configs unchanged). */
export function withFirstLayer(index: ImageIndex, layer: Layer): ImageIndex {
  const [first, ...rest] = index.images;
  return { manifest: index.manifest, images: [{ ...first!, layers: [layer, ...first!.layers.slice(1)] }, ...rest] };
}
