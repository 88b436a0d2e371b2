/** `apko-nx build-cpio <config.yaml> <output.cpio[.gz]>`: one arch's rootfs as a newc cpio archive (apko's build-cpio). */
import { str } from '../args';
import { RESOLVE_FLAGS, resolveRequestFrom } from '../build-flags';
import type { Command } from '../command';

export const buildCpioCommand: Command = {
  name: 'build-cpio',
  summary: 'build one architecture\'s root filesystem as a newc cpio archive (gzip when the name ends in .gz), e.g. an initramfs',
  usage: 'build-cpio <config.yaml> <output.cpio[.gz]> [--build-arch ARCH] [flags]',
  flags: {
    ...RESOLVE_FLAGS,
    'build-arch': { type: 'string', value: 'ARCH', description: 'the architecture to build (default: the host\'s); archs in the config are ignored, with a warning' },
    'build-date': { type: 'string', value: 'RFC3339', description: 'floor of the build date (SOURCE_DATE_EPOCH wins)' },
    'sbom-path': { type: 'string', value: 'DIR', description: 'accepted for apko compatibility; no SBOM is written (apko writes none either)' },
  },
  arity: [2, 2],
  async run(p, io) {
    const [config, output] = p.positionals as [string, string];
    const { arch: _ignored, ...base } = resolveRequestFrom(p, { config });
    const buildArch = str(p, 'build-arch');
    const buildDate = str(p, 'build-date');
    const [{ normalizeMinirootfsRequest }, { buildCpio }] = await Promise.all([import('../../engine/image/request'), import('../../engine/image/build-cpio')]);
    const opts = normalizeMinirootfsRequest({ ...base, output, env: io.env, log: io.err, ...(buildArch !== undefined ? { arch: [buildArch] } : {}), ...(buildDate !== undefined ? { buildDate } : {}) }, io.cwd);
    const r = await buildCpio(opts);
    io.err(`wrote ${r.output}: ${r.arch} root filesystem, ${r.packages} packages${r.compressed ? ' (gzip)' : ''}`);
    return 0;
  },
};
