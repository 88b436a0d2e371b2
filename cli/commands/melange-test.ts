/**
 * `apko-nx melange test <melange.yaml> [<apk | repository dir | package>]`:
 * runs the config's `test:` sections on packages already built (by default
 * the ones `melange build` wrote to packages/<arch>/), each in a fresh root
 * of its test environment plus the package under test.
 */
import { UsageError, bool, list, str } from '../args';
import type { Command } from '../command';

export const melangeTestCommand: Command = {
  name: 'melange test',
  summary: 'run the test: sections of a melange.yaml on built packages, each in a fresh root of its environment',
  usage: 'melange test <melange.yaml> [<package.apk> | <repository dir> | <package name>] [--arch ARCH,...] [--runner bubblewrap|chroot] [-r REPO] [-k KEY] [flags]',
  flags: {
    arch: { type: 'list', split: true, value: 'ARCH', description: "architectures to test (default the host's)" },
    runner: { type: 'string', value: 'bubblewrap|chroot', description: 'where the test steps run (default bubblewrap; host cannot install the packages under test)' },
    'source-dir': { type: 'string', value: 'DIR', description: 'copied into the test workspace (default: an empty workspace, as melange)' },
    'out-dir': { type: 'string', value: 'DIR', description: 'the repository melange build wrote, used when no package is named (default packages)' },
    'repository-append': { type: 'list', alias: 'r', value: 'REPO', description: 'extra repository for the test environments (repeatable)' },
    'keyring-append': { type: 'list', alias: 'k', value: 'KEY', description: 'extra trusted public key for the test environments (repeatable)' },
    'test-package-append': { type: 'list', value: 'PKG', description: 'extra package for every test environment (repeatable)' },
    'pipeline-dirs': { type: 'list', split: true, value: 'DIR', description: 'directories of pipeline definitions for uses:, searched before the built-in ones' },
    'cache-dir': { type: 'string', value: 'DIR', description: 'package cache for the test environments (default: $APKO_CACHE_DIR, else ~/.cache/apko-nx)' },
    'apk-cache-dir': { type: 'string', value: 'DIR', description: "melange's name for --cache-dir" },
    offline: { type: 'boolean', description: 'build the test environments from the cache and local repositories only' },
  },
  arity: [1, 2],
  async run(p, io) {
    const runner = str(p, 'runner');
    if (runner === 'host') throw new UsageError('melange test cannot use runner "host": the packages under test are installed into a fresh root', 'use the default runner (bubblewrap), or chroot as root');
    // Loaded here, not at the top: the CLI starts without the engine and loads what a verb needs.
    const { melangeTest } = await import('../../engine/melange/test');
    const target = p.positionals[1];
    const r = await melangeTest(
      {
        configPath: p.positionals[0]!,
        ...(target !== undefined ? { target } : {}),
        archs: list(p, 'arch'),
        runner,
        sourceDir: str(p, 'source-dir'),
        outDir: str(p, 'out-dir'),
        repositoryAppend: list(p, 'repository-append'),
        keyringAppend: list(p, 'keyring-append'),
        packageAppend: list(p, 'test-package-append'),
        pipelineDirs: list(p, 'pipeline-dirs'),
        apkCacheDir: str(p, 'apk-cache-dir') ?? str(p, 'cache-dir'),
        offline: bool(p, 'offline'),
        log: io.err,
      },
      io.cwd,
      io.env,
    );
    io.err(`${r.passed} test section${r.passed === 1 ? '' : 's'} passed`);
    return 0;
  },
};
