/** `apko-nx show-packages <config.yaml>`: the resolved packages, one per line. */
import { formatPackageLine, PACKAGE_FORMATS } from '../../engine/image/package-line';
import { str, UsageError } from '../args';
import { RESOLVE_FLAGS, resolveRequestFrom } from '../build-flags';
import type { Command } from '../command';

export const showPackages: Command = {
  name: 'show-packages',
  summary: 'resolve and print the packages of each architecture',
  usage: 'show-packages <config.yaml> [--arch ARCH] [--format FORMAT] [flags]',
  flags: { ...RESOLVE_FLAGS, format: { type: 'string', value: 'FORMAT', description: `output format: ${PACKAGE_FORMATS.join(', ')} (default name-version), or a template such as '{{.Name}} {{.Version}} {{.Source}}'` } },
  arity: [1, 1],
  async run(p, io) {
    const format = str(p, 'format') ?? 'name-version';
    const line = formatPackageLine(format);
    if (line === undefined && format !== 'json') throw new UsageError(`unknown --format "${format}"`, `use one of ${PACKAGE_FORMATS.join(', ')}`);
    // Here --format is the output format, not the layer format of build.
    const resolveFlags = { ...p, flags: { ...p.flags, format: undefined } };
    const [{ normalizeResolveRequest }, { resolveImagePackages }] = await Promise.all([import('../../engine/image/request'), import('../../engine/image/show-packages')]);
    const opts = normalizeResolveRequest({ ...resolveRequestFrom(resolveFlags, { config: p.positionals[0]! }), env: io.env, log: io.err }, io.cwd);
    const { loaded, lines } = await resolveImagePackages(opts);
    if (format === 'json') {
      const byArch = Object.fromEntries(loaded.archs.map((a, i) => [a.apk, lines[i]]));
      io.out(JSON.stringify(byArch, null, 2));
      return 0;
    }
    for (const [i, arch] of loaded.archs.entries()) {
      if (loaded.archs.length > 1) io.err(`# ${arch.apk}`);
      for (const pkg of lines[i]!) io.out(line!(pkg));
    }
    return 0;
  },
};
