/** `apko-nx show-config <config.yaml>`: the merged config with credentials redacted. */
import { list } from '../args';
import { RESOLVE_FLAGS } from '../build-flags';
import type { Command } from '../command';

export const showConfig: Command = {
  name: 'show-config',
  summary: 'print the loaded config (includes merged, flags applied) with credentials redacted',
  usage: 'show-config <config.yaml> [flags]',
  flags: {
    'repository-append': RESOLVE_FLAGS['repository-append']!,
    'build-repository-append': RESOLVE_FLAGS['build-repository-append']!,
    'keyring-append': RESOLVE_FLAGS['keyring-append']!,
    'package-append': RESOLVE_FLAGS['package-append']!,
    'include-paths': RESOLVE_FLAGS['include-paths']!,
    'cache-dir': RESOLVE_FLAGS['cache-dir']!,
    offline: RESOLVE_FLAGS.offline!,
  },
  arity: [1, 1],
  async run(p, io) {
    const [{ normalizeResolveRequest }, { showConfig: printLoadedConfig }] = await Promise.all([import('../../engine/image/request'), import('../../engine/image/show-config')]);
    const request = normalizeResolveRequest(
      {
        config: p.positionals[0]!,
        repositoryAppend: list(p, 'repository-append'),
        buildRepositoryAppend: list(p, 'build-repository-append'),
        keyringAppend: list(p, 'keyring-append'),
        packageAppend: list(p, 'package-append'),
        includePaths: list(p, 'include-paths'),
        env: io.env,
      },
      io.cwd,
    );
    io.out((await printLoadedConfig(request)).replace(/\n$/, ''));
    return 0;
  },
};
