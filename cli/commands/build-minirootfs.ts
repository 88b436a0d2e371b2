/** `apko-nx build-minirootfs <config.yaml> <output.tar.gz>`: one arch's rootfs as a gzip tarball. */
import { str } from '../args';
import { RESOLVE_FLAGS, resolveRequestFrom } from '../build-flags';
import type { Command } from '../command';

export const buildMinirootfsCommand: Command = {
  name: 'build-minirootfs',
  summary: 'build one architecture\'s root filesystem as a gzip tarball (no OCI wrapping)',
  usage: 'build-minirootfs <config.yaml> <output.tar.gz> [--build-arch ARCH] [flags]',
  flags: {
    ...RESOLVE_FLAGS,
    'build-arch': { type: 'string', value: 'ARCH', description: 'the architecture to build (default: the host\'s)' },
    'build-date': { type: 'string', value: 'RFC3339', description: 'floor of the build date (SOURCE_DATE_EPOCH wins)' },
    'sbom-path': { type: 'string', value: 'DIR', description: 'accepted for apko compatibility; no SBOM is written' },
  },
  arity: [2, 2],
  async run(p, io) {
    const [config, output] = p.positionals as [string, string];
    const base = resolveRequestFrom(p, { config });
    const [{ normalizeMinirootfsRequest }, { buildMinirootfs }] = await Promise.all([import('../../engine/image/request'), import('../../engine/image/minirootfs')]);
    const opts = normalizeMinirootfsRequest({ ...base, output, env: io.env, log: io.err, ...(str(p, 'build-arch') !== undefined ? { arch: [str(p, 'build-arch')!] } : {}) }, io.cwd);
    const r = await buildMinirootfs(opts);
    io.err(`${r.output}: ${r.arch} root filesystem, ${r.packages} packages (diff_id ${r.diffId})`);
    return 0;
  },
};
