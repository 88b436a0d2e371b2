/**
 * `apko-nx example [dir]`: builds the bundled example image from packages
 * this project writes and signs itself; no internet needed.
 */
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { buildImageFromConfig, normalizeBuildRequest, writeExampleWorkspace } from '../../engine';
import type { Command } from '../command';

export const example: Command = {
  name: 'example',
  summary: 'build the bundled example image (local signed packages, no network) into ./example-out',
  usage: 'example [dir]',
  flags: {},
  arity: [0, 1],
  async run(p, io) {
    const dir = resolve(io.cwd, p.positionals[0] ?? 'example-out');
    io.err(`writing the example workspace (signing key, packages, apko.yaml) to ${dir}`);
    const ws = await writeExampleWorkspace(join(dir, 'workspace'));
    const image = join(dir, 'image');
    await mkdir(join(dir, 'sbom'), { recursive: true });
    const result = await buildImageFromConfig(
      normalizeBuildRequest({ config: ws.configPath, tag: 'apko-nx-example:latest', output: { path: image, kind: 'layout' }, sbomPath: join(dir, 'sbom'), cacheDir: join(dir, 'cache'), offline: true, env: { ...io.env, SOURCE_DATE_EPOCH: undefined }, log: io.err }, ws.dir),
    );
    const shown = (path: string) => relative(io.cwd, path) || '.';
    io.out(`image: apko-nx-example:latest@${result.indexDigest}`);
    for (const img of result.images) io.out(`  ${img.arch}: ${img.digest}`);
    io.out(`OCI layout: ${shown(image)}  (try: skopeo inspect oci:${shown(image)}:apko-nx-example:latest)`);
    for (const s of result.sboms) io.out(`SBOM: ${shown(s)}`);
    return 0;
  },
};
