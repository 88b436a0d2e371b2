/**
 * `apko-nx example [dir]`: builds the bundled example image from packages
 * this project writes and signs itself; no internet needed.
 */
import { relative, resolve } from 'node:path';
import type { Command } from '../command';

export const example: Command = {
  name: 'example',
  summary: 'build the bundled example image (local signed packages, no network) into ./example-out',
  usage: 'example [dir]',
  flags: {},
  arity: [0, 1],
  async run(p, io) {
    const dir = resolve(io.cwd, p.positionals[0] ?? 'example-out');
    const { buildExampleImage } = await import('../../engine/image/example');
    const result = await buildExampleImage({ dir, env: io.env, log: io.err });
    const image = result.layout;
    const shown = (path: string) => relative(io.cwd, path) || '.';
    io.out(`image: apko-nx-example:latest@${result.indexDigest}`);
    for (const img of result.images) io.out(`  ${img.arch}: ${img.digest}`);
    io.out(`OCI layout: ${shown(image)}  (try: skopeo inspect oci:${shown(image)}:apko-nx-example:latest)`);
    for (const s of result.sboms) io.out(`SBOM: ${shown(s)}`);
    return 0;
  },
};
