/** Interop: what we write must be accepted by skopeo and umoci (CI installs both). */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import type { ImageIndex } from './image-index';
import { writeDockerArchive } from './docker-archive';
import { writeLayout } from './layout';
import { validateLayout } from './validate';
import { tinyIndex } from './testdata/images';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const skopeo = (...args: string[]) => run('skopeo', ['--insecure-policy', ...args]);

let root: string;
let index: ImageIndex;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'oci-tools-'));
  index = await tinyIndex(['x86_64', 'aarch64'], { layered: true });
  await writeLayout(join(root, 'layout'), index, { tag: 'myimage:latest' });
  await writeDockerArchive(join(root, 'image.tar'), index, { tag: 'myimage:latest' });
  await validateLayout(join(root, 'layout'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!hasTool('skopeo'))('skopeo', () => {
  it('inspects the layout by tag and reads back our index bytes', () => {
    expect(skopeo('inspect', '--raw', `oci:${join(root, 'layout')}:myimage:latest`)).toBe(index.manifest.bytes.toString());
    const arm = JSON.parse(skopeo('inspect', '--override-arch', 'arm64', '--override-os', 'linux', `oci:${join(root, 'layout')}:myimage:latest`));
    expect(arm).toMatchObject({ Architecture: 'arm64', Os: 'linux', Labels: { 'org.opencontainers.image.title': 'Tiny' } });
    expect(arm.Layers).toEqual(index.images[1]!.layers.map((l) => l.digest));
  });

  it('copies every platform with --all, keeping each image manifest byte for byte', async () => {
    const copy = join(root, 'copy');
    skopeo('copy', '--all', `oci:${join(root, 'layout')}:myimage:latest`, `oci:${copy}:myimage:latest`);
    // skopeo 1.9 re-serializes the index itself (it drops artifactType), so only the manifests keep their digests.
    const copied = JSON.parse(skopeo('inspect', '--raw', `oci:${copy}:myimage:latest`));
    expect(copied.manifests.map((m: { digest: string }) => m.digest)).toEqual(index.images.map((i) => i.manifest.digest));
    expect(await validateLayout(copy)).toMatchObject({ manifests: 2, layers: 4 });
  });

  it('reads the tarball both as a docker archive (per-arch tag) and as an OCI archive', () => {
    const docker = JSON.parse(skopeo('inspect', `docker-archive:${join(root, 'image.tar')}:myimage:latest-arm64`));
    expect(docker).toMatchObject({ Architecture: 'arm64', Digest: expect.stringMatching(/^sha256:/) });
    expect(skopeo('inspect', '--raw', `oci-archive:${join(root, 'image.tar')}:myimage:latest`)).toBe(index.manifest.bytes.toString());
  });
});

describe.skipIf(!hasTool('skopeo') || !hasTool('umoci'))('umoci', () => {
  it('unpacks one platform with files, links and owners intact', () => {
    const single = join(root, 'single');
    const bundle = join(root, 'bundle');
    // umoci wants a manifest, not an index, behind the tag: select one platform first.
    skopeo('copy', '--override-arch', 'arm64', '--override-os', 'linux', `oci:${join(root, 'layout')}:myimage:latest`, `oci:${single}:arm64`);
    const asRoot = process.getuid?.() === 0;
    run('umoci', ['unpack', ...(asRoot ? [] : ['--rootless']), '--image', `${single}:arm64`, bundle]);
    const fs = join(bundle, 'rootfs');
    expect(readFileSync(join(fs, 'etc/apk/arch'), 'utf8')).toBe('aarch64\n');
    expect(readFileSync(join(fs, 'home/nonroot/hello.txt'), 'utf8')).toBe('hello from aarch64\n');
    expect(statSync(join(fs, 'usr/bin/hi')).ino).toBe(statSync(join(fs, 'usr/bin/hello')).ino);
    expect(readlinkSync(join(fs, 'usr/bin/hey'))).toBe('hello');
    expect(lstatSync(join(fs, 'usr/bin/hello')).mode & 0o7777).toBe(0o755);
    if (asRoot) expect(statSync(join(fs, 'home/nonroot/hello.txt'))).toMatchObject({ uid: 65532, gid: 65532 });
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    expect(config.process.args).toEqual(['/usr/bin/hello']);
  });
});
