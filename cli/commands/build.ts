/** `apko-nx build <config.yaml> <tag> <output>`: apko's build verb. Like apko it prints nothing on stdout: the digest and SBOM paths are progress, on stderr. */
import { IMAGE_FLAGS, RESOLVE_FLAGS, buildRequestFrom } from '../build-flags';
import type { Command } from '../command';

export const build: Command = {
  name: 'build',
  summary: 'build a multi-arch OCI image (a layout when <output> is a directory or ends in /, else a docker tarball) and its SBOMs',
  usage: 'build <config.yaml> <tag> <output> [flags]',
  flags: { ...RESOLVE_FLAGS, ...IMAGE_FLAGS },
  arity: [3, 3],
  async run(p, io) {
    const [config, tag, output] = p.positionals as [string, string, string];
    // normalizeBuildRequest checks the tag as publish does, before anything is read or written.
    // A bare output path follows apko's rule: an existing directory or a trailing slash is a layout.
    const [{ normalizeBuildRequest }, { buildImageFromConfig }, { privilegedFileLines }] = await Promise.all([
      import('../../engine/image/request'),
      import('../../engine/image/build'),
      import('../../engine/rootfs/privileged-files'),
    ]);
    const opts = normalizeBuildRequest(buildRequestFrom(p, { config, tag, output, env: io.env, log: io.err }), io.cwd);
    const result = await buildImageFromConfig(opts);
    io.err(`${tag}@${result.indexDigest}`);
    for (const img of result.images) io.err(`  ${img.arch}: ${img.digest} (${img.packages} packages, ${img.layers} layer${img.layers === 1 ? '' : 's'})`);
    for (const s of result.sboms) io.err(`  sbom: ${s}`);
    // Kept, as packages legitimately ship them, but always shown, so a package that gains one is noticed.
    for (const p of result.privileged) for (const line of privilegedFileLines(p.files)) io.err(`  ${p.arch}: ${line}`);
    return 0;
  },
};
