/** `apko-nx build <config.yaml> <tag> <output>`: apko's build verb. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildImageFromConfig, normalizeBuildOptions } from '../../engine';
import { IMAGE_FLAGS, RESOLVE_FLAGS, buildOptionsFrom } from '../build-flags';
import type { Command } from '../command';

export const build: Command = {
  name: 'build',
  summary: 'build a multi-arch OCI image (a layout when <output> is a directory or ends in /, else a docker tarball) and its SBOMs',
  usage: 'build <config.yaml> <tag> <output> [flags]',
  flags: { ...RESOLVE_FLAGS, ...IMAGE_FLAGS },
  arity: [3, 3],
  async run(p, io) {
    const [config, tag, output] = p.positionals as [string, string, string];
    // A trailing slash says "directory": make it, so the image becomes an OCI layout there.
    if (/[\\/]$/.test(output) && !existsSync(resolve(io.cwd, output))) await mkdir(resolve(io.cwd, output), { recursive: true });
    const opts = normalizeBuildOptions(buildOptionsFrom(p, { config, tag, output, env: io.env, log: io.err }), io.cwd);
    const result = await buildImageFromConfig(opts);
    io.out(`${tag}@${result.indexDigest}`);
    for (const img of result.images) io.out(`  ${img.arch}: ${img.digest} (${img.packages} packages, ${img.layers} layer${img.layers === 1 ? '' : 's'})`);
    for (const s of result.sboms) io.out(`  sbom: ${s}`);
    return 0;
  },
};
