/**
 * `apko-nx melange build <melange.yaml>`: builds the packages of a
 * melange.yaml into `<out-dir>/<arch>/` and updates that directory's index.
 * With `--runner chroot` the build environment is made by the image engine.
 */
import {
  buildMelangePackage,
  defaultCacheDir,
  normalizeMelangeBuildOptions,
  rootPreparer,
  type MelangeBuildOptions,
} from '../../engine';
import { UsageError, bool, list, str } from '../args';
import type { Command } from '../command';
import { readSigningKey } from '../signing-key';

/** `--var k=v` pairs as a record; the last of a repeated key wins. */
function parseVars(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${pair} is not KEY=VALUE`, 'write it as --var name=value');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export const melangeBuildCommand: Command = {
  name: 'melange build',
  summary: 'build the packages of a melange.yaml into a local repository (<out-dir>/<arch>/, with APKINDEX.tar.gz)',
  usage: 'melange build <melange.yaml> [--arch ARCH] [--signing-key KEY.rsa] [--out-dir packages] [--runner host|chroot] [flags]',
  flags: {
    arch: { type: 'string', value: 'ARCH', description: 'architecture to build for (apk or OCI name; default the host\'s)' },
    'signing-key': { type: 'string', value: 'KEY', description: 'RSA private key to sign the packages and the index with' },
    'out-dir': { type: 'string', value: 'DIR', description: 'repository directory; packages go to DIR/<arch>/ (default packages)' },
    'source-dir': { type: 'string', value: 'DIR', description: 'copied into the build workspace (default: the directory holding melange.yaml)' },
    runner: { type: 'string', value: 'host|chroot', description: 'host (default; no isolation) or chroot (root only; the environment built from its packages)' },
    namespace: { type: 'string', value: 'NS', description: 'package namespace for .PKGINFO maintainer and purls (default unknown)' },
    var: { type: 'list', value: 'KEY=VALUE', description: 'override a vars: entry (repeatable)' },
    'generate-index': { type: 'boolean', description: 'update <out-dir>/<arch>/APKINDEX.tar.gz (default true; --generate-index=false to skip)' },
    'cache-dir': { type: 'string', value: 'DIR', description: 'package cache for the chroot environment (default: $APKO_CACHE_DIR, else ~/.cache/apko-nx)' },
    offline: { type: 'boolean', description: 'chroot environment: use the cache and local repositories only' },
    'repository-append': { type: 'list', alias: 'r', value: 'REPO', description: 'chroot environment: extra repository (repeatable)' },
    'keyring-append': { type: 'list', alias: 'k', value: 'KEY', description: 'chroot environment: extra trusted public key (repeatable)' },
    'package-append': { type: 'list', alias: 'p', value: 'PKG', description: 'chroot environment: extra package (repeatable)' },
  },
  arity: [1, 1],
  async run(p, io) {
    const key = str(p, 'signing-key');
    const runner = str(p, 'runner') as MelangeBuildOptions['runner'];
    const cacheDir = str(p, 'cache-dir');
    const appended = ['repository-append', 'keyring-append', 'package-append'].filter((f) => list(p, f).length > 0);
    if (appended.length > 0 && runner !== 'chroot') {
      throw new UsageError(`--${appended[0]} shapes the chroot build environment and needs --runner chroot`, 'the host runner uses the build machine as it is');
    }
    const prepareRoot =
      runner === 'chroot'
        ? rootPreparer({
            cwd: io.cwd,
            cacheDir: defaultCacheDir({ ...(cacheDir !== undefined ? { cacheDir } : {}), env: io.env, cwd: io.cwd }),
            offline: bool(p, 'offline'),
            log: io.err,
            repositoryAppend: list(p, 'repository-append'),
            keyringAppend: list(p, 'keyring-append'),
            packageAppend: list(p, 'package-append'),
          })
        : undefined;
    const opts = normalizeMelangeBuildOptions(
      {
        configPath: p.positionals[0]!,
        ...(str(p, 'arch') !== undefined ? { arch: str(p, 'arch') } : {}),
        ...(key !== undefined ? { signingKey: readSigningKey(key, io.cwd) } : {}),
        ...(str(p, 'out-dir') !== undefined ? { outDir: str(p, 'out-dir') } : {}),
        ...(str(p, 'source-dir') !== undefined ? { sourceDir: str(p, 'source-dir') } : {}),
        ...(runner !== undefined ? { runner } : {}),
        ...(str(p, 'namespace') !== undefined ? { namespace: str(p, 'namespace') } : {}),
        ...(prepareRoot ? { prepareRoot } : {}),
        vars: parseVars(list(p, 'var')),
        generateIndex: p.flags['generate-index'] === undefined ? true : bool(p, 'generate-index'),
        log: io.err,
      },
      io.cwd,
      io.env,
    );
    // Paths are absolute and the build date decided now, so the engine's own normalization changes nothing.
    const result = await buildMelangePackage({ ...opts, arch: opts.arch.apk, vars: { ...opts.vars } });
    for (const pkg of result.packages) io.out(pkg.path);
    if (result.index !== undefined) io.err(`updated ${result.index}`);
    return 0;
  },
};
