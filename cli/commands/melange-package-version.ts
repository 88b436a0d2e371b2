/** `apko-nx melange package-version <melange.yaml>`: `<name>-<version>-r<epoch>`, as melange package-version. */
import type { Command } from '../command';

export const melangePackageVersionCommand: Command = {
  name: 'melange package-version',
  summary: 'print the package a melange.yaml builds: <name>-<version>-r<epoch> (no newline added)',
  usage: 'melange package-version <melange.yaml>',
  flags: {},
  arity: [1, 1],
  async run(p, io) {
    const { resolve } = await import('node:path');
    const { melangeQuery, PACKAGE_VERSION_TEMPLATE } = await import('../../engine/melange/query');
    (io.write ?? io.out)(await melangeQuery(resolve(io.cwd, p.positionals[0]!), PACKAGE_VERSION_TEMPLATE));
    return 0;
  },
};
