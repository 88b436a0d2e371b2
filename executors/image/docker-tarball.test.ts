import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { executorContext, makeExecutorWorkspace } from '../testdata/workspace';
import imageExecutor from './executor';

const run = promisify(execFile);
let root: string;

beforeAll(async () => {
  root = await makeExecutorWorkspace();
});

afterEach(() => vi.restoreAllMocks());

const options = { config: 'app/apko.yaml', tag: 'app:1.0', outputPath: 'dist/images/app', cacheDir: '.cache' };
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// skopeo reads the same tarball in e2e/nx-release.test.ts.
describe('image executor: dockerTarball', () => {
  it('writes <outputPath>/image.tar beside the layout: a docker archive whose manifest.json names the config and layers it holds', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await imageExecutor({ ...options, dockerTarball: true }, executorContext(root))).toEqual({ success: true });
    const tarball = join(root, 'dist/images/app/image.tar');
    const unpacked = join(root, 'unpacked');
    mkdirSync(unpacked);
    await run('tar', ['-xf', tarball, '-C', unpacked]);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.RepoTags).toEqual(['app:1.0', 'app:1.0-amd64']);
    // Every path manifest.json names is in the archive and holds the bytes its name says.
    for (const path of [manifest[0]!.Config, ...manifest[0]!.Layers]) {
      expect(sha256(readFileSync(join(unpacked, path)))).toBe(`sha256:${path.split('/').pop()}`);
    }
    const config = JSON.parse(readFileSync(join(unpacked, manifest[0]!.Config), 'utf8'));
    expect(config.architecture).toBe('amd64');
    expect(config.rootfs.diff_ids).toHaveLength(manifest[0]!.Layers.length);
    // The same image as the layout: the archive's index is the layout's index.
    const layoutIndex = JSON.parse(readFileSync(join(root, 'dist/images/app/oci/index.json'), 'utf8'));
    const archiveIndex = JSON.parse(readFileSync(join(unpacked, 'index.json'), 'utf8'));
    expect(archiveIndex.manifests[0].digest).toBe(layoutIndex.manifests[0].digest);
  });

  it('removes an earlier tarball when built without the option, so the cached output never carries a stale one', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const tarball = join(root, 'dist/images/app/image.tar');
    writeFileSync(tarball, 'stale');
    expect(await imageExecutor(options, executorContext(root))).toEqual({ success: true });
    expect(existsSync(tarball)).toBe(false);
    expect(existsSync(join(root, 'dist/images/app/oci/index.json'))).toBe(true);
  });
});
